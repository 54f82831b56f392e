// The one interface every store implements. A workload talks to a store only through it.
import type { S3Client } from '@aws-sdk/client-s3';

/** Options every call takes: the runner's per-op deadline. */
export interface CallOptions {
  signal?: AbortSignal;
}

/** Conditional write headers (If-Match / If-None-Match), reserved for the cas workloads. */
export interface PutOptions extends CallOptions {
  ifMatch?: string;
  ifNoneMatch?: string;
  contentType?: string;
  cacheControl?: string;
  metadata?: Record<string, string>;
}

export interface ObjectMeta {
  etag: string;
  size: number;
  lastModified?: Date;
  metadata?: Record<string, string>;
}

export interface StoredObject extends ObjectMeta {
  body: Uint8Array;
}

/**
 * What only some targets can do: the eventual-corner workloads (revocation, cache, config,
 * replication) each need one, and say "not supported by this target" when it is missing.
 * A target offers one only where it can act without touching anything outside the run: a
 * bucket-wide setting of a shared bucket is not the run's to change.
 */
export interface TargetCapabilities {
  /** A second principal, and the owner's power to grant, revoke and disable its access. */
  access?: AccessCapability;
  /** A read through a caching front (a CDN, a public cached URL). */
  cachedGet?(key: string, options?: CallOptions): Promise<StoredObject | null>;
  /** Turns object versioning of the bucket on (true) or suspends it (false). */
  setVersioning?(enabled: boolean, options?: CallOptions): Promise<void>;
  /** A second endpoint that serves the same objects (a replica, another region, a mirror): reads only. */
  replica?: Pick<TargetClient, 'get'>;
}

export interface AccessCapability {
  /** Reads the key as the second principal: whether it was let in (an absent object is "allowed"). */
  readAsPrincipal(key: string, options?: CallOptions): Promise<'allowed' | 'denied'>;
  /** Lets the second principal read the run's objects. */
  grantRead(options?: CallOptions): Promise<void>;
  /** Takes that away again. */
  revokeRead(options?: CallOptions): Promise<void>;
  /** Disables the second principal's access key (or enables it again). */
  setKeyActive(active: boolean, options?: CallOptions): Promise<void>;
}

/**
 * A client of one run: keys are relative to the run's prefix, which the target adds, so that
 * a run touches only its own objects.
 */
export interface TargetClient extends TargetCapabilities {
  /** The object, or null when there is none (S3's NoSuchKey). */
  get(key: string, options?: CallOptions): Promise<StoredObject | null>;
  head(key: string, options?: CallOptions): Promise<ObjectMeta | null>;
  /** versionId: what the store said it kept the write as, when it versions (not "null"). */
  put(key: string, body: Uint8Array, options?: PutOptions): Promise<{ etag: string; versionId?: string }>;
  /**
   * Replaces the object's user metadata in place, keeping its body (S3: CopyObject onto itself
   * with MetadataDirective REPLACE; GCS's XML API takes the same request). A missing object is
   * a definite failure (NoSuchKey).
   */
  replaceMetadata(key: string, metadata: Record<string, string>, options?: CallOptions): Promise<{ etag: string }>;
  /** Deleting a missing key succeeds, as in S3. */
  delete(key: string, options?: CallOptions): Promise<void>;
  /** Keys under the prefix, relative to the run prefix, in order. */
  list(prefix: string, options?: CallOptions): Promise<string[]>;
}

/** S3's smallest multipart part (all but the last): 5 MiB. Here, not beside the SDK code, so the CLI can check --part-size without loading the SDK. */
export const MIN_PART_SIZE = 5 * 1024 * 1024;

/**
 * Which client S3-compatible targets put on the workers' path: `lean`, our own signed HTTP client
 * (src/targets/s3-lean-client.ts), or `sdk`, the AWS SDK v3 (src/targets/s3-client.ts).
 */
export type S3ClientKind = 'lean' | 'sdk';
export const S3_CLIENT_KINDS: readonly S3ClientKind[] = ['lean', 'sdk'];

