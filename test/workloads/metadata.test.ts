import { describe, expect, it } from 'vitest';
import type { CheckResult } from '../../checkers/checker.js';
import { staleReads } from '../../checkers/stale-reads.js';
import type { History, Op } from '../../src/history/event.js';
import { emulatorTarget } from '../../src/targets/emulator.js';
import { memoryTarget } from '../../src/targets/memory.js';
import { s3rverTarget } from '../../src/targets/s3rver.js';
import type { Target, TargetOptions } from '../../src/targets/target.js';
import { metadataWorkload } from '../../workloads/metadata.js';
import type { OpSpec } from '../../workloads/workload.js';
import { recordRun } from '../helpers/run.js';
import { H } from '../linearizable/helpers.js';
import { checkAll, verdicts } from './checkers.js';

function take(seed: number, keys: number, n: number): OpSpec[] {
  const g = metadataWorkload.generator({ seed, keys });
  return Array.from({ length: n }, () => g.next()!);
}

const run = (target: Target, ops: number, targetOptions: Partial<TargetOptions> = {}, keys = 4) =>
  recordRun({ target, workload: metadataWorkload, limits: { ops }, concurrency: 5, keys, seed: 5, targetOptions });

/** A set-meta refused with NoSuchKey because it ran before the key's first PUT completed. */
function updateBeforeCreate(h: History, o: Op): boolean {
  const put = h.ops.find((p) => p.f === 'put' && p.key === o.key)!;
  return o.f === 'set-meta' && o.type === 'fail' && /NoSuchKey/.test(o.error!) && o.invokeIndex < put.completeIndex!;
}

const allValid = { 'read-validity': true, 'stale-reads': true, 'session-guarantees': true, 'visibility': true };

describe('metadata generator', () => {
  it('puts every key once, then mixes head and set-meta with unique versions; deterministic', () => {
    const ops = take(1, 4, 2000);
    expect(take(1, 4, 2000)).toEqual(ops);
    expect(take(2, 4, 2000)).not.toEqual(ops);
    expect(ops.slice(0, 4).map((o) => [o.f, o.key])).toEqual([0, 1, 2, 3].map((i) => ['put', `m${i}`]));
    const rest = ops.slice(4);
    expect(new Set(rest.map((o) => o.f))).toEqual(new Set(['head', 'set-meta']));
    expect(rest.filter((o) => o.f === 'head').length / rest.length).toBeGreaterThan(0.7);
    const versions = ops.filter((o) => o.value !== undefined).map((o) => o.value);
    expect(new Set(versions).size).toBe(versions.length);
  });
});

describe('read-after-metadata-update (stale-reads over HEADs)', () => {
  it('finds a HEAD that missed a completed update, naming both', () => {
    const h = new H()
      .invoke(0, 'put', 'm0', 1).ok(0)
      .invoke(0, 'set-meta', 'm0', 2).ok(0)
      .invoke(1, 'head', 'm0').ok(1, 1)
      .history();
    const r = staleReads.check(h) as CheckResult;
    expect(r.valid).toBe(false);
    expect(r.anomalies[0]!.explanation).toBe(
      'head(m0) → 1 at 0.005 s was 1.000 ms stale: its value came from put(m0, 1), completed at 0.002 s, superseded by set-meta(m0, 2), which completed at 0.004 s; the read missed 1 completed write',
    );
    // Concurrent with the update, either version is fine.
    const concurrent = new H().invoke(0, 'put', 'm0', 1).ok(0).invoke(0, 'set-meta', 'm0', 2).invoke(1, 'head', 'm0').ok(1, 1).ok(0).history();
    expect((staleReads.check(concurrent) as CheckResult).valid).toBe(true);
  });
});

