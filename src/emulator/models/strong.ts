import { checkWrite } from '../conditions.js';
import type { ListSnapshot } from '../listing.js';
import { live, makeVersion, type ObjectVersion } from '../object-version.js';
import { Timers } from '../timers.js';
import { SortedKeys, type Keyspace, type ModelContext, type ReadOutcome, type WriteOutcome, type WriteRequest } from './keyspace.js';

/**
 * Linearizable: one copy, and every operation reads or changes it at one instant while its
 * request is in progress (JavaScript runs each handler step to completion, so the instant
 * is the line that touches the map).
 */
export class StrongKeyspace implements Keyspace {
  /** A lost delete leaves a tombstone, so that undoing it can tell whether it is still the latest. */
  private readonly objects = new Map<string, ObjectVersion>();
  private readonly keys = new SortedKeys(() => this.objects.keys());
  private readonly timers = new Timers();
  private liveCount = 0;
  private lastTimestamp = 0;

  constructor(private readonly ctx: ModelContext) {
    for (const [key, version] of ctx.store?.recovered ?? []) {
      this.set(key, version);
      this.lastTimestamp = Math.max(this.lastTimestamp, version.timestamp);
    }
  }

  async read(key: string): Promise<ReadOutcome> {
    return { version: live(this.objects.get(key)), replicas: [0] };
  }

  async write(request: WriteRequest): Promise<WriteOutcome> {
    const previous = this.objects.get(request.key);
    if (request.precondition) {
      const error = checkWrite(request.precondition, live(previous));
      if (error) throw error;
    }
    // Strictly increasing, so Last-Modified order agrees with the real order of writes.
    this.lastTimestamp = Math.max(this.ctx.now(), this.lastTimestamp + 0.001);
    const version = makeVersion(request.object, request.writeId, this.lastTimestamp);
    this.set(request.key, version.deleted && !request.lost ? undefined : version);
    // Before the answer: under fsync=always the write is on disk when the client hears of it.
    this.ctx.store?.record(request.key, this.objects.get(request.key));
    const truth = this.ctx.truth;
    truth?.record({ kind: 'apply', writeId: version.writeId, bucket: this.ctx.bucket, key: request.key, replica: 0, atNs: truth.now() });
    if (request.lost) {
      this.timers.after(this.ctx.lossAfterMs, () => {
        if (this.objects.get(request.key) !== version) return;
        this.set(request.key, previous);
        this.ctx.store?.record(request.key, previous);
        truth?.record({ kind: 'lose', writeId: version.writeId, bucket: this.ctx.bucket, key: request.key, replica: 0, atNs: truth.now() });
      });
    }
    return { version, replicas: [0] };
  }

  private set(key: string, version: ObjectVersion | undefined): void {
    const old = this.objects.get(key);
    if ((old === undefined) !== (version === undefined)) this.keys.invalidate();
    this.liveCount += (version && !version.deleted ? 1 : 0) - (old && !old.deleted ? 1 : 0);
    if (version) this.objects.set(key, version);
    else this.objects.delete(key);
  }

  async list(): Promise<ListSnapshot> {
    return { sortedKeys: this.keys.get(), lookup: (k) => this.objects.get(k) };
  }

  isEmpty(): boolean {
    return this.liveCount === 0;
  }

  close(): void {
    this.timers.clear();
  }
}
