// The checkers of a workload as a run configures them (its linearizability model included).
import type { CheckResult } from '../../checkers/checker.js';
import { selectCheckers } from '../../src/check/select-checkers.js';
import type { History } from '../../src/history/event.js';
import { emulatorTarget } from '../../src/targets/emulator.js';
import { workloadFor } from '../../workloads/registry.js';
import type { Workload } from '../../workloads/workload.js';
import { recordRun } from '../helpers/run.js';

/** Every checker the workload names, over the history. */
export async function checkAll(workload: Workload, history: History): Promise<Record<string, CheckResult>> {
  const out: Record<string, CheckResult> = {};
  for (const checker of selectCheckers(workload.checkers, { model: workload.model })) out[checker.name] = await checker.check(history);
  return out;
}

/**
 * A mixed run (register, cas, lock, metadata) on an emulator that serves stale reads and
 * ignores conditions: every part has anomalies of its own.
 */
export async function faultyMixedRun(): Promise<{ mixed: Workload; h: History }> {
  const mixed = workloadFor('mixed', 'register=3,cas=1,lock=1,metadata=1');
  const h = await recordRun({
    target: emulatorTarget,
    workload: mixed,
    limits: { ops: 1500 },
    concurrency: 5,
    keys: 3,
    seed: 4,
    targetOptions: { emulatorFlags: ['--consistency', 's3-legacy', '--stale-window', '50:150', '--negative-cache-window', '0:0', '--ignore-conditions'] },
  });
  return { mixed, h };
}

/** The verdicts alone, for one readable expectation. */
export function verdicts(results: Record<string, CheckResult>): Record<string, CheckResult['valid']> {
  return Object.fromEntries(Object.entries(results).map(([n, r]) => [n, r.valid]));
}
