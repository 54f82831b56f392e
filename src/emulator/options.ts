import { parseDelaySpec, type DelayDistribution } from './delay-spec.js';
import type { DropMode } from './models/write-faults.js';
import type { LegacyParams, MsRange } from './models/s3-legacy.js';
import type { QuorumParams } from './models/quorum.js';
import type { FsyncPolicy, PersistenceOptions } from './persist/journal.js';
import type { AccessDelays } from './access/access-control.js';
import type { KeyPair } from './access/users.js';

export type ConsistencyModelName = 'strong' | 's3-legacy' | 'quorum';
export const CONSISTENCY_MODELS: readonly ConsistencyModelName[] = ['strong', 's3-legacy', 'quorum'];

// Defined with the users it describes; named here too, beside the other options.
export type { KeyPair } from './access/users.js';

/** Delay distributions as spec strings (see delay-spec.ts), e.g. "exp:5" or "mix:0.9*const:1,0.1*exp:50". */
export interface QuorumDelaySpecs {
  writePropagation?: string;
  ack?: string;
  readRequest?: string;
  readResponse?: string;
}

export type ConsistencyOptions =
  | { model: 'strong' }
  | {
      model: 's3-legacy';
      staleWindowMs?: MsRange;
      staleReadProbability?: number;
      negativeCacheWindowMs?: MsRange;
      listLagMs?: MsRange;
    }
  | {
      model: 'quorum';
      replicas?: number;
      writeQuorum?: number;
      readQuorum?: number;
      delays?: QuorumDelaySpecs;
      /** One clock offset per coordinator, in ms; its length is the number of coordinators. */
      coordinatorSkewsMs?: number[];
      readRepair?: boolean;
    };

export interface FaultOptions {
  /** Probability that an acknowledged write is lost. */
  dropAckedWrites?: number;
  dropMode?: DropMode;
  /** In "coordinator" mode, how long the lost write stays readable before it vanishes. */
  lossAfterMs?: number;
  /** quorum only: each read asks one random replica (non-monotonic reads). */
  singleReplicaReads?: boolean;
  /** A caching front that honours Cache-Control max-age (stale reads after overwrites). */
  cacheFront?: boolean;
  /** If-Match and If-None-Match on writes are ignored: every conditional write succeeds (as s3rver does). */
  ignoreConditions?: boolean;
}

export interface EmulatorOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  host?: string;
  region?: string;
  seed?: number;
  consistency?: ConsistencyModelName | ConsistencyOptions;
  keys?: KeyPair[];
  /** Buckets that exist from the start; others are made by CreateBucket. */
  buckets?: string[];
  faults?: FaultOptions;
  /** true: in memory only; an object: also as JSON lines to a file, and/or on the run's clock. */
  groundTruth?: boolean | { jsonlPath?: string; origin?: bigint };
  /** Host names `<bucket>.<suffix>` are virtual-host style. */
  virtualHostSuffix?: string;
  maxObjectBytes?: number;
  /** Keep the store in a data directory, recovered at start (strong model only). */
  persistence?: { dataDir: string; fsync?: FsyncPolicy; ackBeforeDurableMs?: number };
  /**
   * Access control: the first key owns everything, the others may do only what a bucket
   * policy allows; policy and key-state changes take effect after these delays (default 0).
   */
  accessControl?: Partial<AccessDelays>;
  /** How long after it was answered a bucket configuration change (versioning) governs writes (default 0). */
  configDelayMs?: number;
  /** Serve a read-only replica on a second port, each write reaching it after a lag drawn from this delay spec. */
  replicaLag?: string;
}

export type ModelConfig =
  | { model: 'strong' }
  | { model: 's3-legacy'; params: LegacyParams }
  | { model: 'quorum'; params: QuorumParams };

/** Options with every default filled in and every value checked. */
export interface ResolvedOptions {
  port: number;
  host: string;
  region: string;
  seed: number;
  model: ModelConfig;
  keys: KeyPair[];
  buckets: string[];
  dropAckedWrites: number;
  dropMode: DropMode;
  lossAfterMs: number;
  cacheFront: boolean;
  ignoreConditions: boolean;
  groundTruth: false | { jsonlPath?: string; origin?: bigint };
  virtualHostSuffix: string;
  maxObjectBytes: number;
  persistence: false | PersistenceOptions;
  accessControl: false | AccessDelays;
  configDelayMs: number;
  replicaLag: DelayDistribution | null;
}

export const DEFAULT_KEY_PAIR: KeyPair = { accessKeyId: 'objcheck', secretAccessKey: 'objcheck-secret' };

export class OptionsError extends Error {}

function check(ok: boolean, message: string): void {
  if (!ok) throw new OptionsError(message);
}

function range(value: MsRange | undefined, fallback: MsRange, name: string): MsRange {
  const r = value ?? fallback;
  check(r.length === 2 && r[0] >= 0 && r[1] >= r[0], `${name} must be [min, max] with 0 <= min <= max`);
  return r;
}

function probability(value: number | undefined, fallback: number, name: string): number {
  const p = value ?? fallback;
  check(p >= 0 && p <= 1, `${name} must be between 0 and 1`);
  return p;
}

function delay(spec: string | undefined, fallback: string): DelayDistribution {
  try {
    return parseDelaySpec(spec ?? fallback);
  } catch (e) {
    throw new OptionsError((e as Error).message);
  }
}

