import type { ModelConfig } from '../options.js';
import { CachingFront } from './caching-front.js';
import type { Cluster } from './cluster.js';
import type { Keyspace, ModelContext } from './keyspace.js';
import { QuorumKeyspace } from './quorum.js';
import { LegacyKeyspace } from './s3-legacy.js';
import { StrongKeyspace } from './strong.js';
import { DroppingWrites, type DropMode } from './write-faults.js';
import { ReplicatingWrites, type ReplicaWrite } from './replicating.js';
import type { DelayDistribution } from '../delay-spec.js';

export interface KeyspaceConfig {
  model: ModelConfig;
  dropAckedWrites: number;
  dropMode: DropMode;
  cacheFront: boolean;
  /** quorum: the network and clocks every bucket shares, so runtime faults reach them all. */
  cluster?: Cluster;
  /** A read-only replica endpoint that receives every write after a lag. */
  replica?: { lag: DelayDistribution; write: ReplicaWrite };
}

/** A bucket's keyspace: the model, then the faults layered on it (the cache outermost, as a CDN is). */
export function createKeyspace(config: KeyspaceConfig, ctx: ModelContext): Keyspace {
  const m = config.model;
  let keyspace: Keyspace =
    m.model === 'strong' ? new StrongKeyspace(ctx) : m.model === 's3-legacy' ? new LegacyKeyspace(ctx, m.params) : new QuorumKeyspace(ctx, m.params, config.cluster);
  if (config.dropAckedWrites > 0) keyspace = new DroppingWrites(keyspace, ctx, config.dropAckedWrites, config.dropMode);
  if (config.replica) keyspace = new ReplicatingWrites(keyspace, ctx, config.replica.lag, config.replica.write);
  if (config.cacheFront) keyspace = new CachingFront(keyspace, ctx.now);
  return keyspace;
}
