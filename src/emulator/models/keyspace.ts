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
}

export interface WriteRequest {
  key: string;
  /** null deletes the key. */
  object: NewObject | null;
  writeId: number;
  precondition?: WritePrecondition;
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
