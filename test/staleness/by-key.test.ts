import { describe, expect, it } from 'vitest';
import type { Checker, JobRunner } from '../../checkers/checker.js';
import { resample } from '../../checkers/staleness/bootstrap.js';
import { estimate, prepareShared } from '../../checkers/staleness/visibility-estimate.js';
import { deltaAtomicityChecker } from '../../checkers/delta-atomicity.js';
import { readValidity } from '../../checkers/read-validity.js';
import { sessionGuarantees } from '../../checkers/session-guarantees.js';
import { lostWrites } from '../../checkers/staleness/lost-writes.js';
import { staleReads } from '../../checkers/stale-reads.js';
import { visibility, type EstimateJob } from '../../checkers/visibility.js';
import { historyOf } from '../../src/history/build.js';
import type { History, HistoryEvent } from '../../src/history/event.js';
import { FINAL_PHASE } from '../../src/history/op-values.js';
import { Random } from '../../src/util/random.js';
import { simulate } from './simulator.js';
import { checkByKey } from '../helpers/by-key.js';
import { H } from '../linearizable/helpers.js';

const MS = 1e6;

const nemesisEvent = (f: string, time: number): HistoryEvent => ({ index: -1, time, process: 'nemesis', type: 'info', f });

/**
 * Reads made invalid in every way read-validity tells apart, a few of each: a value nobody wrote,
 * one written to another key, one of a write that failed, one from the future, a torn body.
 */
function spoil(h: History, seed: number): void {
  const random = new Random(seed * 7919);
  const pick = <T>(xs: T[]): T | undefined => xs[Math.floor(random.next() * xs.length)];
  const reads = h.ops.filter((o) => o.type === 'ok' && o.f === 'get' && o.key !== undefined);
  const puts = h.ops.filter((o) => o.f === 'put' && o.type === 'ok');
  // A put that failed: reads of its value are now reads of a failed write's.
  const failed = pick(puts)!;
  failed.type = 'fail';
  for (let i = 0; i < 3 + (seed % 4); i++) {
    const r = pick(reads)!;
    const otherKey = pick(puts.filter((p) => p.key !== r.key));
    // Its value written again later on a third key: the first write in history order is the one named.
    const twin = otherKey && pick(puts.filter((p) => p.key !== r.key && p.key !== otherKey.key && p.invokeIndex > otherKey.invokeIndex));
    if (i % 5 === 1 && twin) twin.invokeValue = otherKey!.invokeValue;
    const future = pick(puts.filter((p) => p.key === r.key && p.invokeIndex > r.completeIndex!));
    r.value = [987_654_321 + i, otherKey?.invokeValue, failed.key === r.key ? failed.invokeValue : undefined, future?.invokeValue, { corrupt: 'torn' }][i % 5] ?? 555_000_000 + i;
  }
}

/**
 * Final reads spoiled: on three keys every final read returns an older write's value (their
 * last writes lost), on another one process ends on a value the others do not (not converged); and
 * every other history's final reads are plain gets after the runner's final-phase marker.
 */
function spoilFinals(h: History, seed: number): void {
  const finals = h.ops.filter((o) => o.f === 'final-get' && o.type === 'ok');
  const [splitKey, ...lostKeys] = [...new Set(finals.map((o) => o.key!))];
  for (const lostKey of lostKeys.slice(0, 3)) {
    const older = h.ops.find((o) => o.key === lostKey && o.f === 'put' && o.type === 'ok');
    if (older) for (const o of finals) if (o.key === lostKey) o.value = older.invokeValue;
  }
  const split = finals.filter((o) => o.key === splitKey);
  const first = h.ops.find((o) => o.key === splitKey && o.f === 'put' && o.type === 'ok');
  if (split.length > 0 && first) split.at(-1)!.value = first.invokeValue;
  if (seed % 4 === 1 && finals.length > 0) {
    h.nemesis.push({ index: -1, time: finals[0]!.invokeTime, process: 'nemesis', type: 'info', f: FINAL_PHASE });
    for (const o of finals) o.f = 'get';
  }
}

