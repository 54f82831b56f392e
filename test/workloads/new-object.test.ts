import { describe, expect, it } from 'vitest';
import { readAfterCreate } from '../../checkers/read-after-create.js';
import type { History } from '../../src/history/event.js';
import { emulatorTarget } from '../../src/targets/emulator.js';
import { memoryTarget } from '../../src/targets/memory.js';
import { newObjectWorkload } from '../../workloads/new-object.js';
import type { OpSpec } from '../../workloads/workload.js';
import { recordRun } from '../helpers/run.js';
import { H } from '../linearizable/helpers.js';
import { checkAll, verdicts } from './checkers.js';

function take(seed: number, n: number): OpSpec[] {
  const g = newObjectWorkload.generator({ seed, keys: 3 });
  return Array.from({ length: n }, () => g.next()!);
}

const run = (target: typeof memoryTarget, ops: number, targetOptions = {}) =>
  recordRun({ target, workload: newObjectWorkload, limits: { ops }, concurrency: 4, seed: 11, targetOptions });

/** Keys that some read saw absent before their PUT completed (what a negative cache needs). */
function seenAbsentBeforePut(h: History): Set<string> {
  const putDone = new Map(h.ops.filter((o) => o.f === 'put' && o.type === 'ok').map((o) => [o.key!, o.completeIndex!]));
  return new Set(h.ops.filter((o) => o.type === 'ok' && o.value === null && o.invokeIndex < (putDone.get(o.key!) ?? -1)).map((o) => o.key!));
}

describe('new-object generator', () => {
  it('is deterministic in its seed, and puts each fresh key once, with probes before and gets after', () => {
    const ops = take(5, 2000);
    expect(take(5, 2000)).toEqual(ops);
    expect(take(6, 2000)).not.toEqual(ops);
    const puts = ops.filter((o) => o.f === 'put');
    expect(new Set(puts.map((o) => o.key)).size).toBe(puts.length);
    expect(new Set(puts.map((o) => o.value)).size).toBe(puts.length);
    const putAt = new Map(ops.map((o, i) => [o, i] as const).filter(([o]) => o.f === 'put').map(([o, i]) => [o.key, i]));
    for (const [i, o] of ops.entries()) {
      // More ops than there are workers lie between a probe and its PUT, and a PUT and its reads.
      if (o.f === 'probe' && putAt.has(o.key)) expect(i).toBeLessThan(putAt.get(o.key)! - 8);
      if (o.f === 'get') expect(i).toBeGreaterThan(putAt.get(o.key)! + 8);
    }
    const reads = ops.filter((o) => o.f === 'get' && o.key === 'n10').length;
    expect(reads).toBe(7);
    const probed = new Set(ops.filter((o) => o.f === 'probe').map((o) => o.key));
    expect([...probed].some((k) => Number(k!.slice(1)) < 16)).toBe(false);
    expect(probed.size / puts.length).toBeGreaterThan(0.35);
    expect(probed.size / puts.length).toBeLessThan(0.65);
  });
});

describe('read-after-create checker', () => {
  it('flags a not-found read invoked after the create completed, and says the key was probed', () => {
    const h = new H()
      .invoke(0, 'probe', 'n1').ok(0, null)
      .invoke(0, 'put', 'n1', 1).ok(0)
      .invoke(1, 'get', 'n1').ok(1, null)
      .invoke(1, 'get', 'n1').ok(1, 1)
      .history();
    const r = readAfterCreate.check(h);
    expect(r.valid).toBe(false);
    expect(r.notFoundAfterCreate).toEqual({ total: 1, onProbedKeys: 1, withNoEarlierNotFound: 0 });
    expect(r.anomalies[0]).toMatchObject({ kind: 'not-found-after-create', key: 'n1', ops: [4, 2, 0] });
    expect(r.anomalies[0]!.explanation).toBe(
      'get(n1) → null at 0.005 s returned not-found 1.000 ms after put(n1, 1) had completed at 0.004 s; n1 had been seen absent before: probe(n1) → null at 0.001 s (probed)',
    );
  });

  it('accepts not-found from reads that overlap the create or follow a delete, and says when nothing was probed', () => {
    const overlapping = new H().invoke(0, 'put', 'n1', 1).invoke(1, 'get', 'n1').ok(1, null).ok(0).history();
    expect(readAfterCreate.check(overlapping)).toMatchObject({ valid: true, readsAfterCreate: 0 });
    const deleted = new H().invoke(0, 'put', 'n1', 1).ok(0).invoke(0, 'delete', 'n1').invoke(1, 'get', 'n1').ok(1, null).ok(0).history();
    expect(readAfterCreate.check(deleted).valid).toBe(true);
    const plain = new H().invoke(0, 'put', 'n1', 1).ok(0).invoke(1, 'get', 'n1').ok(1, null).history();
    const r = readAfterCreate.check(plain);
    expect(r.notFoundAfterCreate).toEqual({ total: 1, onProbedKeys: 0, withNoEarlierNotFound: 1 });
    expect(r.anomalies[0]!.explanation).toMatch(/no read had seen n1 absent before \(not negative caching\)$/);
  });
});

