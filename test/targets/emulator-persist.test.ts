import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { linearizable } from '../../checkers/linearizable/index.js';
import { lostWrites } from '../../checkers/staleness/lost-writes.js';
import type { History } from '../../src/history/event.js';
import { readHistory } from '../../src/history/read.js';
import { Recorder } from '../../src/history/recorder.js';
import { FaultSession } from '../../src/nemesis/session.js';
import { runFinalPhase } from '../../src/runner/final-phase.js';
import { runWorkers, type Progress } from '../../src/runner/run-workers.js';
import { emulatorTarget } from '../../src/targets/emulator.js';
import { registerWorkload } from '../../workloads/register.js';

delete process.env.AWS_CA_BUNDLE;

const SEED = 5;
const KEYS = 20;
const CONCURRENCY = 2;
const OP_TIMEOUT_MS = 400;

/**
 * What `objcheck workload --target emulator --data-dir D <flags> --nemesis kill
 * --nemesis-interval I --time-limit 4 --concurrency 2 --keys 20 --seed 5` does, in this
 * process: open, faults beside the workers, heal, final phase, history.
 */
async function killRun(flags: string[], intervalMs: number): Promise<{ history: History; kills: number; downed: boolean }> {
  const dir = mkdtempSync(join(tmpdir(), 'objcheck-persist-run-'));
  const opened = await emulatorTarget.open({
    prefix: 'objcheck/run/',
    seed: SEED,
    opTimeoutMs: OP_TIMEOUT_MS,
    concurrency: CONCURRENCY,
    latencyMs: 0,
    emulatorFlags: ['--data-dir', join(dir, 'data'), ...flags],
  });
  const recorder = new Recorder(join(dir, 'history.jsonl'));
  const faults = new FaultSession(['kill'], intervalMs, SEED);
  const stop = new AbortController();
  let kills = 0;
  try {
    faults.start(opened, recorder, stop.signal);
    const progress: Progress = { started: 0, ok: 0, fail: 0, info: 0, late: 0 };
    const outcome = await runWorkers(
      { workload: registerWorkload, client: opened.client, recorder, concurrency: CONCURRENCY, limits: { timeLimitMs: 4000 }, opTimeoutMs: OP_TIMEOUT_MS, seed: SEED, keys: KEYS, stop: stop.signal },
      progress,
    );
    kills = await faults.heal();
    await runFinalPhase({
      workload: registerWorkload,
      client: opened.client,
      recorder,
      processes: outcome.processes,
      seed: SEED,
      keys: KEYS,
      quiesceMs: 500,
      convergeTimeoutMs: 10_000,
      opTimeoutMs: OP_TIMEOUT_MS,
      stop: stop.signal,
    });
  } finally {
    recorder.close();
    await faults.close();
    await opened.close();
  }
  return { history: await readHistory(join(dir, 'history.jsonl')), kills, downed: opened.down?.aborted ?? false };
}

describe('the emulator in a child process, under the kill fault', () => {
  it('--fsync always: kills and restarts lose no acknowledged write, and the history stays linearizable', async () => {
    const { history, kills, downed } = await killRun(['--fsync', 'always'], 700);
    expect(kills).toBeGreaterThanOrEqual(2);
    expect(downed).toBe(false);
    // Work went on after the last restart.
    const lastStop = history.nemesis.filter((e) => e.f === 'stop-kill').at(-1)!;
    expect(history.ops.some((o) => o.type === 'ok' && o.invokeTime > lastStop.time)).toBe(true);
    expect(lostWrites.check(history)).toMatchObject({ valid: true, lostWrites: 0 });
    expect((await linearizable.check(history)).valid).toBe(true);
  });

  it('--ack-before-durable 5000: the kill loses writes it had acknowledged, and lost-writes finds them', async () => {
    // lost-writes judges each key's last acknowledged write, so the run must end while the
    // server is down: one kill at 2 s, healed only when the workload stops at 4 s. (With
    // 0.7 s periods, whether the last period is a kill depends on how long restarts take, and
    // writes after a restart overwrite what the kills lost.)
    const { history, kills } = await killRun(['--ack-before-durable', '5000'], 2000);
    expect(kills).toBe(1);
    // Every write was acknowledged within 5 s before the kill: none was on disk.
    const r = lostWrites.check(history);
    expect(r.valid).toBe(false);
    // Not every key: a key whose last write was a delete, or was cut off by the kill, has no acknowledged last write to lose.
    expect(r.lostWrites as number).toBeGreaterThan(0);
  });

  it('the same schedule with --fsync always loses nothing: the loss above is the knob, not the schedule', async () => {
    const { history, kills } = await killRun(['--fsync', 'always'], 2000);
    expect(kills).toBe(1);
    expect(lostWrites.check(history)).toMatchObject({ valid: true, lostWrites: 0 });
  });
});