function resolveModel(input: ConsistencyModelName | ConsistencyOptions | undefined, faults: FaultOptions): ModelConfig {
  const c: ConsistencyOptions = typeof input === 'string' ? ({ model: input } as ConsistencyOptions) : (input ?? { model: 'strong' });
  check(CONSISTENCY_MODELS.includes(c.model), `unknown consistency model "${c.model}" (one of ${CONSISTENCY_MODELS.join(', ')})`);
  check(!faults.singleReplicaReads || c.model === 'quorum', 'singleReplicaReads needs the quorum model (the others have one copy)');
  switch (c.model) {
    case 'strong':
      return { model: 'strong' };
    case 's3-legacy':
      return {
        model: 's3-legacy',
        params: {
          staleWindowMs: range(c.staleWindowMs, [50, 500], 'staleWindowMs'),
          staleReadProbability: probability(c.staleReadProbability, 0.5, 'staleReadProbability'),
          negativeCacheWindowMs: range(c.negativeCacheWindowMs, [50, 500], 'negativeCacheWindowMs'),
          listLagMs: range(c.listLagMs, [50, 500], 'listLagMs'),
        },
      };
    case 'quorum': {
      const replicas = c.replicas ?? 3;
      // Defaults are Dynamo's eventually consistent ones (W = R = 1, writes reach the other
      // replicas after ~5 ms): `--consistency quorum` alone shows what the checkers measure.
      // Majority quorums are one flag away.
      const writeQuorum = c.writeQuorum ?? 1;
      const readQuorum = c.readQuorum ?? 1;
      check(Number.isInteger(replicas) && replicas >= 1, 'replicas must be a positive integer');
      check(Number.isInteger(writeQuorum) && writeQuorum >= 1 && writeQuorum <= replicas, 'writeQuorum must be in 1..replicas');
      check(Number.isInteger(readQuorum) && readQuorum >= 1 && readQuorum <= replicas, 'readQuorum must be in 1..replicas');
      const skews = c.coordinatorSkewsMs ?? [0];
      check(skews.length >= 1 && skews.every(Number.isFinite), 'coordinatorSkewsMs needs at least one finite offset');
      return {
        model: 'quorum',
        params: {
          replicas,
          writeQuorum,
          readQuorum,
          delays: {
            writePropagation: delay(c.delays?.writePropagation, 'exp:5'),
            ack: delay(c.delays?.ack, '0'),
            readRequest: delay(c.delays?.readRequest, '0'),
            readResponse: delay(c.delays?.readResponse, '0'),
          },
          coordinatorSkewsMs: skews,
          readRepair: c.readRepair ?? false,
          singleReplicaReads: faults.singleReplicaReads ?? false,
        },
      };
    }
  }
}

function resolvePersistence(p: EmulatorOptions['persistence'], model: ModelConfig): false | PersistenceOptions {
  if (!p) return false;
  check(p.dataDir !== '', 'the data directory needs a path');
  // The other models keep replicas and pending propagation in memory: a journal of one copy
  // would not bring back the state they acknowledged from.
  check(model.model === 'strong', 'a data directory needs the strong model');
  const fsync = p.fsync ?? 'always';
  check(fsync === 'always' || fsync === 'never', 'fsync must be "always" or "never"');
  const ackBeforeDurableMs = p.ackBeforeDurableMs ?? 0;
  check(Number.isFinite(ackBeforeDurableMs) && ackBeforeDurableMs >= 0, 'ackBeforeDurableMs must be >= 0');
  return { dataDir: p.dataDir, fsync, ackBeforeDurableMs };
}

function nonNegativeMs(ms: number | undefined, name: string): number {
  const v = ms ?? 0;
  check(Number.isFinite(v) && v >= 0, `${name} must be a number of ms >= 0`);
  return v;
}

function resolveAccess(a: EmulatorOptions['accessControl']): false | AccessDelays {
  if (!a) return false;
  return { policyDelayMs: nonNegativeMs(a.policyDelayMs, 'policyDelayMs'), keyStateDelayMs: nonNegativeMs(a.keyStateDelayMs, 'keyStateDelayMs') };
}

export function resolveOptions(options: EmulatorOptions = {}): ResolvedOptions {
  const faults = options.faults ?? {};
  const keys = options.keys ?? [DEFAULT_KEY_PAIR];
  check(keys.length > 0 && keys.every((k) => k.accessKeyId !== '' && k.secretAccessKey !== ''), 'keys need a non-empty id and secret');
  check(new Set(keys.map((k) => k.accessKeyId)).size === keys.length, 'each key needs its own access key id');
  const port = options.port ?? 0;
  check(Number.isInteger(port) && port >= 0 && port < 65536, 'port must be in 0..65535');
  const dropMode = faults.dropMode ?? 'nowhere';
  check(dropMode === 'nowhere' || dropMode === 'coordinator', 'dropMode must be "nowhere" or "coordinator"');
  const gt = options.groundTruth;
  const model = resolveModel(options.consistency, faults);
  return {
    port,
    host: options.host ?? '127.0.0.1',
    region: options.region ?? 'us-east-1',
    seed: options.seed ?? 1,
    model,
    keys,
    buckets: options.buckets ?? [],
    dropAckedWrites: probability(faults.dropAckedWrites, 0, 'dropAckedWrites'),
    dropMode,
    lossAfterMs: faults.lossAfterMs ?? 50,
    cacheFront: faults.cacheFront ?? false,
    ignoreConditions: faults.ignoreConditions ?? false,
    groundTruth: gt === true ? {} : gt ? gt : false,
    virtualHostSuffix: options.virtualHostSuffix ?? 'localhost',
    maxObjectBytes: options.maxObjectBytes ?? 256 * 1024 * 1024,
    persistence: resolvePersistence(options.persistence, model),
    accessControl: resolveAccess(options.accessControl),
    configDelayMs: nonNegativeMs(options.configDelayMs, 'configDelayMs'),
    replicaLag: options.replicaLag === undefined ? null : delay(options.replicaLag, '0'),
  };
}
