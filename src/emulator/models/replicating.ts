import { sampleDelay, type DelayDistribution } from '../delay-spec.js';
import { Timers } from '../timers.js';
import type { Keyspace, ModelContext, WriteOutcome, WriteRequest } from './keyspace.js';
import { KeyspaceLayer } from './layer.js';

/** Where replicated writes go: the replica's copy of the same bucket. */
export type ReplicaWrite = (bucket: string, request: WriteRequest) => Promise<unknown>;

/**
 * Asynchronous replication to a read-only replica endpoint: each acknowledged write reaches the
 * replica after a lag drawn from its distribution, and never before an earlier write (a
 * replication log is applied in order), so the replica shows a past state of the store.
 */
export class ReplicatingWrites extends KeyspaceLayer {
  private readonly timers = new Timers();
  private lastAt = 0;

  constructor(
    inner: Keyspace,
    private readonly ctx: ModelContext,
    private readonly lag: DelayDistribution,
    private readonly replicate: ReplicaWrite,
  ) {
    super(inner);
  }

  override async write(request: WriteRequest): Promise<WriteOutcome> {
    const outcome = await this.inner.write(request);
    const now = this.ctx.now();
    this.lastAt = Math.max(this.lastAt, now + sampleDelay(this.lag, this.ctx.random));
    // The replica applies the write as it was accepted: its precondition was judged here.
    const copy: WriteRequest = { key: request.key, object: request.object, writeId: request.writeId };
    const truth = this.ctx.truth;
    const atNs = truth?.now() ?? 0;
    this.timers.after(this.lastAt - now, () => {
      void this.replicate(this.ctx.bucket, copy).catch(() => {});
      truth?.record({ kind: 'control', setting: 'replica', bucket: this.ctx.bucket, key: request.key, atNs, effectiveNs: truth.now() });
    });
    return outcome;
  }

  override close(): void {
    this.timers.clear();
    super.close();
  }
}
