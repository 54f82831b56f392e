// The checkers of a workload as a run configures them (its linearizability model included).
import type { CheckResult } from '../../checkers/checker.js';
import { selectCheckers } from '../../src/check/select-checkers.js';
import type { History } from '../../src/history/event.js';
import type { Workload } from '../../workloads/workload.js';

/** Every checker the workload names, over the history. */
export async function checkAll(workload: Workload, history: History): Promise<Record<string, CheckResult>> {
  const out: Record<string, CheckResult> = {};
  for (const checker of selectCheckers(workload.checkers, { model: workload.model })) out[checker.name] = await checker.check(history);
  return out;
}

/** The verdicts alone, for one readable expectation. */
export function verdicts(results: Record<string, CheckResult>): Record<string, CheckResult['valid']> {
  return Object.fromEntries(Object.entries(results).map(([n, r]) => [n, r.valid]));
}
