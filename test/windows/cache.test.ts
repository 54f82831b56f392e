import { describe, expect, it } from 'vitest';
import { cache } from '../../checkers/cache.js';
import { emulatorTarget } from '../../src/targets/emulator.js';
import { cacheWorkload } from '../../workloads/cache.js';
import { recordRun } from '../helpers/run.js';
import { H } from '../linearizable/helpers.js';
import { expectNear, expectZero, objcheckWorkload, windowsOf } from './helpers.js';
import { okOp } from '../helpers/evidence.js';

describe('cache checker', () => {
  it('measures staleness after each overwrite and flags what outlives the max-age of the replaced copy', () => {
    // Events are 1 ms apart; the first copy promised max-age=0. The read from 7 ms saw it 1 ms after
    // the overwrite completed (certain: the anomaly), the one ending at 10 ms the new value: 2.5 ms.
    const h = new H()
      .invoke(0, 'create', 'c', { body: 1, cacheControl: 'max-age=0' }).ok(0)
      .invoke(1, 'read', 'c').ok(1, 1)
      .invoke(0, 'put', 'c', { body: 2, cacheControl: 'max-age=60' }).ok(0)
      .invoke(1, 'read', 'c').ok(1, 1)
      .invoke(1, 'read', 'c').ok(1, 2)
      .history();
    const r = cache.check(h);
    expect(windowsOf(r).cache).toMatchObject({ samples: 1, ms: 2.5, censored: 0 });
    expect(r.valid).toBe(false);
    expect(r.anomalies).toEqual([
      {
        kind: 'stale-beyond-max-age',
        key: 'c',
        ops: [4, 0],
        explanation: 'reads through the cache still returned an overwritten value 1.000 ms after put(c, 2) completed, beyond the 0 s max-age of the copy it replaced',
        evidence: {
          kind: 'stale-beyond-max-age',
          key: 'c',
          put: okOp(4, 0, 'put(c, {"body":2,"cacheControl":"max-age=60"})', 5, 6),
          body: 2,
          previous: okOp(0, 0, 'create(c, {"body":1,"cacheControl":"max-age=0"})', 1, 2),
          lagNs: 1e6,
          maxAgeMs: 0,
        },
      },
    ]);
  });
});

describe('cache workload against the emulator', () => {
  it('estimates the max-age of the caching front within 20%, and stays within it', async () => {
    const history = await recordRun({ target: emulatorTarget, workload: cacheWorkload, concurrency: 3, limits: { timeLimitMs: 7500 }, targetOptions: { emulatorFlags: ['--cache-front'] } });
    const r = cache.check(history);
    expectNear(windowsOf(r).cache, 1000);
    expect(r.valid).toBe(true);
  }, 20_000);

  it('finds a window of zero with max-age=0 (nothing is cached)', async () => {
    const history = await recordRun({ target: emulatorTarget, workload: cacheWorkload, concurrency: 3, limits: { timeLimitMs: 1000 }, maxAge: 0, targetOptions: { emulatorFlags: ['--cache-front'] } });
    expectZero(windowsOf(cache.check(history)).cache);
  }, 20_000);

  it('on the emulator without --cache-front: the front is turned on and said so', async () => {
    const r = await objcheckWorkload(['--workload', 'cache', '--target', 'emulator', '--time-limit', '2']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^emulator: --cache-front \(the cache workload needs it: its default; pass it to choose\)$/m);
    expect(r.stdout).toMatch(/cache: valid/);
  });
});
