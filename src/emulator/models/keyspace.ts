import type { WritePrecondition } from '../conditions.js';
import type { GroundTruthLog } from '../ground-truth.js';
import type { ListSnapshot } from '../listing.js';
import type { NewObject, ObjectVersion } from '../object-version.js';
import type { KeyStore } from '../persist/journal.js';
import type { Random } from '../../util/random.js';

/**
 * The objects of one bucket under one consistency model. The HTTP layer asks only this, so
 * a model decides alone which state each read sees and when each write becomes visible.
 */
export interface Keyspace {
  read(key: string): Promise<ReadOutcome>;
  write(request: WriteRequest): Promise<WriteOutcome>;
  list(): Promise<ListSnapshot>;
  /** Whether any live object is anywhere (DeleteBucket must not lose data it cannot see). */
  isEmpty(): boolean;
  close(): void;
  /**
   * S3 object versions, for the models that keep every version (strong). The others keep only
   * each key's latest version and have none: addressing versions there is refused once a bucket
   * has had versioning (handlers/versions.ts).
   */
  readonly versions?: VersionedKeyspace;
}

/** The versions of a bucket's objects, S3's way (only where a model keeps them all). */
export interface VersionedKeyspace {
  /** The version with this id; it may be a delete marker (`deleted`). null: no such version. */
  readVersion(key: string, versionId: string): Promise<ReadOutcome>;
  /**
   * Removes one version for good (S3's DELETE ?versionId=); if it was the current one, the next
   * older version becomes current. Removing a version that is not there succeeds, as in S3.
   * The precondition (If-Match) is judged on the version addressed, when there is one.
   */
  deleteVersion(request: VersionDeleteRequest): Promise<VersionDeleteOutcome>;
  /** Every key with any version, and its versions newest first (markers included). */
  listVersions(): Promise<VersionSnapshot>;
}

export interface VersionDeleteRequest {
  key: string;
  versionId: string;
  /** The deletion is a write of its own (it can change what reads return): its id for the ground truth. */
  writeId: number;
  precondition?: WritePrecondition;
}

export interface VersionDeleteOutcome {
  /** What was removed; null when there was no such version. */
  removed: ObjectVersion | null;
  replicas: number[];
}

export interface VersionSnapshot {
  readonly sortedKeys: readonly string[];
  versions(key: string): readonly ObjectVersion[];
}

export interface ReadOutcome {
  /** null: no object (never written, deleted, or not yet visible). */
  version: ObjectVersion | null;
  replicas: number[];
  coordinator?: number;
  servedBy?: 'cache' | 'negative-cache';
  /** Ground truth (ns on its clock): when each of `replicas` was read, exactly (quorum model). */
  readAtNs?: number[];
  /** Ground truth (ns on its clock): when the coordinator sent the read out (quorum model). */
  startedAtNs?: number;
  /** No object because the key's current version is this delete marker (models that keep versions). */
  deleteMarker?: ObjectVersion;
}

export interface WriteRequest {
  key: string;
  /** null deletes the key. */
  object: NewObject | null;
  writeId: number;
  precondition?: WritePrecondition;
  /**
   * S3 versioning as it governs this write (newVersionId: the bucket's status when the write was
   * accepted). Absent: versioning was never enabled, so the write replaces the object and a
   * delete removes it. "null" (Suspended): the write replaces the key's "null" version and keeps
   * the others. Any other id (Enabled): the write is a new version beside the older ones. With
   * an id, a delete adds a delete marker with it. Models that keep only the latest version
   * (all but strong) ignore it.
   */
  versionId?: string;
  /**
   * The drop fault in "coordinator" mode: acknowledge, apply on one copy only, and undo it
   * after the loss delay, like a node that acked from memory and crashed.
   */
  lost?: boolean;
}

export interface WriteOutcome {
  version: ObjectVersion;
  /** Replicas that acknowledged before the answer. */
  replicas: number[];
  coordinator?: number;
  /** Ground truth (ns on its clock): when the write committed (its W-th ack), exactly (quorum model). */
  committedAtNs?: number;
}

/** What every model gets from the emulator. */
export interface ModelContext {
  bucket: string;
  random: Random;
  truth?: GroundTruthLog;
  /** Wall-clock ms (with fractions): timestamps and Last-Modified. */
  now(): number;
  /** How long a "lost" write stays before it is undone. */
  lossAfterMs: number;
  /** Persistent mode (strong only): the bucket's recovered objects and its journal. */
  store?: KeyStore;
}

/** Sorted key list cache: rebuilt only when the set of keys changes, not on overwrites. */
export class SortedKeys {
  private cached: string[] | null = null;

  constructor(private readonly source: () => Iterable<string>) {}

  invalidate(): void {
    this.cached = null;
  }

  get(): readonly string[] {
    return (this.cached ??= [...this.source()].sort());
  }
}