describe('metadata workload runs', () => {
  it('finds nothing against the memory store, and HEADs see updates', async () => {
    const h = await run(memoryTarget, 600, { latencyMs: 1 });
    expect(verdicts(await checkAll(metadataWorkload, h))).toEqual(allValid);
    const heads = h.ops.filter((o) => o.f === 'head' && o.type === 'ok');
    const updated = new Set(h.ops.filter((o) => o.f === 'set-meta' && o.type === 'ok').map((o) => o.invokeValue));
    expect(heads.filter((o) => updated.has(o.value)).length).toBeGreaterThan(100);
  });

  it('finds nothing against the emulator, strong (CopyObject REPLACE onto itself over HTTP)', async () => {
    const h = await run(emulatorTarget, 600, { emulatorFlags: ['--consistency', 'strong'] });
    expect(h.ops.filter((o) => o.type !== 'ok').filter((o) => !updateBeforeCreate(h, o))).toEqual([]);
    expect(verdicts(await checkAll(metadataWorkload, h))).toEqual(allValid);
    const updated = new Set(h.ops.filter((o) => o.f === 'set-meta').map((o) => o.invokeValue));
    expect(h.ops.filter((o) => o.f === 'head' && updated.has(o.value)).length).toBeGreaterThan(100);
  });

  it('finds stale metadata on s3-legacy (an update becomes visible only after its stale window), with the window', async () => {
    const h = await run(emulatorTarget, 1200, { emulatorFlags: ['--consistency', 's3-legacy', '--stale-window', '50:150', '--stale-probability', '0.5', '--negative-cache-window', '0:0'] }, 12);
    const results = await checkAll(metadataWorkload, h);
    expect(results['read-validity']!.valid).toBe(true);
    const stale = results['stale-reads']!;
    expect(stale.valid).toBe(false);
    expect(stale.staleReads).toBeGreaterThan(20);
    // Eventually visible: an update pending behind later ones with longer windows can stay
    // hidden past its own window, but not for long.
    expect((stale.ageMs as { max: number }).max).toBeLessThan(1000);
    expect(stale.anomalies.every((a) => / superseded by set-meta\(/.test(a.explanation))).toBe(true);
    expect(stale.anomalies[0]!.explanation).toMatch(/^head\(m\d\) → \d+ at \d+\.\d{3} s was [\d.]+ ms stale: its value came from (put|set-meta)\(m\d, \d+\), completed at .* superseded by set-meta\(m\d, \d+\)/);
    const vis = results['visibility']!;
    expect(vis.valid).toBe(true);
    // The 99% window: the emulator's stale window is 50–150 ms. On a fast machine the run can
    // end inside the window, or too few reads follow the fitted curve's crossing of 99%: then
    // the figure is a lower bound.
    const window99 = (vis.windows as Record<string, { ms: number | null; atLeastMs?: number }>)['99%']!;
    const w99 = window99.ms ?? window99.atLeastMs ?? null;
    expect(w99).not.toBeNull();
    expect(w99!).toBeGreaterThanOrEqual(50);
    expect(w99!).toBeLessThan(1000);
  });

  it('s3rver: replaces metadata in place and serves it back; any anomaly is its known torn write (an object seen without its metadata)', async () => {
    const h = await run(s3rverTarget, 300);
    const updated = new Set(h.ops.filter((o) => o.f === 'set-meta' && o.type === 'ok').map((o) => o.invokeValue));
    expect(updated.size).toBeGreaterThan(30);
    expect(h.ops.filter((o) => o.f === 'head' && updated.has(o.value)).length).toBeGreaterThan(30);
    // s3rver writes an object's body and its metadata as two files, one after the other: a HEAD
    // in between sees the object with no metadata at all (recorded as ""), and it answers some
    // racing HEADs and copies with a 500.
    const results = await checkAll(metadataWorkload, h);
    for (const a of results['read-validity']!.anomalies) expect(a.explanation).toMatch(/^head\(m\d\) → "" at [\d.]+ s returned a value that no operation ever wrote$/);
    expect(results['stale-reads']!.valid).toBe(true);
  });
});
