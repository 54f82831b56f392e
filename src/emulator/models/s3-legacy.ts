import { checkWrite } from '../conditions.js';
import type { ListSnapshot } from '../listing.js';
import { live, makeVersion, type ObjectVersion } from '../object-version.js';
import { Timers } from '../timers.js';
import { SortedKeys, type Keyspace, type ModelContext, type ReadOutcome, type WriteOutcome, type WriteRequest } from './keyspace.js';

/** An inclusive [min, max] in ms; each event draws uniformly from it. */
export type MsRange = readonly [number, number];

export interface LegacyParams {
  /** How long after an overwrite or delete reads may still return an older version. */
  staleWindowMs: MsRange;
  /** Inside that window, the chance that one read returns an older version. */
  staleReadProbability: number;
  /** How long a 404 is remembered: reads keep answering 404 even after the key is created. */
  negativeCacheWindowMs: MsRange;
  /** How long after any write LIST still shows the state before it. */
  listLagMs: MsRange;
}

/** One write of a key with the instants the model makes it visible. */
interface Timed {
  /** null: the key does not exist (before the first write, or deleted). */
  version: ObjectVersion | null;
  /** From then on every read returns this version or a newer one. */
  settledAt: number;
  /** From then on LIST shows this version or a newer one. */
  listedAt: number;
}

const ABSENT: Timed = { version: null, settledAt: -Infinity, listedAt: -Infinity };

/**
 * The S3 of before December 2020. Each key keeps the versions not yet settled. A new key is
 * readable at once, unless a read got 404 shortly before (the negative cache). An overwrite
 * or delete settles after a random window, during which a read may return an older version
 * (and the next read a newer one: reads were not monotonic either). LIST lags on its own clock.
 */
export class LegacyKeyspace implements Keyspace {
  private readonly histories = new Map<string, Timed[]>();
  private readonly negativeUntil = new Map<string, number>();
  private readonly keys = new SortedKeys(() => this.histories.keys());
  private readonly timers = new Timers();
  private lastTimestamp = 0;

  constructor(
    private readonly ctx: ModelContext,
    private readonly params: LegacyParams,
  ) {}

  private draw([min, max]: MsRange): number {
    return min + (max - min) * this.ctx.random.next();
  }

  /** Drops versions that no read or list can return any more, keeping the settled base. */
  private prune(history: Timed[], now: number): void {
    let settled = 0;
    let listed = 0;
    for (let i = 0; i < history.length; i++) {
      if (history[i]!.settledAt <= now) settled = i;
      if (history[i]!.listedAt <= now) listed = i;
    }
    const keep = Math.min(settled, listed);
    if (keep > 0) history.splice(0, keep);
  }

  async read(key: string): Promise<ReadOutcome> {
    const now = this.ctx.now();
    const until = this.negativeUntil.get(key);
    if (until !== undefined) {
      if (now < until) return { version: null, replicas: [], servedBy: 'negative-cache' };
      this.negativeUntil.delete(key);
    }
    const history = this.histories.get(key);
    if (history) this.prune(history, now);
    const newest = history ? history[history.length - 1]! : ABSENT;
    let chosen = newest;
    if (history && history.length > 1) {
      let settled = 0;
      for (let i = 0; i < history.length; i++) if (history[i]!.settledAt <= now) settled = i;
      const older = history.length - 1 - settled;
      if (older > 0 && this.ctx.random.next() < this.params.staleReadProbability) {
        chosen = history[settled + this.ctx.random.int(older)]!;
      }
    }
    const version = live(chosen.version);
    if (!live(newest.version)) this.negativeUntil.set(key, now + this.draw(this.params.negativeCacheWindowMs));
    return { version, replicas: [0] };
  }

  async write(request: WriteRequest): Promise<WriteOutcome> {
    const now = this.ctx.now();
    let history = this.histories.get(request.key);
    if (history) this.prune(history, now);
    const newest = history ? history[history.length - 1]! : ABSENT;
    if (request.precondition) {
      // Conditional writes did not exist then; judging them on the true state keeps them useful.
      const error = checkWrite(request.precondition, live(newest.version));
      if (error) throw error;
    }
    this.lastTimestamp = Math.max(now, this.lastTimestamp + 0.001);
    const version = makeVersion(request.object, request.writeId, this.lastTimestamp);
    // A key with nothing pending and nothing there is "new": read-after-write holds for it.
    const isNew = (!history || history.length === 1) && !live(newest.version);
    if (version.deleted && isNew) return { version, replicas: [0] };
    const timed: Timed = {
      version: live(version),
      settledAt: isNew ? now : now + this.draw(this.params.staleWindowMs),
      listedAt: now + this.draw(this.params.listLagMs),
    };
    if (!history) {
      history = [ABSENT];
      this.histories.set(request.key, history);
      this.keys.invalidate();
    }
    history.push(timed);
    const truth = this.ctx.truth;
    if (truth) {
      const atNs = truth.now();
      const bucket = this.ctx.bucket;
      truth.record({ kind: 'apply', writeId: version.writeId, bucket, key: request.key, replica: 0, atNs });
      const ns = (at: number) => atNs + Math.round((at - now) * 1e6);
      truth.record({ kind: 'settle', writeId: version.writeId, bucket, key: request.key, settleNs: ns(timed.settledAt), listNs: ns(timed.listedAt) });
    }
    if (request.lost) {
      this.timers.after(this.ctx.lossAfterMs, () => {
        const at = history.indexOf(timed);
        if (at < 0) return;
        history.splice(at, 1);
        // Pruned into the base meanwhile: the base becomes what the write replaced.
        if (at === 0) history.unshift({ version: newest.version, settledAt: -Infinity, listedAt: -Infinity });
        truth?.record({ kind: 'lose', writeId: version.writeId, bucket: this.ctx.bucket, key: request.key, replica: 0, atNs: truth.now() });
      });
    }
    return { version, replicas: [0] };
  }

  async list(): Promise<ListSnapshot> {
    const now = this.ctx.now();
    return {
      sortedKeys: this.keys.get(),
      lookup: (key) => {
        const history = this.histories.get(key);
        if (!history) return undefined;
        let shown: Timed = ABSENT;
        for (const t of history) if (t.listedAt <= now) shown = t;
        return shown.version ?? undefined;
      },
    };
  }

  isEmpty(): boolean {
    for (const history of this.histories.values()) if (live(history[history.length - 1]!.version)) return false;
    return true;
  }

  close(): void {
    this.timers.clear();
  }
}