export interface TargetOptions {
  /** The run's own prefix in the bucket, ending in "/". */
  prefix: string;
  seed: number;
  /** The runner's per-op timeout: transports set their own deadline just beyond it. */
  opTimeoutMs: number;
  /** Workers that will share the client: connection pools are sized to it. */
  concurrency: number;
  /** Simulated latency in ms for targets that simulate (mean; jittered). */
  latencyMs: number;
  /** For S3-compatible targets: where, and what they may do to the bucket. */
  bucket?: string;
  region?: string;
  endpoint?: string;
  /** Create the bucket when it is missing (never done otherwise). */
  createBucket?: boolean;
  /** Leave the run's objects in the bucket (by default the run's prefix is emptied at the end). */
  keepObjects?: boolean;
  /** S3-compatible targets: PUT bodies larger than this as multipart uploads of parts this size. */
  partSize?: number;
  /** S3-compatible targets: the client on the workers' path (default lean). */
  client?: S3ClientKind;
  /** Start the store first (e.g. docker compose for minio) where the target knows how. */
  start?: boolean;
  /** For a cluster the target starts (rgw --start): how many storage daemons. */
  osds?: number;
  /** For a cluster the target starts: each daemon in a network namespace of its own (root only). */
  netns?: boolean;
  /** The emulator's own flags (`--consistency quorum --replicas 3 …`), parsed by the emulator. */
  emulatorFlags?: string[];
  /** Network faults: maps the store's endpoint to the one the client must use (a proxy's). */
  connectThrough?: (endpoint: string) => Promise<string>;
  /**
   * Where the replication workload reads: "replica" (the target's own replica endpoint, the
   * emulator's with --replica-lag) or the URL of an S3-compatible endpoint serving the same
   * bucket (a mirror, a second region), reached with the target's credentials.
   */
  readTarget?: string;
  /** Where a target that knows the truth (the emulator) writes it, on the run's clock. */
  groundTruth?: { path: string; origin: bigint };
}

export interface Target {
  readonly name: string;
  /** One line for --help. */
  readonly description: string;
  open(options: TargetOptions): Promise<OpenTarget>;
}

export interface OpenTarget {
  client: TargetClient;
  /** What the run folder should record about the target (never credentials). */
  describe(): Record<string, unknown>;
  /** Aborted, with the reason, when the store is gone for good (a server we started died). */
  down?: AbortSignal;
  /** For a store in a process we started: what the process faults act on. */
  process?: ProcessControl;
  /** Nodes of a cluster we started (Ceph's OSDs), by name, for the node faults. */
  nodes?: ReadonlyMap<string, ProcessControl>;
  /**
   * Another client of the same store, reached at `endpoint` (a second proxy in front of it), for
   * faults that cut off some workers while the others get through. Closed with the target.
   */
  connect?(endpoint: string): TargetClient;
  /** For S3-compatible stores: S3 itself, for `objcheck probe`'s checks of S3's documented rules. */
  s3?: S3Access;
  /** For a store whose insides we control (the emulator): replica partitions, clock skew. */
  internal?: InternalFaultControl;
  /** For a cluster on a network of our own (rgw --start --netns): partitions between its daemons. */
  network?: NetworkControl;
  close(): Promise<void>;
}

/**
 * The network between a cluster's daemons, each on a host of its own (a network namespace): the
 * network faults cut it as a partition cuts real hosts. The workers stay on the host side.
 */
export interface NetworkControl {
  /** The daemons, by name: "mon", "mgr", "osd.0"…, "rgw". */
  readonly nodes: readonly string[];
  /** Cuts every node of `a` off from every node of `b`, both ways; each still reaches the host. */
  split(a: readonly string[], b: readonly string[]): void;
  /** Takes a node's link down: it reaches nothing, not even the host. */
  isolate(node: string): void;
  /** Brings an isolated node's link up again. */
  reconnect(node: string): void;
  /** Undoes every cut. */
  heal(): void;
}

export interface S3Access {
  client: S3Client;
  bucket: string;
  /** The run's prefix: the only place the probe writes. */
  prefix: string;
  /** Another client of the same store with the same access key signing with this secret. */
  withSecret(secretAccessKey: string): Promise<S3Client>;
}

/** A server process the target started, for the kill and pause faults. */
export interface ProcessControl {
  /** SIGKILL: the process dies at once, with whatever it had not made durable. */
  kill(): Promise<void>;
  /** Starts it again, on the same port with the same data. */
  restart(): Promise<void>;
  /** SIGSTOP / SIGCONT: the process keeps its connections but answers nothing. */
  pause(): void;
  resume(): void;
}

/** Faults inside a store we simulate: between its replicas, in its coordinators' clocks. */
export interface InternalFaultControl {
  /** Replicas of the store (0 when it has no replicas to partition). */
  readonly replicas: number;
  /** Coordinators whose clocks can be skewed. */
  readonly coordinators: number;
  partitionReplicas(ids: number[]): Promise<void>;
  healPartitions(): Promise<void>;
  setClockSkews(ms: number[]): Promise<void>;
  resetClockSkews(): Promise<void>;
}

/**
 * How an operation ended when it did not succeed. `definite` means the store proved that
 * nothing happened (a 4xx); `precondition` that the store refused a conditional write because
 * its condition did not hold (412, or 404 for If-Match on a missing key): nothing happened, and
 * the refusal tells what the state was not. Anything else leaves a write indeterminate.
 */
export type FailureKind = 'definite' | 'precondition' | 'timeout' | 'network' | 'server';

export class TargetError extends Error {
  constructor(
    readonly kind: FailureKind,
    message: string,
    /** The HTTP status the store answered with, when it answered. */
    readonly status?: number,
    /** S3's error code (NoSuchKey, SignatureDoesNotMatch…) or the transport's error name, when known. */
    readonly code?: string,
  ) {
    super(message);
  }
}
