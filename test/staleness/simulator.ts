// A small pure simulated store with known ground truth, for the staleness checkers' tests.
// Each key is a last-writer-wins register on R replicas. A write commits at its op's midpoint
// on a random coordinator replica and reaches each other replica a uniform [0, D] later; a read
// reads one random replica at its midpoint. With D = 0 every replica sees every write at its
// commit point, which is inside the op: a linearizable store.

import type { HistoryEvent } from '../../src/history/event.js';
import { Random } from '../../src/util/random.js';

export interface SimOptions {
  seed: number;
  keys: number;
  processes: number;
  /** Ops per process in the main phase. */
  opsPerProcess: number;
  replicas: number;
  /** Propagation delay bound, ns (0: linearizable). */
  delay: number;
  /** Every op's latency, ns. */
  latency: number;
  /** Think time between a process's ops: uniform [0, think) ns. */
  think: number;
  /** Fraction of ops that are deletes (default 0.1); puts are 0.5 - deleteRate, gets 0.5. */
  deleteRate?: number;
  /** Probability that a write times out (info): it then commits at a random later time, or never. */
  infoRate?: number;
  /** After the main phase, wait this long, then every process reads every key (f "final-get"). */
  finalPhaseAfter?: number;
}

/** What the store really did for one read. */
export interface ReadTruth {
  process: number;
  invokeTime: number;
  /** Read start minus the completion of the latest write to its key completed before it (undefined if none). */
  t?: number;
  /** It returned a write committed no earlier than every write completed before the read began. */
  consistent: boolean;
}

interface SimOp {
  process: number;
  f: 'get' | 'put' | 'delete' | 'final-get';
  key: string;
  value?: number;
  start: number;
  end: number;
  info: boolean;
  replica: number;
  /** Commit time (writes), Infinity when it never took effect. */
  commit: number;
  delays: number[];
  result?: number | null;
}

export interface Simulation {
  events: HistoryEvent[];
  reads: ReadTruth[];
  finalPhaseStart: number;
}

export function simulate(o: SimOptions): Simulation {
  const random = new Random(o.seed);
  const ops: SimOp[] = [];
  let nextValue = 1;
  let nextProcess = o.processes;
  let mainEnd = 0;
  const newWrite = (op: SimOp): void => {
    op.commit = op.start + o.latency / 2;
    if (op.info) {
      const r = random.next();
      op.commit = r < 0.5 ? Infinity : op.start + Math.floor(random.next() * 5 * o.latency);
    }
    op.delays = Array.from({ length: o.replicas }, (_, i) => (i === op.replica ? 0 : Math.floor(random.next() * o.delay)));
  };
  for (let p = 0; p < o.processes; p++) {
    let process = p;
    let now = Math.floor(random.next() * o.think);
    for (let i = 0; i < o.opsPerProcess; i++) {
      const r = random.next();
      const f = r < 0.5 ? 'get' : r < 1 - (o.deleteRate ?? 0.1) ? 'put' : 'delete';
      const op: SimOp = { process, f, key: `k${random.int(o.keys)}`, start: now, end: now + o.latency, info: false, replica: random.int(o.replicas), commit: Infinity, delays: [] };
      if (f === 'put') op.value = nextValue++;
      if (f !== 'get') {
        op.info = random.next() < (o.infoRate ?? 0);
        newWrite(op);
      }
      ops.push(op);
      if (op.info) process = nextProcess++;
      now = op.end + 1 + Math.floor(random.next() * o.think);
    }
    mainEnd = Math.max(mainEnd, now);
  }
  const finalPhaseStart = mainEnd + (o.finalPhaseAfter ?? 0);
  if (o.finalPhaseAfter !== undefined) {
    for (let p = 0; p < o.processes; p++) {
      let now = finalPhaseStart + p;
      for (let k = 0; k < o.keys; k++) {
        ops.push({ process: 100_000 + p, f: 'final-get', key: `k${k}`, start: now, end: now + o.latency, info: false, replica: random.int(o.replicas), commit: Infinity, delays: [] });
        now += o.latency + 1 + o.processes;
      }
    }
  }

  // The store: per key, writes in commit order; a replica's state at time y is the latest-committed write delivered by y.
  const writes = new Map<string, SimOp[]>();
  for (const op of ops) {
    if (op.f !== 'put' && op.f !== 'delete') continue;
    if (op.commit === Infinity) continue;
    const l = writes.get(op.key) ?? [];
    l.push(op);
    writes.set(op.key, l);
  }
  for (const l of writes.values()) l.sort((a, b) => a.commit - b.commit);
  const readAt = (op: SimOp): SimOp | undefined => {
    const y = op.start + o.latency / 2;
    const l = writes.get(op.key) ?? [];
    for (let i = l.length - 1; i >= 0; i--) {
      const w = l[i]!;
      if (w.commit > y) continue;
      if (w.commit + w.delays[op.replica]! <= y) return w;
    }
    return undefined;
  };
  const reads: ReadTruth[] = [];
  for (const op of ops) {
    if (op.f !== 'get' && op.f !== 'final-get') continue;
    const w = readAt(op);
    op.result = w === undefined || w.f === 'delete' ? null : w.value!;
    let latestEnd = -1;
    let newestCommit = -Infinity;
    for (const x of writes.get(op.key) ?? []) {
      if (x.info || x.end >= op.start) continue;
      latestEnd = Math.max(latestEnd, x.end);
      newestCommit = Math.max(newestCommit, x.commit);
    }
    const truth: ReadTruth = { process: op.process, invokeTime: op.start, consistent: (w?.commit ?? -Infinity) >= newestCommit };
    if (latestEnd >= 0) truth.t = op.start - latestEnd;
    reads.push(truth);
  }

  // Events in time order; at equal times a completion goes first, so ties never fake an overlap.
  const raw: { time: number; order: number; e: Omit<HistoryEvent, 'index'> }[] = [];
  ops.forEach((op, n) => {
    const inv: Omit<HistoryEvent, 'index'> = { time: op.start, process: op.process, type: 'invoke', f: op.f, key: op.key };
    if (op.value !== undefined) inv.value = op.value;
    raw.push({ time: op.start, order: 2 * n + 1, e: inv });
    const done: Omit<HistoryEvent, 'index'> = { time: op.end, process: op.process, type: op.info ? 'info' : 'ok', f: op.f, key: op.key };
    if (op.info) done.error = 'timeout';
    if (op.result !== undefined) done.value = op.result;
    raw.push({ time: op.end, order: 2 * n, e: done });
  });
  raw.sort((a, b) => a.time - b.time || (a.e.type === 'invoke' ? 1 : 0) - (b.e.type === 'invoke' ? 1 : 0) || a.order - b.order);
  const events = raw.map((r, index) => ({ index, ...r.e }) as HistoryEvent);
  return { events, reads, finalPhaseStart };
}
