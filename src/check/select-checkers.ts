import type { Checker } from '../../checkers/checker.js';
import { checkers as registry } from '../../checkers/registry.js';
import { FINAL_PHASE } from '../../checkers/staleness/lost-writes.js';
import type { Workload } from '../../workloads/workload.js';
import type { History } from '../history/event.js';
import { linearizableChecker, type CheckerSettings } from './linearizable-checker.js';

export type { CheckerSettings } from './linearizable-checker.js';

/**
 * The checkers for a history of ours: its workload's (all of them when the workload is not
 * known), and lost-writes when the run had a final phase.
 */
export function checkerNamesFor(workload: Workload | undefined, history: History): string[] {
  const finalPhase = history.nemesis.some((e) => e.f === FINAL_PHASE);
  return [...(workload?.checkers ?? registry.keys()), ...(finalPhase ? ['lost-writes'] : [])];
}

/** The named checkers, configured: the registry's instances unless settings change them. */
export function selectCheckers(names: readonly string[], settings: CheckerSettings = {}): Checker[] {
  return names.map((name) => {
    if (name === 'linearizable' && (settings.model !== undefined || settings.checkTimeoutS !== undefined)) return linearizableChecker(settings);
    const checker = registry.get(name);
    if (!checker) throw new Error(`no checker named ${name}`);
    return checker;
  });
}
