// A synthetic run folder of any size, for the benchmark and the tests: a register on a store
// whose writes reach readers after a random delay (so some reads are stale), a few timeouts,
// and one partition from the nemesis. Deterministic for a seed.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { HistoryEvent } from '../history/event.js';
import { HistoryBuilder } from '../history/build.js';
import { runCheckers } from '../check/run-checkers.js';
import { selectCheckers } from '../check/select-checkers.js';

export interface SyntheticOptions {
  ops: number;
  processes?: number;
  keys?: number;
  seed?: number;
  /** Mean ms before a completed write is visible to readers. */
  visibilityDelayMs?: number;
  /** Chance that an op times out (recorded info; the worker continues as a new process). */
  timeoutRate?: number;
}

/** mulberry32: small, seedable, good enough for test data. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Pending {
  at: number;
  ev: Omit<HistoryEvent, 'index' | 'time'>;
}

/** The events of a synthetic run, in time order, with indices. */
export function syntheticEvents(o: SyntheticOptions): HistoryEvent[] {
  const rand = rng(o.seed ?? 1);
  const exp = (mean: number) => -Math.log(1 - rand()) * mean;
  const nProc = o.processes ?? 5;
  const nKeys = o.keys ?? 5;
  const delay = o.visibilityDelayMs ?? 5;
  const timeoutRate = o.timeoutRate ?? 0.002;
  const ms = 1e6;
  // Per key: the writes in completion order, each with the time it becomes visible.
  const writes = new Map<string, { value: number | null; visible: number }[]>();
  const queue: Pending[] = [];
  const workers = Array.from({ length: nProc }, (_, i) => ({ process: i, free: rand() * ms }));
  let nextProcess = nProc;
  let value = 0;
  for (let n = 0; n < o.ops; n++) {
    const w = workers.reduce((a, b) => (b.free < a.free ? b : a));
    const key = `k${Math.floor(rand() * nKeys)}`;
    const r = rand();
    const f = r < 0.45 ? 'put' : r < 0.5 ? 'delete' : 'get';
    const start = w.free;
    const lat = (f === 'get' ? 0.5 : 2) * ms + exp(f === 'get' ? 1 * ms : 3 * ms);
    const end = start + lat;
    const timedOut = rand() < timeoutRate;
    const invoke: Pending = { at: start, ev: { process: w.process, type: 'invoke', f, key } };
    if (f === 'put') invoke.ev.value = ++value;
    queue.push(invoke);
    const list = writes.get(key) ?? [];
    writes.set(key, list);
    if (f === 'put' || f === 'delete') {
      const written = f === 'put' ? value : null;
      list.push({ value: written, visible: end + exp(delay * ms) });
      queue.push({ at: timedOut ? end + 50 * ms : end, ev: timedOut ? { process: w.process, type: 'info', f, key, error: 'timeout' } : { process: w.process, type: 'ok', f, key } });
    } else if (timedOut) {
      queue.push({ at: end + 50 * ms, ev: { process: w.process, type: 'fail', f, key, error: 'timeout' } });
    } else {
      // The newest write visible when the read started (or the initial state).
      let seen: number | null = null;
      let best = -1;
      // Only recent writes can be the newest visible one; looking further back only costs time.
      for (let j = list.length - 1; j >= Math.max(0, list.length - 200); j--) {
        const x = list[j]!;
        if (x.visible <= start && x.visible > best) ((best = x.visible), (seen = x.value));
      }
      queue.push({ at: end, ev: { process: w.process, type: 'ok', f, key, value: seen } });
    }
    w.free = (timedOut ? end + 50 * ms : end) + 0.01 * ms;
    if (timedOut && f !== 'get') w.process = nextProcess++;
  }
  const last = queue.reduce((m, p) => Math.max(m, p.at), 0);
  queue.push({ at: last * 0.3, ev: { process: 'nemesis', type: 'info', f: 'start-partition', value: 'majority' } });
  queue.push({ at: last * 0.5, ev: { process: 'nemesis', type: 'info', f: 'stop-partition' } });
  // Stable sort: an op's completion never precedes its invocation even at equal times.
  queue.sort((a, b) => a.at - b.at);
  return queue.map((p, index) => ({ index, time: Math.round(p.at), ...p.ev }) as HistoryEvent);
}

/** Writes history.jsonl, results.json (from the register workload's checkers) and run.json. */
export async function writeSyntheticRun(dir: string, o: SyntheticOptions, name = 'synthetic'): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const events = syntheticEvents(o);
  writeFileSync(join(dir, 'history.jsonl'), events.map((e) => JSON.stringify(e)).join('\n') + '\n');
  const b = new HistoryBuilder();
  for (const e of events) b.add(e);
  const history = b.finish();
  const checkers = selectCheckers(['read-validity', 'linearizable', 'stale-reads', 'session-guarantees', 'visibility'], { checkTimeoutS: 30 });
  const results = await runCheckers(history, checkers, true);
  writeFileSync(join(dir, 'results.json'), JSON.stringify(results, null, 2) + '\n');
  const start = new Date(Date.UTC(2026, 0, 1) + (o.seed ?? 1) * 3600_000).toISOString();
  writeFileSync(
    join(dir, 'run.json'),
    JSON.stringify({ name, complete: true, stopReason: 'ops-limit', start, end: start, workload: 'register', target: { name: 'synthetic' }, config: { ops: o.ops, seed: o.seed ?? 1 }, tool: { name: 'objcheck', version: 'synthetic', git: null } }, null, 2) + '\n',
  );
}
