import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { History } from '../../src/history/event.js';
import { readHistory } from '../../src/history/read.js';
import { Recorder } from '../../src/history/recorder.js';
import { runFinalPhase } from '../../src/runner/final-phase.js';
import { runWorkers, type Progress, type RunLimits } from '../../src/runner/run-workers.js';
import type { Target, TargetOptions } from '../../src/targets/target.js';
import { registerWorkload } from '../../workloads/register.js';
import type { Workload } from '../../workloads/workload.js';

export interface TestRun {
  target: Target;
  limits: RunLimits;
  concurrency?: number;
  keys?: number;
  /** The cache workload's max-age, seconds. */
  maxAge?: number;
  seed?: number;
  valueSize?: number;
  workload?: Workload;
  targetOptions?: Partial<TargetOptions>;
  /** The history's clock origin (default: when the recorder starts), e.g. shared with the emulator's ground truth. */
  origin?: bigint;
  /** Run the final phase after the workload. */
  finalPhase?: { quiesceMs: number };
}

/** A real run in this process, recorded to a temporary file and read back as a History. */
export async function recordRun(spec: TestRun): Promise<History> {
  delete process.env.AWS_CA_BUNDLE;
  const concurrency = spec.concurrency ?? 5;
  const opened = await spec.target.open({ prefix: 'objcheck/test/', seed: spec.seed ?? 1, opTimeoutMs: 2000, concurrency, latencyMs: 0, ...spec.targetOptions });
  const file = join(mkdtempSync(join(tmpdir(), 'objcheck-run-')), 'history.jsonl');
  const recorder = new Recorder(file, spec.origin !== undefined ? { origin: spec.origin } : {});
  const progress: Progress = { started: 0, ok: 0, fail: 0, info: 0, late: 0 };
  try {
    const outcome = await runWorkers(
      {
        workload: spec.workload ?? registerWorkload,
        client: opened.client,
        recorder,
        concurrency,
        limits: spec.limits,
        opTimeoutMs: 2000,
        seed: spec.seed ?? 1,
        keys: spec.keys ?? 3,
        ...(spec.maxAge !== undefined ? { tuning: { maxAge: spec.maxAge } } : {}),
        valueSize: spec.valueSize,
        stop: new AbortController().signal,
      },
      progress,
    );
    if (spec.finalPhase) {
      await runFinalPhase({
        workload: spec.workload ?? registerWorkload,
        client: opened.client,
        recorder,
        processes: outcome.processes,
        seed: spec.seed ?? 1,
        keys: spec.keys ?? 3,
        quiesceMs: spec.finalPhase.quiesceMs,
        convergeTimeoutMs: 5000,
        opTimeoutMs: 2000,
        stop: new AbortController().signal,
      });
    }
  } finally {
    recorder.close();
    await opened.close();
  }
  return readHistory(file);
}
