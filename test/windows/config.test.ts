import { describe, expect, it } from 'vitest';
import { config } from '../../checkers/config.js';
import { emulatorTarget } from '../../src/targets/emulator.js';
import { configWorkload } from '../../workloads/config.js';
import { recordRun } from '../helpers/run.js';
import { expectNear, expectZero, objcheckWorkload, windowsOf } from './helpers.js';

describe('config workload against the emulator', () => {
  it('estimates the configured versioning propagation delay within 20%', async () => {
    const history = await recordRun({ target: emulatorTarget, workload: configWorkload, concurrency: 3, limits: { timeLimitMs: 6000 }, targetOptions: { emulatorFlags: ['--config-delay', '400'] } });
    const w = windowsOf(config.check(history));
    expectNear(w['versioning-enable'], 400);
    expectNear(w['versioning-suspend'], 400);
  }, 20_000);

  it('finds a window of zero when the configuration governs writes at once', async () => {
    const history = await recordRun({ target: emulatorTarget, workload: configWorkload, concurrency: 3, limits: { timeLimitMs: 2000 } });
    const w = windowsOf(config.check(history));
    expectZero(w['versioning-enable']);
    expectZero(w['versioning-suspend']);
  }, 20_000);

  it('on a target whose bucket is not the run\'s own: not supported by this target, exit 3', async () => {
    const r = await objcheckWorkload(['--workload', 'config', '--target', 'memory', '--time-limit', '1']);
    expect(r.code).toBe(3);
    expect(r.stderr.trim().split('\n').at(-1)).toBe(
      "error: the config workload is not supported by this target (memory): it changes a bucket-wide setting (versioning), and a run may change only a bucket it owns (the emulator's; --config-delay MS sets its propagation delay)",
    );
  });
});
