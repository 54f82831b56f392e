import { heapPop, heapPush } from '../src/util/heap.js';
import { Random } from '../src/util/random.js';
import { registerWorkload } from './register.js';
import { AFTER_UPDATE, type OpGenerator, type OpSpec, type Workload, type WorkloadOptions } from './workload.js';

/** Reads per span of lags: a write's reads that land between its commit and a span after it. */
export const READS_PER_SPAN = 4;
export const DEFAULT_LAG_SPAN_MS = 1000;

/**
 * The measurement of Bailis et al.'s PBS t-visibility, as the paper defines its experiment: one
 * write to a key at a time (never two overlapping), then reads of it at lags planned in advance,
 * open loop (a read starts at its planned time whatever the earlier ops did). Each key runs
 * cycles: a put of a new value; gets at lags drawn uniformly, READS_PER_SPAN a span, over
 * (0, span + margin] after the put's start; when the put ends, those planned more than a
 * span after its end are dropped (and so are those a client behind its plan would take that
 * late), and the key's next put comes 10% of the span after the last kept get. The margin is
 * the 99th percentile of how long recent puts took from their start to their end. A put taken
 * late counts from when it was taken: what it plans is never in the past, so an overloaded
 * client slows the plan down instead of falling ever further behind it.
 *
 * Why so: t counts from the commit, so a get planned at lag l lands at t = l − (client leg +
 * commit latency + lateness). Planned from the put's *end*, the first gets would land only after
 * the answer's and the get's own legs: under load (5–25 ms) a store whose windows are a few ms
 * would be out of sight. Planned from the start over the span alone, a get would reach large t
 * only from the writes that committed fast, and commit latency is not independent of staleness:
 * the tail would be measured on a biased few. With the margin, 99% of writes cover every t up
 * to the span at the same density, so which gets land at a given t hardly depends on how the
 * write fared. Dropping is safe for the same reason: a get is dropped only if it would land
 * beyond the span after the put's end, so never at a t ≤ span, and the cycle takes the put's
 * own latency, not the margin's.
 */
export const pbsWorkload: Workload = {
  name: 'pbs',
  description: `PBS t-visibility: one put a key at a time, and gets at lags planned uniformly (${READS_PER_SPAN} per --lag-span ms) from its start to a span after its end (open loop)`,
  fs: registerWorkload.fs,
  reads: registerWorkload.reads,
  checkers: ['read-validity', 'stale-reads', 'visibility', 'linearizable'],
  generator: pbsGenerator,
  finalReads: ({ keys }) => Array.from({ length: keys }, (_, i) => ({ f: 'get', key: keyName(i) })),
  execute: registerWorkload.execute,
  runsAlone: 'its ops start at planned times (open loop), which a mix drawing ops by weight cannot keep',
};

interface Planned {
  at: number;
  seq: number;
  op: OpSpec;
  /** A put: its key's index, to plan its reads and the key's next put when it is taken. */
  keyIndex?: number;
  /** A get: its put's cycle, whose cutoff may drop it. */
  cycle?: Cycle;
}

interface Cycle {
  /** When the put started: its planned time, or later when it was taken late. */
  start: number;
  /** Gets planned later than this are dropped: a span after the put's end, once it has ended. */
  cutoff: number;
  keyIndex: number;
  put: OpSpec;
}

