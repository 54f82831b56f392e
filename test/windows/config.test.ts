import { describe, expect, it } from 'vitest';
import { config } from '../../checkers/config.js';
import { emulatorTarget } from '../../src/targets/emulator.js';
import { configWorkload } from '../../workloads/config.js';
import { recordRun } from '../helpers/run.js';
import { expectNearTruth, expectZero, objcheckWorkload, recordWithTruth, trueWindows, windowsOf } from './helpers.js';

describe('config workload against the emulator', () => {
  it('estimates the configured versioning propagation delay within 20%, on the emulator\'s clock', async () => {
    const { history, controls } = await recordWithTruth({ target: emulatorTarget, workload: configWorkload, concurrency: 3, limits: { timeLimitMs: 5000 }, targetOptions: { emulatorFlags: ['--config-delay', '300'] } });
    const w = windowsOf(config.check(history));
    const truth = trueWindows(history, controls, ['enable-versioning', 'suspend-versioning'], 'versioning');
    expectNearTruth(w['versioning-enable'], truth.get('enable-versioning')!, 300);
    expectNearTruth(w['versioning-suspend'], truth.get('suspend-versioning')!, 300);
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
      "error: the config workload is not supported by this target (memory): it changes a bucket-wide setting (versioning), and a run may change only a bucket it owns: use --target emulator (its --config-delay MS sets the propagation delay)",
    );
  });
});
