import type { AddressInfo } from 'node:net';
import { AccessControl } from './access/access-control.js';
import { Users } from './access/users.js';
import { Buckets } from './buckets.js';
import { runtimeFaults, type RuntimeFaults } from './faults.js';
import { GroundTruthLog } from './ground-truth.js';
import { MultipartUploads } from './handlers/multipart-uploads.js';
import type { EmulatorState } from './handlers/types.js';
import { Cluster } from './models/cluster.js';
import { resolveOptions, type EmulatorOptions, type KeyPair, type ResolvedOptions } from './options.js';
import { Journal } from './persist/journal.js';
import type { WriteRequest } from './models/keyspace.js';
import { createS3Server } from './server.js';

export type { EmulatorOptions, ConsistencyOptions, ConsistencyModelName, FaultOptions, KeyPair, QuorumDelaySpecs } from './options.js';
export { DEFAULT_KEY_PAIR, OptionsError, resolveOptions } from './options.js';
export { GroundTruthLog, type GroundTruthEvent } from './ground-truth.js';
export { FaultError, type RuntimeFaults } from './faults.js';
export { parseDelaySpec, sampleDelay, meanDelay, type DelayDistribution } from './delay-spec.js';

export interface RunningEmulator {
  /** http://host:port, for an S3 client's endpoint (use path-style addressing, or <bucket>.localhost). */
  endpoint: string;
  port: number;
  region: string;
  /** The first key pair. */
  credentials: KeyPair;
  /** With a replica lag: the read-only replica's http://host:port. */
  replicaEndpoint?: string;
  /** Present when ground-truth logging is on. */
  groundTruth?: GroundTruthLog;
  /** What a run folder may record about the emulator: model, parameters, faults; never secrets. */
  describe(): Record<string, unknown>;
  /** Faults to switch on and off while running (partitions and clock skew need `quorum`). */
  faults: RuntimeFaults;
  /** The administration a bucket owner has beyond S3's API: access keys. */
  admin: EmulatorAdmin;
  close(): Promise<void>;
}

export interface EmulatorAdmin {
  /** Disables or enables a key (not the owner's); with access control off, throws. */
  setKeyActive(accessKeyId: string, active: boolean): void;
}

/** Starts an S3-compatible server on a loopback port, in this process. */
export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const resolved = resolveOptions(options);
  const truth = resolved.groundTruth ? new GroundTruthLog(resolved.groundTruth) : undefined;
  const m = resolved.model;
  const cluster = m.model === 'quorum' ? new Cluster(m.params.replicas, m.params.coordinatorSkewsMs) : undefined;
  const journal = resolved.persistence ? new Journal(resolved.persistence) : undefined;
  // The replica: a strongly consistent copy that each write reaches after the lag.
  const users = new Users(resolved.keys);
  const defaultOwner = users.caller(resolved.keys[0]!.accessKeyId).id;
  const replicaBuckets = resolved.replicaLag
    ? new Buckets({ defaultOwner, model: { model: 'strong' }, dropAckedWrites: 0, dropMode: 'nowhere', cacheFront: false, seed: resolved.seed, lossAfterMs: 0, configDelayMs: 0 })
    : undefined;
  const replicaOf = (bucket: string) => {
    if (!replicaBuckets!.has(bucket)) replicaBuckets!.create(bucket);
    return replicaBuckets!.get(bucket);
  };
  const buckets = new Buckets({
    defaultOwner,
    model: resolved.model,
    dropAckedWrites: resolved.dropAckedWrites,
    dropMode: resolved.dropMode,
    cacheFront: resolved.cacheFront,
    seed: resolved.seed,
    lossAfterMs: resolved.lossAfterMs,
    configDelayMs: resolved.configDelayMs,
    ...(resolved.replicaLag ? { replica: { lag: resolved.replicaLag, write: (bucket: string, request: WriteRequest) => replicaOf(bucket).keyspace.write(request) } } : {}),
    ...(truth ? { truth } : {}),
    ...(cluster ? { cluster } : {}),
    ...(journal ? { journal } : {}),
  });
  for (const name of resolved.buckets) {
    buckets.create(name);
    if (replicaBuckets) replicaOf(name);
  }
  // After a restart, new writes must not reuse the ids of recovered ones.
  let writeIds = journal?.maxWriteId() ?? 0;
  const access = resolved.accessControl
    ? new AccessControl(resolved.keys[0]!.accessKeyId, resolved.keys.map((k) => k.accessKeyId), resolved.accessControl, () => performance.now(), truth)
    : undefined;
  const state: EmulatorState = { options: resolved, buckets, users, uploads: new MultipartUploads(), ...(truth ? { truth } : {}), ...(access ? { access } : {}), nextWriteId: () => ++writeIds };
  const server = createS3Server(state);
  await new Promise<void>((resolve, reject) => {
    // A port still taken must not leave the journal open for a retry on the same directory.
    const fail = (err: Error) => {
      buckets.close();
      reject(err);
    };
    server.once('error', fail);
    server.listen(resolved.port, resolved.host, () => {
      server.off('error', fail);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const host = resolved.host.includes(':') ? `[${resolved.host}]` : resolved.host;
  const replica = replicaBuckets
    ? createS3Server({ options: resolved, buckets: replicaBuckets, users, uploads: new MultipartUploads(), readOnly: true, nextWriteId: () => 0 })
    : undefined;
  if (replica) await new Promise<void>((resolve) => replica.listen(0, resolved.host, resolve));
  let closing: Promise<void> | undefined;
  return {
    endpoint: `http://${host}:${port}`,
    port,
    region: resolved.region,
    credentials: resolved.keys[0]!,
    ...(replica ? { replicaEndpoint: `http://${host}:${(replica.address() as AddressInfo).port}` } : {}),
    ...(truth ? { groundTruth: truth } : {}),
    describe: () => describeOptions(resolved),
    faults: runtimeFaults(m.model, cluster, truth),
    admin: {
      setKeyActive(accessKeyId, active) {
        if (!access) throw new Error('access keys can be disabled only with access control on (--policy-delay / --key-state-delay)');
        access.setKeyActive(accessKeyId, active);
      },
    },
    close() {
      closing ??= new Promise<void>((resolve) => {
        buckets.close();
        replicaBuckets?.close();
        replica?.close();
        replica?.closeAllConnections();
        server.close(() => resolve());
        // Keep-alive sockets of idle clients would hold close() open until they time out.
        server.closeAllConnections();
        truth?.flush();
      });
      return closing;
    },
  };
}

function describeOptions(o: ResolvedOptions): Record<string, unknown> {
  return {
    name: 'emulator',
    consistency: o.model,
    seed: o.seed,
    region: o.region,
    faults: { dropAckedWrites: o.dropAckedWrites, dropMode: o.dropMode, lossAfterMs: o.lossAfterMs, cacheFront: o.cacheFront, ignoreConditions: o.ignoreConditions },
    groundTruth: o.groundTruth !== false,
    ...(o.persistence ? { persistence: o.persistence } : {}),
    ...(o.accessControl ? { accessControl: o.accessControl } : {}),
    configDelayMs: o.configDelayMs,
    ...(o.replicaLag ? { replicaLag: o.replicaLag } : {}),
  };
}