describe('checkers run key by key give what they give over the whole history', () => {
  for (const checker of [staleReads, deltaAtomicityChecker, visibility as Checker, readValidity as Checker, lostWrites as Checker, sessionGuarantees]) {
    it(`${checker.name}: same result, figure for figure, on simulated histories with and without stale reads, and faults`, async () => {
      let stale = 0;
      let faulted = 0;
      const kinds = new Set<string>();
      for (let seed = 1; seed <= 12; seed++) {
        const sim = simulate({ seed, keys: 6, processes: 5, opsPerProcess: 150, replicas: 3, delay: [0, 5 * MS, 30 * MS][seed % 3]!, latency: 2 * MS, think: 3 * MS, infoRate: 0.05, deleteRate: 0.15, ...(seed % 2 ? { finalPhaseAfter: 40 * MS } : {}) });
        const h = historyOf(sim.events);
        if (checker === readValidity) spoil(h, seed);
        if (checker === lostWrites) spoilFinals(h, seed);
        // A fault over the middle third of every other history: visibility estimates its reads apart.
        if (seed % 2 === 0) {
          const end = h.ops.at(-1)!.invokeTime;
          h.nemesis.push(nemesisEvent('start-partition', end / 3), nemesisEvent('stop-partition', (2 * end) / 3));
        }
        // A short list too: the first anomalies of all keys are the whole pass's first.
        for (const max of [undefined, 3]) {
          const whole = structuredClone(await checker.check(h, max === undefined ? {} : { maxAnomalies: max }));
          expect(await checkByKey(checker, h, max, seed)).toEqual(whole);
          const w = whole as { staleReads?: number; keysStale?: number; samples?: number; consistent?: number; invalidReads?: number; lostWrites?: number; anomalies: { kind: string }[] };
          if ('byFault' in w) faulted++;
          stale += w.staleReads ?? w.keysStale ?? w.invalidReads ?? w.lostWrites ?? (w.samples ?? 0) - (w.consistent ?? 0);
          if (checker === sessionGuarantees) stale += Object.values(whole.guarantees as Record<string, { violations: number }>).reduce((n, g) => n + g.violations, 0);
          for (const a of w.anomalies) kinds.add(a.kind);
        }
      }
      // The histories show what the merge must order: many stale reads (or stale keys).
      expect(stale).toBeGreaterThan(10);
      if (checker === visibility) expect(faulted).toBe(12);
      if (checker === sessionGuarantees) expect([...kinds].sort()).toEqual(['monotonic-reads', 'monotonic-writes', 'read-your-writes', 'writes-follow-reads']);
      if (checker === lostWrites) expect([...kinds].sort()).toEqual(['lost-write', 'not-converged']);
      if (checker === readValidity) expect([...kinds].sort()).toEqual(['corrupt-read', 'phantom-value', 'value-from-other-key', 'value-from-the-future', 'value-of-failed-write']);
    });
  }
});

describe('key by key, numbers past 32 bits: the parts keep them exact', () => {
  // A key's columns are 32-bit where every number fits (src/util/int-column.ts), 64-bit where one
  // does not: invoke indices past 2^32 from the middle of the history on put every key's indices
  // in 64 bits; 3 s (past 2^31 ns) added to the ops after one moment make some keys' spans 64-bit
  // (the ops in flight then), the others' 32-bit, and the merges take both.
  it('visibility and session-guarantees: same result as over the whole history', async () => {
    let wide = 0;
    for (let seed = 1; seed <= 4; seed++) {
      const sim = simulate({ seed, keys: 6, processes: 5, opsPerProcess: 150, replicas: 3, delay: 20 * MS, latency: 2 * MS, think: 3 * MS, infoRate: 0.05, deleteRate: 0.15 });
      const h = historyOf(sim.events);
      const midIndex = h.ops[Math.floor(h.ops.length / 2)]!.invokeIndex;
      const jumpAt = h.ops[Math.floor(h.ops.length / 3)]!.invokeTime + 1;
      const index = (i: number) => (i >= midIndex ? i + 2 ** 32 : i);
      const time = (t: number) => (t >= jumpAt ? t + 3e9 : t);
      for (const op of h.ops) {
        op.invokeIndex = index(op.invokeIndex);
        if (op.completeIndex !== null) op.completeIndex = index(op.completeIndex);
        op.invokeTime = time(op.invokeTime);
        if (op.completeTime !== null) op.completeTime = time(op.completeTime);
        if (op.completeTime !== null && op.completeTime - op.invokeTime > 2 ** 31) wide++;
      }
      for (const checker of [visibility as Checker, sessionGuarantees]) {
        for (const max of [undefined, 3]) {
          const whole = structuredClone(await checker.check(h, max === undefined ? {} : { maxAnomalies: max }));
          expect(await checkByKey(checker, h, max, seed), checker.name).toEqual(whole);
        }
      }
    }
    // Ops in flight across the jump: spans past 2^31 ns.
    expect(wide).toBeGreaterThan(4);
  });
});

