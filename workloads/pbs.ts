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
 * cycles: a put of a new value, READS_PER_WRITE gets at lags drawn uniformly over
 * (0, lagSpanMs], and the next put 10% of the span after the last possible read, and never
 * sooner than that 10% after the put has ended (update). Keys are staggered over one cycle, so
 * the run makes about keys × 5 / (1.1 × span) ops a second.
 *
 * Lags count from the put's planned start, not from its completion: the completion's time
 * depends on the store's own delays (how soon W replicas acknowledged, and when a timer
 * released the answer), so reads planned from it would sample small t's from fast writes more
 * often than from slow ones, and the curve near t = 0 would be biased. A uniform lag from a time
 * the store cannot influence spreads t = (read start − commit) evenly, whatever the write took.
 */
export const pbsWorkload: Workload = {
  name: 'pbs',
  description: `PBS t-visibility: one put a key at a time, then ${READS_PER_WRITE} gets at lags planned uniformly over --lag-span ms (open loop)`,
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
  // The put of each key in flight (its planned time), until update() says it ended.
  const inFlight = new Map<string, { at: number; keyIndex: number; op: OpSpec }>();
  return {
    // Nothing planned while every key's put is in flight: the next comes with their update().
    plannedAt: () => heap[0]?.at ?? (inFlight.size > 0 ? AFTER_UPDATE : undefined),
    next(): OpSpec | undefined {
      const p = heapPop(heap, before);
      if (p === undefined) return undefined;
      if (p.keyIndex === undefined) return p.op;
      // Values are numbered in the order puts are taken, so the sequence is the seed's alone.
      const op = { ...p.op, value: nextValue++ };
      // Every planned time of this cycle is at or after the put's: the heap order stays right.
      for (let j = 0; j < READS_PER_WRITE; j++) plan(p.at + (1 - random.next()) * lagSpanMs, { f: 'get', key: op.key });
      inFlight.set(op.key!, { at: p.at, keyIndex: p.keyIndex, op: p.op });
      return op;
    },
    // The key's next put is planned once this one has ended: a cycle after it, and never sooner
    // than the gap after its end, so that two puts of a key never overlap at the store however
    // slowly a loaded client or store answers (overlapping writes' reads would be left out, and
    // those are the slow writes: the tail would lean short).
    update(op, outcome) {
      const put = op.f === 'put' && op.key !== undefined ? inFlight.get(op.key) : undefined;
      if (put === undefined) return;
      inFlight.delete(op.key!);
      plan(Math.max(put.at + cycle, (outcome.atMs ?? put.at) + (cycle - lagSpanMs)), put.op, put.keyIndex);
    },
  };
}

function keyName(i: number): string {
  return `k${i}`;
}

const before = (a: Planned, b: Planned): boolean => a.at < b.at || (a.at === b.at && a.seq < b.seq);
