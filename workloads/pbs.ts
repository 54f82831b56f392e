import { heapPop, heapPush } from '../src/util/heap.js';
import { Random } from '../src/util/random.js';
import { registerWorkload } from './register.js';
import { AFTER_UPDATE, type OpGenerator, type OpSpec, type Workload, type WorkloadOptions } from './workload.js';

/** Reads planned after each write. */
export const READS_PER_WRITE = 4;
export const DEFAULT_LAG_SPAN_MS = 1000;

/**
 * The measurement of Bailis et al.'s PBS t-visibility, as the paper defines its experiment: one
 * write to a key at a time (never two overlapping), then reads of it at lags planned in advance,
 * open loop (a read starts at its planned time whatever the earlier ops did). Each key runs
 * cycles: a put of a new value, READS_PER_WRITE gets at lags drawn uniformly over (0, span +
 * margin] after the put's planned start, and the key's next put 10% of the span after the last
 * possible get, never sooner than 10% of the span after the put has ended (update). The margin is
 * the 99th percentile of how long recent puts took from their planned start to their end.
 *
 * Why from the planned start, with a margin: t counts from the commit, so a read planned at lag
 * l lands at t = l − (client leg + commit latency + lateness). Planned from the put's *end*, the
 * first reads would land only after the answer's and the read's legs: under load (5–25 ms) the
 * whole curve of a store with sub-ms windows would be out of sight. Planned from the start over
 * the span alone, a read would reach large t only from the writes that committed fast, and commit
 * latency is not independent of staleness: the tail would be measured on a biased few. With
 * the margin, 99% of writes cover every t up to the span, so which reads land at a given t
 * hardly depends on how the write fared; the price is reads past the span, where the curve is
 * flat. Keys are staggered over one cycle: about keys × 5 / (1.1 × span + margin) ops a second.
 */
export const pbsWorkload: Workload = {
  name: 'pbs',
  description: `PBS t-visibility: one put a key at a time, then ${READS_PER_WRITE} gets at lags planned uniformly over --lag-span ms (plus the puts' p99 latency) after its planned start (open loop)`,
  fs: registerWorkload.fs,
  reads: registerWorkload.reads,
  checkers: ['read-validity', 'stale-reads', 'visibility', 'linearizable'],
  generator: pbsGenerator,
  finalReads: ({ keys }) => Array.from({ length: keys }, (_, i) => ({ f: 'get', key: keyName(i) })),
  execute: registerWorkload.execute,
};

interface Planned {
  at: number;
  seq: number;
  op: OpSpec;
  /** A put: its key's index, to plan its reads and the key's next put when it is taken. */
  keyIndex?: number;
}

export function pbsGenerator({ seed, keys, lagSpanMs = DEFAULT_LAG_SPAN_MS }: WorkloadOptions): OpGenerator {
  if (!(lagSpanMs > 0)) throw new Error(`lagSpanMs must be positive, not ${lagSpanMs}`);
  const random = new Random(seed);
  const gap = 0.1 * lagSpanMs;
  const heap: Planned[] = [];
  let seq = 0;
  let nextValue = 1;
  const plan = (at: number, op: OpSpec, keyIndex?: number) => heapPush(heap, { at, seq: seq++, op, ...(keyIndex === undefined ? {} : { keyIndex }) }, before);
  for (let k = 0; k < keys; k++) plan((k * (lagSpanMs + gap)) / keys, { f: 'put', key: keyName(k) }, k);
  const latencies = new RecentLatencies(lagSpanMs);
  // The put of each key in flight, until update() says it ended.
  const inFlight = new Map<string, { at: number; lastRead: number; keyIndex: number; op: OpSpec }>();
  return {
    // Nothing planned while every key's put is in flight: the next comes with their update().
    plannedAt: () => heap[0]?.at ?? (inFlight.size > 0 ? AFTER_UPDATE : undefined),
    next(): OpSpec | undefined {
      const p = heapPop(heap, before);
      if (p === undefined) return undefined;
      if (p.keyIndex === undefined) return p.op;
      // Values are numbered in the order puts are taken, so the sequence is the seed's alone.
      const op = { ...p.op, value: nextValue++ };
      const reach = lagSpanMs + latencies.p99();
      // Every planned time of this cycle is at or after the put's: the heap order stays right.
      for (let j = 0; j < READS_PER_WRITE; j++) plan(p.at + (1 - random.next()) * reach, { f: 'get', key: op.key });
      inFlight.set(op.key!, { at: p.at, lastRead: p.at + reach, keyIndex: p.keyIndex, op: p.op });
      return op;
    },
    // The key's next put is planned once this one has ended, never sooner than the gap after its
    // end, so two puts of a key never overlap at the store however slowly a loaded client or
    // store answers (an overlapping write's reads would be left out, and those are the slow ones).
    update(op, outcome) {
      const put = op.f === 'put' && op.key !== undefined ? inFlight.get(op.key) : undefined;
      if (put === undefined) return;
      inFlight.delete(op.key!);
      latencies.add(outcome.atMs - put.at);
      plan(Math.max(put.lastRead, outcome.atMs) + gap, put.op, put.keyIndex);
    },
  };
}

/** How long the last puts took from their planned start to their end, ms: the margin's source. */
class RecentLatencies {
  private readonly recent: number[] = [];
  private next = 0;
  private cached: number;
  private sinceSorted = 0;

  /** Before any put has ended: as long again as the span. */
  constructor(initial: number) {
    this.cached = initial;
  }

  add(ms: number): void {
    if (this.recent.length < RECENT_PUTS) this.recent.push(ms);
    else this.recent[this.next] = ms;
    this.next = (this.next + 1) % RECENT_PUTS;
    // Sorting 1000 numbers for every put would cost more than the put's own bookkeeping.
    if (++this.sinceSorted >= 50 || this.recent.length <= 50) {
      this.sinceSorted = 0;
      const sorted = [...this.recent].sort((a, b) => a - b);
      this.cached = sorted[Math.ceil(0.99 * sorted.length) - 1]!;
    }
  }

  p99(): number {
    return this.cached;
  }
}
const RECENT_PUTS = 1000;

function keyName(i: number): string {
  return `k${i}`;
}

const before = (a: Planned, b: Planned): boolean => a.at < b.at || (a.at === b.at && a.seq < b.seq);
