// The pbs workload as a user runs it (`objcheck workload --workload pbs --target emulator
// --ground-truth`), judged against a closed form that owes nothing to our code: N = 3, W = R = 1,
// write propagation exponential (mean M), every other delay zero. The write commits when the first
// replica has it; by memorylessness each other replica has it t later with probability
// 1 − e^(−t/M); the read asks one replica, each a third of the time. So
// P(consistent | t) = 1 − (2/3)·e^(−t/M), t from the commit to the read reaching the store.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { objcheckWorkload } from '../windows/helpers.js';

const cli = resolve(import.meta.dirname, '../../dist/src/cli/main.js');
const M = 10;
const p = (t: number) => 1 - (2 / 3) * Math.exp(-t / M);
/** The mean of p over [a, b]: the t's of a bin are about uniform (lags are planned uniformly). */
const pOver = (a: number, b: number) => (b - a < 1e-9 ? p(a) : 1 - ((2 / 3) * M * (Math.exp(-a / M) - Math.exp(-b / M))) / (b - a));

describe('pbs workload on the quorum emulator, t at the store', () => {
  it('reproduces the closed-form t-visibility curve and windows', async () => {
    const { code, stdout, stderr } = await objcheckWorkload(
      ['--workload', 'pbs', '--target', 'emulator', '--consistency', 'quorum', '--write-quorum', '1', '--read-quorum', '1', `--write-delay`, `exp:${M}`,
        '--keys', '6', '--lag-span', String(6 * M), '--ops', '4000', '--concurrency', '32', '--seed', '3', '--ground-truth'],
      { AWS_CA_BUNDLE: '' },
    );
    // 1 when the client saw a stale read; on a loaded machine the put's answer may come after the
    // write reached every replica, and the client then sees none (0). The store-side figures below are the test.
    expect([0, 1], stderr).toContain(code);
    const folder = stdout.match(/run folder: (.*)/)![1]!;
    expect(readdirSync(folder)).toContain('ground-truth.jsonl');
    const v = JSON.parse(readFileSync(join(folder, 'results.json'), 'utf8')).checkers.visibility;
    expect(v.tMeasuredAt).toBe('store');
    expect(v.summary).toContain('t at the store');
    expect(v.samples).toBeGreaterThan(2500);
    for (const b of v.curve as { fromMs: number; toMs: number; samples: number; fraction: number }[]) {
      if (b.samples < 200) continue;
      // 4 standard errors at p = 0.5 for 200 reads is 0.14; bins are larger than that mostly.
      const se = Math.sqrt(0.25 / b.samples);
      expect(Math.abs(b.fraction - pOver(b.fromMs, b.toMs)), `bin ${b.fromMs}–${b.toMs} ms of ${b.samples}`).toBeLessThanOrEqual(4 * se + 0.02);
    }
    // P(consistent at t = 0) is a third; client-side t (legs of a few ms each) would say ~0.5.
    expect(v.pAt0).toBeGreaterThan(0.2);
    expect(v.pAt0).toBeLessThan(0.46);
    // The 99% window: M·ln(200/3) = 42.0 ms.
    const w99 = v.windows['99%'];
    expect(w99.ms).toBeGreaterThan(42 * 0.75);
    expect(w99.ms).toBeLessThan(42 * 1.25);
    // Re-checked later, the run folder's ground truth is used again: the same figures.
    const again = spawnSync(process.execPath, [cli, 'check', folder], { encoding: 'utf8' });
    expect(again.status, again.stderr).toBe(code);
    const v2 = JSON.parse(readFileSync(join(folder, 'results.json'), 'utf8')).checkers.visibility;
    expect([v2.tMeasuredAt, v2.windows, v2.pAt0]).toEqual([v.tMeasuredAt, v.windows, v.pAt0]);
  }, 120_000);
});