export function pbsGenerator({ seed, keys, lagSpanMs = DEFAULT_LAG_SPAN_MS }: WorkloadOptions): OpGenerator {
  if (!(lagSpanMs > 0)) throw new Error(`lagSpanMs must be positive, not ${lagSpanMs}`);
  const random = new Random(seed);
  const gap = 0.1 * lagSpanMs;
  // Gets and puts apart: a client behind its plan takes the gets that are due first (below).
  const gets: Planned[] = [];
  const puts: Planned[] = [];
  let seq = 0;
  let nextValue = 1;
  const plan = (p: Omit<Planned, 'seq'>) => heapPush(p.keyIndex === undefined ? gets : puts, { ...p, seq: seq++ }, before);
  for (let k = 0; k < keys; k++) plan({ at: (k * (lagSpanMs + gap)) / keys, op: { f: 'put', key: keyName(k) }, keyIndex: k });
  const latencies = new RecentLatencies(lagSpanMs);
  // The cycle of each key whose put is in flight, until update() says it ended.
  const inFlight = new Map<string, Cycle>();
  /**
   * The next op, left at the top of its heap. A get is dropped when it is planned, or (at
   * `nowMs`) would be taken, later than its cycle's cutoff: it would land more than a span
   * after its put's end. Taken late, such gets would only add samples past the span while the
   * client fell further behind: a client that cannot keep the plan's rate sheds them instead,
   * and its gets keep landing where the plan put them.
   *
   * In plan order, except that a get that is due goes before any put, however early the put was
   * planned. A late put costs nothing, as its cycle counts from when it is taken; a late get
   * lands at a larger t than planned. Taken in plan order, a client behind by D took every get
   * D late and none in its put's first D ms: the small t's then came only from writes that had
   * committed slowly, which are more often consistent (exp 20 ms at 1,400 of 3,000 planned
   * ops/s: t < 18 ms was 0.9% of the fastest-committing fifth's reads and 5.0% of the slowest
   * fifth's). This way the puts absorb the lateness, and the plan slows down to what the client
   * sustains.
   */
  const head = (nowMs = -Infinity): Planned | undefined => {
    while (gets.length > 0 && Math.max(gets[0]!.at, nowMs) > gets[0]!.cycle!.cutoff) heapPop(gets, before);
    const get = gets[0];
    const put = puts[0];
    if (get === undefined) return put;
    return put === undefined || get.at <= put.at || get.at <= nowMs ? get : put;
  };
  const take = (p: Planned): Planned => heapPop(p.keyIndex === undefined ? gets : puts, before)!;
  return {
    // Nothing planned while every key's put is in flight: the next comes with their update().
    plannedAt: (nowMs?: number) => head(nowMs)?.at ?? (inFlight.size > 0 ? AFTER_UPDATE : undefined),
    next(atMs?: number): OpSpec | undefined {
      const first = head(atMs);
      if (first === undefined) return undefined;
      const p = take(first);
      if (p.keyIndex === undefined) return p.op;
      // Values are numbered in the order puts are taken: unique, and rising along each key.
      const op = { ...p.op, value: nextValue++ };
      // From when the put really started: a put taken late (a loaded client) must not plan its
      // gets in the past, or an overloaded run would fall further behind with every cycle.
      const start = Math.max(p.at, atMs ?? p.at);
      const reach = lagSpanMs + latencies.p99();
      const cycle: Cycle = { start, cutoff: Infinity, keyIndex: p.keyIndex, put: p.op };
      // Every planned time of this cycle is at or after the put's: the heap order stays right.
      const reads = Math.ceil((READS_PER_SPAN * reach) / lagSpanMs);
      for (let j = 0; j < reads; j++) plan({ at: start + (1 - random.next()) * reach, op: { f: 'get', key: op.key }, cycle });
      inFlight.set(op.key!, cycle);
      return op;
    },
    update(op, outcome) {
      const cycle = op.f === 'put' && op.key !== undefined ? inFlight.get(op.key) : undefined;
      if (cycle === undefined) return;
      inFlight.delete(op.key!);
      latencies.add(outcome.atMs - cycle.start);
      cycle.cutoff = Math.max(cycle.start, outcome.atMs) + lagSpanMs;
      // After the last kept get: two puts of a key never overlap at the store, however slowly a
      // loaded client or store answers (an overlapping write's reads would be left out).
      plan({ at: cycle.cutoff + gap, op: cycle.put, keyIndex: cycle.keyIndex });
    },
  };
}

/** How long the last puts took from their start to their end, ms: the margin's source. */
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