describe('session-guarantees key by key: the sessions in the whole history\'s order', () => {
  it("lists the first violations of the sessions first met in the whole history, not in a key's own order", async () => {
    // Process 0 is met first (on k0), but on k1 it comes last: p2 writes 5, p1 writes 10 and
    // reads 5, p0 writes 20 and reads 5: both readers miss their own writes (RYW).
    const h = new H()
      .invoke(0, 'put', 'k0', 1).ok(0)
      .invoke(2, 'put', 'k1', 5).ok(2)
      .invoke(1, 'put', 'k1', 10).ok(1)
      .invoke(1, 'get', 'k1').ok(1, 5)
      .invoke(0, 'put', 'k1', 20).ok(0)
      .invoke(0, 'get', 'k1').ok(0, 5)
      .history();
    const whole = structuredClone(await sessionGuarantees.check(h, { maxAnomalies: 1 }));
    expect(whole.anomalies.map((a) => [a.kind, a.ops[1]])).toEqual([['read-your-writes', 10]]);
    for (const seed of [1, 2, 3]) expect(await checkByKey(sessionGuarantees, h, 1, seed)).toEqual(whole);
    expect(await checkByKey(sessionGuarantees, h, undefined, 1)).toEqual(structuredClone(await sessionGuarantees.check(h)));
  });
});

describe('visibility: the bootstrap split over threads', () => {
  /** Runs the estimate jobs here, as the pool's threads do (src/check/parallel/worker.ts), `size` of them. */
  const runner = (size: number): JobRunner => ({
    idle: size,
    run: async <T>(m: object): Promise<T> => {
      const job = structuredClone(m) as EstimateJob;
      if ('estimate' in job) return estimate(job.estimate.columns, job.estimate.minBin, job.estimate.resamples, job.estimate.seed) as T;
      if ('prepare' in job) return (prepareShared(job.prepare.columns, job.prepare.minBin) ?? null) as T;
      return resample(job.resample.input, job.resample.seed, job.resample.count, job.resample.from) as T;
    },
  });

  it('gives the intervals of one thread, figure for figure, on histories with stale reads and a fault', async () => {
    let intervals = 0;
    for (let seed = 1; seed <= 4; seed++) {
      const sim = simulate({ seed, keys: 4, processes: 5, opsPerProcess: 200, replicas: 3, delay: 20 * MS, latency: 2 * MS, think: 3 * MS, infoRate: 0.02, deleteRate: 0.1 });
      const h = historyOf(sim.events);
      const end = h.ops.at(-1)!.invokeTime;
      h.nemesis.push(nemesisEvent('start-partition', end / 3), nemesisEvent('stop-partition', (2 * end) / 3));
      for (const resamples of [200, 7]) {
        const one = structuredClone(await visibility.check(h, { resamples }));
        for (const size of [2, 3]) expect(structuredClone(await visibility.check(h, { resamples, threads: runner(size) }))).toEqual(one);
        // Intervals that are not one point: the resamples differ, and their order is kept.
        intervals += JSON.stringify(one).match(/"ci95":\[(\d[\d.]*),(?!\1\])/g)?.length ?? 0;
      }
    }
    expect(intervals).toBeGreaterThan(20);
  });
});
