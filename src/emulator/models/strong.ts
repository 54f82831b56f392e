import { checkWrite } from '../conditions.js';
import type { ListSnapshot } from '../listing.js';
import { live, makeVersion, type ObjectVersion } from '../object-version.js';
import { Timers } from '../timers.js';
import type {
  Keyspace,
  ModelContext,
  ReadOutcome,
  VersionDeleteOutcome,
  VersionDeleteRequest,
  VersionedKeyspace,
  VersionSnapshot,
  WriteOutcome,
  WriteRequest,
} from './keyspace.js';
import { VersionStore } from './version-store.js';

/**
 * Linearizable: one copy, and every operation reads or changes it at one instant while its
 * request is in progress (JavaScript runs each handler step to completion, so the instant
 * is the line that touches the store). It keeps every version, as S3 does, so it is also the
 * model that answers for versions (ListObjectVersions, ?versionId=).
 */
export class StrongKeyspace implements Keyspace, VersionedKeyspace {
  /** A lost delete leaves a tombstone, so that undoing it can tell whether it is still the latest. */
  private readonly store = new VersionStore();
  private readonly timers = new Timers();
  private lastTimestamp = 0;
  readonly versions: VersionedKeyspace = this;

  constructor(private readonly ctx: ModelContext) {
    for (const [key, version] of ctx.store?.recovered ?? []) {
      this.store.push(key, version);
      this.lastTimestamp = Math.max(this.lastTimestamp, version.timestamp);
    }
  }

  async read(key: string): Promise<ReadOutcome> {
    const current = this.store.current(key);
    // A tombstone without a version id is a lost delete's, not a delete marker S3 would show.
    if (current?.deleted && current.versionId !== undefined) return { version: null, replicas: [0], deleteMarker: current };
    return { version: live(current), replicas: [0] };
  }

  async write(request: WriteRequest): Promise<WriteOutcome> {
    const { key } = request;
    if (request.precondition) {
      const error = checkWrite(request.precondition, this.store.current(key));
      if (error) throw error;
    }
    // Strictly increasing, so Last-Modified order agrees with the real order of writes.
    this.lastTimestamp = Math.max(this.ctx.now(), this.lastTimestamp + 0.001);
    const version = makeVersion(request.object, request.writeId, this.lastTimestamp, request.versionId);
    let replaced: ObjectVersion | undefined;
    if (version.deleted && request.versionId === undefined && !request.lost) {
      // Versioning never enabled: a delete removes the object (its one, "null", version).
      replaced = this.store.find(key, 'null');
      if (replaced) this.store.remove(key, replaced);
    } else {
      replaced = this.store.push(key, version);
    }
    this.journal(key);
    const truth = this.ctx.truth;
    truth?.record({ kind: 'apply', writeId: version.writeId, bucket: this.ctx.bucket, key, replica: 0, atNs: truth.now() });
    if (request.lost) {
      this.timers.after(this.ctx.lossAfterMs, () => {
        // Undone only if nothing newer came; what it had replaced (the "null" version) comes back.
        if (this.store.current(key) !== version) return;
        this.store.remove(key, version);
        if (replaced) this.store.push(key, replaced);
        this.journal(key);
        truth?.record({ kind: 'lose', writeId: version.writeId, bucket: this.ctx.bucket, key, replica: 0, atNs: truth.now() });
      });
    }
    return { version, replicas: [0] };
  }

  async readVersion(key: string, versionId: string): Promise<ReadOutcome> {
    return { version: this.store.find(key, versionId) ?? null, replicas: [0] };
  }

  async deleteVersion(request: VersionDeleteRequest): Promise<VersionDeleteOutcome> {
    const { key } = request;
    const target = this.store.find(key, request.versionId);
    if (!target) return { removed: null, replicas: [0] };
    if (request.precondition) {
      const error = checkWrite(request.precondition, target);
      if (error) throw error;
    }
    this.store.remove(key, target);
    this.journal(key);
    const truth = this.ctx.truth;
    truth?.record({ kind: 'apply', writeId: request.writeId, bucket: this.ctx.bucket, key, replica: 0, atNs: truth.now() });
    return { removed: target, replicas: [0] };
  }

  /**
   * Persistent mode records the key's current version, which is all of it in a bucket that never
   * had versioning: the only kind persistent mode allows (PutBucketVersioning is refused there).
   * Before the answer: under fsync=always the write is on disk when the client hears of it.
   */
  private journal(key: string): void {
    this.ctx.store?.record(key, this.store.current(key));
  }

  async list(): Promise<ListSnapshot> {
    return { sortedKeys: this.store.sortedKeys(), lookup: (k) => this.store.current(k) };
  }

  async listVersions(): Promise<VersionSnapshot> {
    return { sortedKeys: this.store.sortedKeys(), versions: (k) => this.store.versions(k) };
  }

  /** Empty only with no version at all: S3 will not delete a bucket that still has delete markers. */
  isEmpty(): boolean {
    return this.store.isEmpty();
  }

  close(): void {
    this.timers.clear();
  }
}