describe('new-object workload runs', () => {
  it('finds nothing against the memory store', async () => {
    const h = await run(memoryTarget, 700, { latencyMs: 1 });
    const results = await checkAll(newObjectWorkload, h);
    expect(verdicts(results)).toEqual({ 'read-validity': true, linearizable: true, 'read-after-create': true, 'stale-reads': true });
    expect(results['read-after-create']!.readsAfterCreate).toBeGreaterThan(300);
    expect(results['read-after-create']!.keysProbed).toBeGreaterThan(20);
  });

  it('finds nothing against the emulator, strong', async () => {
    const h = await run(emulatorTarget, 500, { emulatorFlags: ['--consistency', 'strong'] });
    const results = await checkAll(newObjectWorkload, h);
    expect(verdicts(results)).toEqual({ 'read-validity': true, linearizable: true, 'read-after-create': true, 'stale-reads': true });
    expect(results['read-after-create']!.readsAfterCreate).toBeGreaterThan(250);
  });

  it('finds negative caching on s3-legacy: not-found after the PUT completed, only on keys read as absent before it', async () => {
    const h = await run(emulatorTarget, 1200, { emulatorFlags: ['--consistency', 's3-legacy', '--negative-cache-window', '200:400'] });
    const r = readAfterCreate.check(h, { maxAnomalies: Infinity });
    expect(r.valid).toBe(false);
    const counts = r.notFoundAfterCreate as { total: number; onProbedKeys: number; withNoEarlierNotFound: number };
    // s3-legacy keeps read-after-write for new keys that no GET saw absent: those never fail.
    expect(counts.withNoEarlierNotFound).toBe(0);
    const absentBefore = seenAbsentBeforePut(h);
    for (const a of r.anomalies) expect(absentBefore.has(a.key!)).toBe(true);
    // Probed keys are the ones the workload set up for it: most of them stay invisible for a while.
    expect(counts.onProbedKeys).toBeGreaterThan(50);
    const invisible = r.keysInvisible as { total: number; probed: number };
    expect(invisible.probed).toBeGreaterThan(10);
    // The others are keys a GET read while their PUT was still running: rare, by the schedule.
    expect(invisible.probed).toBeGreaterThanOrEqual(0.8 * invisible.total);
    expect(r.anomalies.find((a) => /\(probed\)$/.test(a.explanation))!.explanation).toMatch(
      /^get\(n\d+\) → null at [\d.]+ s returned not-found [\d.]+ ms after put\(n\d+, \d+\) had completed at [\d.]+ s; n\d+ had been seen absent before: probe\(n\d+\) → null at [\d.]+ s \(probed\)$/,
    );
    // No 404 outlives the cache window drawn for it (≤ 400 ms after the probe, hence after the PUT).
    expect((r.windowMs as { max: number }).max).toBeLessThan(400);
    const results = await checkAll(newObjectWorkload, h);
    expect(results['stale-reads']!.valid).toBe(false);
    expect(results['read-validity']!.valid).toBe(true);
  });
});
