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
 * cycles: a put of a new value; once it has ended (update), READS_PER_WRITE gets at lags drawn
 * uniformly over (0, lagSpanMs] after that end, and the key's next put 10% of the span after the
 * last possible get. Keys are staggered over one cycle, so the run makes about
 * keys × 5 / (1.1 × span + put latency) ops a second.
 *
 * Lags count from the put's completion, as the paper's t counts from the commit. What lies
 * between the commit and a read's arrival is then the answer's way back and the read's way out
 * (timers, the network, a loaded client): nothing to do with how the replicas fared, so which
 * reads land at a given t does not depend on whether they will be stale. Counted from the put's
 * start instead, t = lag − (client leg + commit latency): a read lands at large t only from
 * writes that committed fast, and under load (client legs of 5–25 ms against windows of a few ms)
 * the tail is measured on a biased few. The cost: no sample below the shortest answer-and-request
 * legs (t ≈ 0 is the fit's first block, which says from how low it starts).
 */
export const pbsWorkload: Workload = {
  name: 'pbs',
  description: `PBS t-visibility: one put a key at a time, then ${READS_PER_WRITE} gets at lags planned uniformly over --lag-span ms after it ended (open loop)`,
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
  const cycle = 1.1 * lagSpanMs;
  const heap: Planned[] = [];
  let seq = 0;
  let nextValue = 1;
  const plan = (at: number, op: OpSpec, keyIndex?: number) => heapPush(heap, { at, seq: seq++, op, ...(keyIndex === undefined ? {} : { keyIndex }) }, before);
  for (let k = 0; k < keys; k++) plan((k * cycle) / keys, { f: 'put', key: keyName(k) }, k);
  // The put of each key in flight, until update() says it ended.
  const inFlight = new Map<string, { keyIndex: number; op: OpSpec }>();
  return {
    // Nothing planned while every key's put is in flight: the next comes with their update().
    plannedAt: () => heap[0]?.at ?? (inFlight.size > 0 ? AFTER_UPDATE : undefined),
    next(): OpSpec | undefined {
      const p = heapPop(heap, before);
      if (p === undefined) return undefined;
      if (p.keyIndex === undefined) return p.op;
      // Values are numbered in the order puts are taken, so the sequence is the seed's alone.
      const op = { ...p.op, value: nextValue++ };
      inFlight.set(op.key!, { keyIndex: p.keyIndex, op: p.op });
      return op;
    },
    // Planned once the put has ended, from that end: its reads, and the key's next put after
    // them, so two puts of a key never overlap at the store however slowly a loaded client or
    // store answers (an overlapping write's reads would be left out, and those are the slow ones).
    update(op, outcome) {
      const put = op.f === 'put' && op.key !== undefined ? inFlight.get(op.key) : undefined;
      if (put === undefined) return;
      inFlight.delete(op.key!);
      const end = outcome.atMs;
      for (let j = 0; j < READS_PER_WRITE; j++) plan(end + (1 - random.next()) * lagSpanMs, { f: 'get', key: op.key });
      plan(end + cycle, put.op, put.keyIndex);
    },
  };
}

function keyName(i: number): string {
  return `k${i}`;
}

const before = (a: Planned, b: Planned): boolean => a.at < b.at || (a.at === b.at && a.seq < b.seq);
