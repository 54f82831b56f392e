import { describe, expect, it } from 'vitest';
import type { CheckResult } from '../../checkers/checker.js';
import { isRefused, refusal } from '../../src/history/conditional.js';
import { mutualExclusion } from '../../checkers/mutual-exclusion.js';
import type { History } from '../../src/history/event.js';
import { emulatorTarget } from '../../src/targets/emulator.js';
import { memoryTarget } from '../../src/targets/memory.js';
import type { Target, TargetOptions } from '../../src/targets/target.js';
import { lockWorkload } from '../../workloads/lock.js';
import { refusingIfMatch } from '../helpers/faulty.js';
import { recordRun } from '../helpers/run.js';
import { H } from '../linearizable/helpers.js';

const run = (target: Target, ops: number, targetOptions: Partial<TargetOptions> = {}) =>
  recordRun({ target, workload: lockWorkload, limits: { ops }, concurrency: 4, keys: 2, seed: 3, targetOptions });

const check = (h: History) => mutualExclusion.check(h) as CheckResult;
const granted = (etag: string) => ({ acquired: etag });

describe('lock generator', () => {
  it('acquires random locks with unique odd tokens; deterministic', () => {
    const g = (seed: number) => {
      const gen = lockWorkload.generator({ seed, keys: 3 });
      return Array.from({ length: 500 }, () => gen.next()!);
    };
    expect(g(1)).toEqual(g(1));
    expect(g(1)).not.toEqual(g(2));
    const ops = g(1);
    expect(new Set(ops.map((o) => o.f))).toEqual(new Set(['acquire']));
    expect(new Set(ops.map((o) => o.key))).toEqual(new Set(['lock0', 'lock1', 'lock2']));
    expect(ops.every((o) => (o.value as number) % 2 === 1)).toBe(true);
    expect(new Set(ops.map((o) => o.value)).size).toBe(500);
  });

  it('has the holder release with the ETag of its own acquire, after a hold', () => {
    const f = lockWorkload.followUp!({ f: 'acquire', key: 'lock0', value: 7 }, granted('"e1"'));
    expect(f).toEqual({ op: { f: 'release', key: 'lock0', value: { token: 7, etag: '"e1"' } }, afterMs: 5 });
    expect(lockWorkload.followUp!({ f: 'acquire', key: 'lock0', value: 7 }, { busy: 5 })).toBeUndefined();
    expect(lockWorkload.followUp!({ f: 'acquire', key: 'lock0', value: 7 }, refusal('412'))).toBeUndefined();
  });
});

describe('mutual-exclusion checker', () => {
  it('accepts holds one after another, busy and refused acquires', () => {
    const h = new H()
      .invoke(0, 'acquire', 'lock0', 1).ok(0, granted('"a"'))
      .invoke(1, 'acquire', 'lock0', 3).ok(1, { busy: 1 })
      .invoke(0, 'release', 'lock0', { token: 1, etag: '"a"' }).ok(0)
      .invoke(1, 'acquire', 'lock0', 5).ok(1, granted('"b"'))
      .invoke(2, 'acquire', 'lock0', 7).ok(2, refusal('PreconditionFailed (HTTP 412)'))
      .history();
    expect(check(h)).toMatchObject({ valid: true, acquires: 4, acquired: 2, busy: 1, refused: 1, overlappingHolds: 0 });
  });

  it('finds two acknowledged holds that overlap, and a hold never released overlapping a later one', () => {
    const h = new H()
      .invoke(0, 'acquire', 'lock0', 1).invoke(1, 'acquire', 'lock0', 3).ok(0, granted('"a"')).ok(1, granted('"b"'))
      .invoke(0, 'release', 'lock0', { token: 1, etag: '"a"' }).ok(0)
      .invoke(1, 'release', 'lock0', { token: 3, etag: '"b"' }).ok(1)
      .history();
    const r = check(h);
    expect(r).toMatchObject({ valid: false, overlappingHolds: 1 });
    expect(r.anomalies[0]!.explanation).toBe(
      'lock0: process 0 held it from 0.003 s (acquire(lock0, 1) acknowledged) until 0.005 s (release invoked), and process 1 from 0.004 s (acquire(lock0, 3) acknowledged) until 0.007 s (release invoked): both acquires were acknowledged, and the holds overlap by 1.000 ms',
    );
    const never = new H().invoke(0, 'acquire', 'lock1', 1).ok(0, granted('"a"')).invoke(1, 'acquire', 'lock1', 3).ok(1, granted('"b"')).history();
    expect(check(never).anomalies[0]!.explanation).toMatch(/process 0 held it from 0\.002 s \(acquire\(lock1, 1\) acknowledged\) until the end \(never released\)/);
    // A release refused although its holder had not released: the lock changed under it.
    const refused = new H().invoke(0, 'acquire', 'lock0', 1).ok(0, granted('"a"')).invoke(0, 'release', 'lock0', { token: 1, etag: '"a"' }).ok(0, refusal('PreconditionFailed (HTTP 412)')).history();
    expect(check(refused)).toMatchObject({ valid: false, releasesRefused: 1 });
  });
});

describe('lock workload runs', () => {
  it('keeps mutual exclusion on the memory store and the emulator (strong); acquires take both paths', async () => {
    const stores: [Target, Partial<TargetOptions>][] = [
      [memoryTarget, { latencyMs: 2 }],
      [emulatorTarget, { emulatorFlags: ['--consistency', 'strong'] }],
    ];
    for (const [target, options] of stores) {
      const h = await run(target, 600, options);
      const r = check(h);
      expect(r).toMatchObject({ valid: true, overlappingHolds: 0, releasesRefused: 0 });
      expect(r.acquired).toBeGreaterThan(40);
      expect(r.busy).toBeGreaterThan(40);
      // Every granted acquire was released by its own worker.
      const releases = h.ops.filter((o) => o.f === 'release' && o.type === 'ok');
      expect(releases.length).toBe(r.acquired);
      expect(releases.every((rel) => h.ops.some((a) => a.f === 'acquire' && a.process === rel.process && a.invokeValue === (rel.invokeValue as { token: number }).token))).toBe(true);
    }
  });

  it("finds overlapping holds when the emulator ignores conditions (--ignore-conditions)", async () => {
    const h = await run(emulatorTarget, 600, { emulatorFlags: ['--consistency', 'strong', '--ignore-conditions'] });
    const r = check(h);
    expect(r.valid).toBe(false);
    expect(r.overlappingHolds).toBeGreaterThan(10);
    expect(r.anomalies[0]!.explanation).toMatch(/^lock\d: process \d+ held it from [\d.]+ s \(acquire\(lock\d, \d+\) acknowledged\) until .*, and process \d+ from .*: both acquires were acknowledged, and the holds overlap by [\d.]+ ms$/);
  });

  it('finds refused releases on a store that refuses every If-Match (Ceph RGW 16 with a quoted ETag)', async () => {
    const h = await run(refusingIfMatch(memoryTarget), 300, { latencyMs: 1 });
    const r = check(h);
    // Each lock is taken once (If-None-Match works), its release refused, and it stays held.
    expect(r).toMatchObject({ valid: false, acquired: 2, releasesRefused: 2, overlappingHolds: 0 });
    expect(h.ops.filter((o) => o.f === 'release').every(isRefused)).toBe(true);
  });
});
