// Times the staleness checkers on a generated 1,000,000-op history: 1,000 keys, 50 processes,
// an eventually consistent store (a fifth of reads see the key as it was up to 50 ms earlier),
// a few timeouts, and a final phase in which every process reads every key.
// Run: npx tsc -b && node dist/bench/staleness.js [ops]

import { performance } from 'node:perf_hooks';
import type { CheckResult, Checker } from '../checkers/checker.js';
import { deltaAtomicityChecker } from '../checkers/delta-atomicity.js';
import { sessionGuarantees } from '../checkers/session-guarantees.js';
import { staleReads } from '../checkers/stale-reads.js';
import { lostWrites } from '../checkers/staleness/lost-writes.js';
import { visibility } from '../checkers/visibility.js';
import { historyOf } from '../src/history/build.js';
import type { History, HistoryEvent } from '../src/history/event.js';
import { Random } from '../src/util/random.js';

const KEYS = 1000;
const PROCESSES = 50;
const MS = 1e6;

interface GenOp {
  process: number;
  f: 'get' | 'put' | 'delete' | 'final-get';
  key: number;
  value?: number;
  start: number;
  end: number;
  info: boolean;
  /** For reads: how far behind the replica it reads is. */
  lag: number;
  result?: number | null;
}

function generate(totalOps: number, seed: number): HistoryEvent[] {
  const random = new Random(seed);
  const ops: GenOp[] = [];
  const perProcess = Math.floor((totalOps - PROCESSES * KEYS) / PROCESSES);
  let nextValue = 1;
  let nextProcess = PROCESSES;
  let end = 0;
  for (let p = 0; p < PROCESSES; p++) {
    let process = p;
    let now = random.int(MS);
    for (let i = 0; i < perProcess; i++) {
      const r = random.next();
      const f = r < 0.5 ? 'get' : r < 0.9 ? 'put' : 'delete';
      const latency = MS + random.int(4 * MS);
      const op: GenOp = { process, f, key: random.int(KEYS), start: now, end: now + latency, info: f !== 'get' && random.next() < 0.001, lag: 0 };
      if (f === 'put') op.value = nextValue++;
      if (f === 'get' && random.next() < 0.2) op.lag = random.int(50 * MS);
      ops.push(op);
      if (op.info) process = nextProcess++;
      now = op.end + 1 + random.int(MS);
    }
    end = Math.max(end, now);
  }
  const finalStart = end + 500 * MS;
  for (let p = 0; p < PROCESSES; p++) {
    let now = finalStart + p;
    for (let k = 0; k < KEYS; k++) {
      ops.push({ process: 1_000_000 + p, f: 'final-get', key: k, start: now, end: now + MS, info: false, lag: 0 });
      now += MS + PROCESSES;
    }
  }
  // Writes take effect at their midpoint (info ones too: they did land); a read sees the latest
  // write that took effect `lag` before its own midpoint.
  const writes: GenOp[][] = Array.from({ length: KEYS }, () => []);
  for (const op of ops) if (op.f === 'put' || op.f === 'delete') writes[op.key]!.push(op);
  const at = (op: GenOp) => (op.start + op.end) / 2;
  for (const l of writes) l.sort((a, b) => at(a) - at(b));
  for (const op of ops) {
    if (op.f !== 'get' && op.f !== 'final-get') continue;
    const l = writes[op.key]!;
    const y = at(op) - op.lag;
    let lo = 0;
    let hi = l.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (at(l[mid]!) <= y) lo = mid + 1;
      else hi = mid;
    }
    const w = lo === 0 ? undefined : l[lo - 1]!;
    op.result = w === undefined || w.f === 'delete' ? null : w.value!;
  }
  const raw: { time: number; invoke: boolean; n: number; e: Omit<HistoryEvent, 'index'> }[] = [];
  ops.forEach((op, n) => {
    const key = `k${op.key}`;
    raw.push({ time: op.start, invoke: true, n, e: { time: op.start, process: op.process, type: 'invoke', f: op.f, key, ...(op.value !== undefined ? { value: op.value } : {}) } });
    const done: Omit<HistoryEvent, 'index'> = { time: op.end, process: op.process, type: op.info ? 'info' : 'ok', f: op.f, key };
    if (op.info) done.error = 'timeout';
    if (op.result !== undefined) done.value = op.result;
    raw.push({ time: op.end, invoke: false, n, e: done });
  });
  raw.sort((a, b) => a.time - b.time || Number(a.invoke) - Number(b.invoke) || a.n - b.n);
  return raw.map((r, index) => ({ index, ...r.e }) as HistoryEvent);
}

const CHECKERS: Checker[] = [staleReads, sessionGuarantees, visibility, deltaAtomicityChecker, lostWrites];

async function main(): Promise<void> {
  const total = Number(process.argv[2] ?? 1_000_000);
  let t = performance.now();
  const history: History = historyOf(generate(total, 1));
  console.log(`history: ${history.ops.length} ops, ${history.events.length} events (generated and validated in ${((performance.now() - t) / 1000).toFixed(1)} s)`);
  const medians: Record<string, number> = {};
  for (const c of CHECKERS) {
    const times: number[] = [];
    let result: CheckResult | undefined;
    for (let run = 0; run < 3; run++) {
      t = performance.now();
      result = await c.check(history);
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    medians[c.name] = times[1]!;
    console.log(`${c.name.padEnd(20)} median ${(times[1]! / 1000).toFixed(2)} s  (runs: ${times.map((x) => (x / 1000).toFixed(2)).join(', ')})  valid=${String(result!.valid)} ${summary(c.name, result!)}`);
  }
  const sum = Object.values(medians).reduce((a, b) => a + b, 0);
  console.log(`total (sum of medians): ${(sum / 1000).toFixed(2)} s`);
}

function summary(name: string, r: CheckResult): string {
  switch (name) {
    case 'stale-reads':
      return `staleReads=${String(r.staleReads)} ageMs=${JSON.stringify(r.ageMs)}`;
    case 'session-guarantees':
      return JSON.stringify(r.guarantees);
    case 'visibility':
      return `windows=${JSON.stringify(r.windows)} observed=${JSON.stringify(r.observedWindow)}`;
    case 'delta-atomicity':
      return `deltaMs=${JSON.stringify(r.deltaMs)}`;
    default:
      return `lostWrites=${String(r.lostWrites)} notConverged=${String(r.keysNotConverged)}`;
  }
}

await main();
