import { closeSync, existsSync, fdatasyncSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { ObjectVersion } from '../object-version.js';
import { encodeVersion, imageRecords, parseJournal, type JournalRecord, type StoreImage } from './records.js';

export type FsyncPolicy = 'always' | 'never';

export interface PersistenceOptions {
  dataDir: string;
  /** always: fdatasync before the write is acknowledged; never: leave it to the OS (survives SIGKILL, not power loss). */
  fsync: FsyncPolicy;
  /**
   * > 0: acknowledge at once and write the record this many ms later, as a store that acks
   * from memory does. A SIGKILL inside that window loses acknowledged writes: the fault the
   * durability tests must catch.
   */
  ackBeforeDurableMs: number;
}

/** What a keyspace sees of the journal: its recovered objects, and where to record changes. */
export interface KeyStore {
  readonly recovered: ReadonlyMap<string, ObjectVersion>;
  /** Records the key's new state (undefined: no object); durable on return under fsync=always, unless acks come first. */
  record(key: string, version: ObjectVersion | undefined): void;
}

const FILE = 'journal.jsonl';

/**
 * The emulator's data directory: an append-only journal of state changes. Opening it replays
 * the journal and compacts it (a fresh file with one record per live object, swapped in by
 * rename), so restarts stay fast however long the store has run.
 */
export class Journal {
  private readonly fd: number;
  private readonly image: StoreImage;
  /** Records acknowledged but not yet written (ackBeforeDurableMs > 0), oldest first. */
  private readonly pending: { line: string; dueAt: number }[] = [];
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(private readonly options: PersistenceOptions) {
    mkdirSync(options.dataDir, { recursive: true });
    const path = join(options.dataDir, FILE);
    this.image = existsSync(path) ? parseJournal(readFileSync(path, 'utf8'), path) : new Map();
    compact(options.dataDir, this.image);
    this.fd = openSync(path, 'a');
  }

  /** Buckets that existed at the last durable point. */
  bucketNames(): string[] {
    return [...this.image.keys()];
  }

  /** The highest write id recovered, so that ids stay unique across restarts. */
  maxWriteId(): number {
    let max = 0;
    for (const objects of this.image.values()) for (const v of objects.values()) max = Math.max(max, v.writeId);
    return max;
  }

  bucketStore(bucket: string): KeyStore {
    return {
      recovered: this.image.get(bucket) ?? new Map(),
      record: (key, version) => this.append(version ? { t: 'set', bucket, key, version: encodeVersion(version) } : { t: 'unset', bucket, key }),
    };
  }

  bucketCreated(bucket: string): void {
    this.append({ t: 'bucket', bucket });
  }

  bucketDeleted(bucket: string): void {
    this.image.delete(bucket);
    this.append({ t: 'unbucket', bucket });
  }

  /** A clean shutdown writes what is pending: only a crash loses acknowledged writes. */
  close(): void {
    if (this.closed) return;
    clearTimeout(this.timer);
    this.writeLines(this.pending.splice(0).map((p) => p.line));
    this.closed = true;
    closeSync(this.fd);
  }

  private append(record: JournalRecord): void {
    if (this.closed) return;
    const line = JSON.stringify(record) + '\n';
    if (this.options.ackBeforeDurableMs <= 0) {
      this.writeLines([line]);
      return;
    }
    this.pending.push({ line, dueAt: performance.now() + this.options.ackBeforeDurableMs });
    this.timer ??= setTimeout(() => this.flushDue(), this.options.ackBeforeDurableMs);
  }

  private flushDue(): void {
    this.timer = undefined;
    const now = performance.now();
    let due = 0;
    while (due < this.pending.length && this.pending[due]!.dueAt <= now) due++;
    this.writeLines(this.pending.splice(0, due).map((p) => p.line));
    // The delay is the same for every record, so the queue is in due order: wait for its head.
    const next = this.pending[0];
    if (next) this.timer = setTimeout(() => this.flushDue(), Math.max(0, next.dueAt - now));
  }

  private writeLines(lines: string[]): void {
    if (lines.length === 0) return;
    // Synchronous on purpose: no request can be answered between the change to memory and its
    // record, so the journal's order is the order in which changes became visible.
    writeSync(this.fd, lines.join(''));
    if (this.options.fsync === 'always') fdatasyncSync(this.fd);
  }
}

/** Rewrites the journal as a snapshot of the image, atomically: a crash leaves the old file or the new one. */
function compact(dir: string, image: StoreImage): void {
  const tmp = join(dir, `${FILE}.tmp`);
  const fd = openSync(tmp, 'w');
  try {
    for (const r of imageRecords(image)) writeSync(fd, JSON.stringify(r) + '\n');
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, join(dir, FILE));
  // The rename itself is durable only once the directory is synced.
  const dirFd = openSync(dir, 'r');
  try {
    fsyncSync(dirFd);
  } finally {
    closeSync(dirFd);
  }
}
