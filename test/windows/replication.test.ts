import { describe, expect, it } from 'vitest';
import { replication } from '../../checkers/replication.js';
import { startEmulator } from '../../src/emulator/index.js';
import { emulatorTarget } from '../../src/targets/emulator.js';
import { replicationWorkload } from '../../workloads/replication.js';
import { recordRun } from '../helpers/run.js';
import { expectNearTruth, expectZero, objcheckWorkload, recordWithTruth, trueWindows, windowsOf } from './helpers.js';

const run = (lag: string, timeLimitMs: number) =>
  recordRun({
    target: emulatorTarget,
    workload: replicationWorkload,
    concurrency: 3,
    limits: { timeLimitMs },
    targetOptions: { emulatorFlags: ['--replica-lag', lag], readTarget: 'replica' },
  });

describe('replication workload against the emulator', () => {
  it("estimates the replica's configured lag within 20%, on the emulator's clock", async () => {
    const { history, controls } = await recordWithTruth({
      target: emulatorTarget,
      workload: replicationWorkload,
      concurrency: 3,
      limits: { timeLimitMs: 3500 },
      targetOptions: { emulatorFlags: ['--replica-lag', '250'], readTarget: 'replica' },
    });
    const w = windowsOf(replication.check(history));
    expectNearTruth(w.replication, trueWindows(history, controls, ['put'], 'replica').get('put')!, 250);
    expect(w.replication!.distribution.p90).toBeLessThanOrEqual(250 * 1.2);
  }, 20_000);

  it('on the emulator, measures the lag at the store from its ground truth, whatever the client\'s own latency', async () => {
    // A replica exactly 50 ms behind: a loaded client's late answers must not shorten it.
    const r = await objcheckWorkload(['--workload', 'replication', '--target', 'emulator', '--replica-lag', '50', '--time-limit', '2', '--concurrency', '3']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('emulator: --read-target replica --ground-truth (the replication workload needs them');
    const m = /replication: ([\d.]+) ms at the store \(median of (\d+)/.exec(r.stdout);
    expect(m, r.stdout).not.toBeNull();
    expect(Number(m![2])).toBeGreaterThanOrEqual(5);
    // Timers fire up to a few ms late under load; never early.
    expect(Number(m![1])).toBeGreaterThanOrEqual(50);
    expect(Number(m![1])).toBeLessThanOrEqual(60);
  }, 20_000);

  it('finds a window of zero when the replica is written at once', async () => {
    expectZero(windowsOf(replication.check(await run('0', 1000))).replication);
  }, 20_000);

  it('reads through any S3 endpoint named by URL: --target s3 --read-target http://…', async () => {
    const emulator = await startEmulator({ buckets: ['objcheck'], replicaLag: '150' });
    try {
      const { accessKeyId, secretAccessKey } = emulator.credentials;
      const r = await objcheckWorkload(
        ['--workload', 'replication', '--target', 's3', '--endpoint', emulator.endpoint, '--bucket', 'objcheck', '--read-target', emulator.replicaEndpoint!, '--time-limit', '3', '--concurrency', '3'],
        { AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey, AWS_REGION: emulator.region },
      );
      expect(r.code, r.stderr).toBe(0);
      const median = Number(/replication: ([\d.]+) ms \(median of/.exec(r.stdout)?.[1]);
      expect(median).toBeGreaterThanOrEqual(120);
      // Measured at the client, the window also holds a replica read's legs, which load stretches:
      // at most 20% over the lag plus the run's own p99 replica-read latency (the summary's table).
      const readP99 = Number(/^\s+read\s+[\d,]+\s+[\d,]+\s+[\d,]+\s+[\d,]+\s+[\d,.]+\s+([\d,.]+)/m.exec(r.stdout)?.[1]?.replaceAll(',', ''));
      expect(readP99, r.stdout).toBeGreaterThan(0);
      expect(median, r.stdout).toBeLessThanOrEqual(180 + readP99);
    } finally {
      await emulator.close();
    }
  }, 20_000);

  it('memory has no second endpoint: not supported by this target, exit 3, naming what can', async () => {
    const r = await objcheckWorkload(['--workload', 'replication', '--time-limit', '1', '--target', 'memory', '--read-target', 'replica']);
    expect(r.code).toBe(3);
    expect(r.stderr.trim().split('\n').at(-1)).toBe(
      'error: the replication workload is not supported by this target (memory): it needs a second endpoint to read through: --read-target URL (an endpoint serving the same bucket), or use --target emulator (its --replica-lag SPEC and --read-target replica)',
    );
  });
});
