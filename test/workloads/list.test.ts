import { describe, expect, it } from 'vitest';
import { listConsistency } from '../../checkers/list-consistency.js';
import { emulatorTarget } from '../../src/targets/emulator.js';
import { memoryTarget } from '../../src/targets/memory.js';
import { listWorkload } from '../../workloads/list.js';
import type { OpSpec } from '../../workloads/workload.js';
import { recordRun } from '../helpers/run.js';
import { H } from '../linearizable/helpers.js';

function take(seed: number, keys: number, n: number): OpSpec[] {
  const g = listWorkload.generator({ seed, keys });
  return Array.from({ length: n }, () => g.next()!);
}

type Figures = { missingKeys: number; extraKeys: number; mustInclude: number; missingAgeMs: { count: number; max: number } };

describe('list generator', () => {
  it('puts every key once, in order, then mixes list, put and delete; deterministic in its seed', () => {
    const ops = take(3, 50, 2000);
    expect(take(3, 50, 2000)).toEqual(ops);
    expect(take(4, 50, 2000)).not.toEqual(ops);
    expect(ops.slice(0, 50).map((o) => [o.f, o.key])).toEqual(Array.from({ length: 50 }, (_, i) => ['put', `l/k${i}`]));
    const share = (f: string) => ops.slice(50).filter((o) => o.f === f).length / (ops.length - 50);
    expect(share('list')).toBeGreaterThan(0.25);
    expect(share('put')).toBeGreaterThan(0.4);
    expect(share('delete')).toBeGreaterThan(0.2);
    expect(ops.filter((o) => o.f === 'list').every((o) => o.key === 'l/')).toBe(true);
    const values = ops.filter((o) => o.f === 'put').map((o) => o.value);
    expect(new Set(values).size).toBe(values.length);
  });
});

describe('list-consistency checker', () => {
  it('finds a key missing after its PUT completed, and one still listed after its DELETE completed', () => {
    const h = new H()
      .invoke(0, 'put', 'l/a', 1).ok(0)
      .invoke(0, 'put', 'l/b', 2).ok(0)
      .invoke(0, 'delete', 'l/b').ok(0)
      .invoke(1, 'list', 'l/').ok(1, ['l/b'])
      .history();
    const r = listConsistency.check(h);
    expect(r).toMatchObject({ valid: false, lists: 1, missingKeys: 1, extraKeys: 1, mustInclude: 1, mustExclude: 1 });
    expect(r.anomalies.map((a) => [a.kind, a.key, a.ops])).toEqual([
      ['missing-key', 'l/a', [6, 0]],
      ['extra-key', 'l/b', [6, 4]],
    ]);
    expect(r.anomalies[0]!.explanation).toBe(
      'list(l/) at 0.007 s did not include l/a, though put(l/a, 1) had completed at 0.002 s, 5.000 ms before the LIST began, and no delete of l/a could explain its absence',
    );
    expect(r.missingAgeMs).toMatchObject({ count: 1, max: 5 });
  });

  it('accepts whatever concurrent or indeterminate writes explain', () => {
    const concurrent = new H().invoke(0, 'put', 'l/a', 1).invoke(1, 'list', 'l/').ok(1, []).ok(0).history();
    expect(listConsistency.check(concurrent).valid).toBe(true);
    // An info delete may have happened at any time after it was invoked; so may an info put.
    const info = new H().invoke(0, 'put', 'l/a', 1).ok(0).invoke(0, 'delete', 'l/a').info(0).invoke(1, 'list', 'l/').ok(1, []).history();
    expect(listConsistency.check(info).valid).toBe(true);
    const reput = new H().invoke(0, 'put', 'l/a', 1).ok(0).invoke(0, 'delete', 'l/a').ok(0).invoke(2, 'put', 'l/a', 2).invoke(1, 'list', 'l/').ok(1, ['l/a']).history();
    expect(listConsistency.check(reput).valid).toBe(true);
    // A failed put definitely did not happen: listing its key is a phantom.
    const failed = new H().invoke(0, 'put', 'l/a', 1).fail(0).invoke(1, 'list', 'l/').ok(1, ['l/a', 'l/a']).history();
    expect(listConsistency.check(failed)).toMatchObject({ valid: false, phantomKeys: 1, duplicateLists: 1 });
  });
});

const run = (target: typeof memoryTarget, keys: number, ops: number, targetOptions = {}) =>
  recordRun({ target, workload: listWorkload, limits: { ops }, concurrency: 4, keys, seed: 5, targetOptions });

describe('list workload runs', () => {
  it('finds nothing against the memory store', async () => {
    const h = await run(memoryTarget, 30, 800, { latencyMs: 1 });
    const r = listConsistency.check(h);
    expect(r.valid).toBe(true);
    expect(r.lists).toBeGreaterThan(150);
    expect(r.mustInclude).toBeGreaterThan(1000);
    expect(r.mustExclude).toBeGreaterThan(200);
  });

  it('pages through more than 1,000 keys on the emulator, strong, and finds nothing', async () => {
    const h = await run(emulatorTarget, 1050, 1120, { emulatorFlags: ['--consistency', 'strong'] });
    const r = listConsistency.check(h);
    expect(r.valid).toBe(true);
    const lengths = h.ops.filter((o) => o.f === 'list' && o.type === 'ok').map((o) => (o.value as string[]).length);
    expect(Math.max(...lengths)).toBeGreaterThan(1000);
    expect(r.lists).toBeGreaterThan(10);
    expect(r.mustInclude).toBeGreaterThan(10_000);
  });

  it('finds keys missing from (and still in) listings on s3-legacy, within its LIST lag', async () => {
    const h = await run(emulatorTarget, 20, 800, { emulatorFlags: ['--consistency', 's3-legacy', '--list-lag', '100:200'] });
    const r = listConsistency.check(h) as ReturnType<typeof listConsistency.check> & Figures;
    expect(r.valid).toBe(false);
    expect(r.missingKeys).toBeGreaterThan(20);
    expect(r.extraKeys).toBeGreaterThan(5);
    expect(r.phantomKeys).toBe(0);
    const missing = r.anomalies.find((a) => a.kind === 'missing-key')!;
    expect(missing.explanation).toMatch(/^list\(l\/\) at [\d.]+ s did not include l\/k\d+, though put\(l\/k\d+, \d+\) had completed at [\d.]+ s, [\d.]+ ms before the LIST began/);
    expect(h.ops[h.ops.findIndex((o) => o.invokeIndex === missing.ops[1])]!.key).toBe(missing.key);
    // A write shows in listings at most 200 ms after it was applied, hence after it completed.
    expect(r.missingAgeMs.max).toBeLessThan(200);
  });
});
