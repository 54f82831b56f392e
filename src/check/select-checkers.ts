import type { Checker } from '../../checkers/checker.js';
import { checkers as registry } from '../../checkers/registry.js';
import { FINAL_PHASE } from '../history/op-values.js';
import { PART_SEPARATOR } from '../history/parts.js';
import { onPart } from './part-checker.js';
import { workloads } from '../../workloads/registry.js';
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

/**
 * The linearizability checks among the named checkers, each with the model it checks against
 * and the keys it takes: the history's (`part` absent) or a mixed run's part's (`<part>/…`).
 */
export function linearizableChecks(names: readonly string[], settings: CheckerSettings = {}): { name: string; model: string; part?: string }[] {
  return names.flatMap((name) => {
    if (name === 'linearizable') return [{ name, model: settings.model ?? 'register' }];
    const cut = name.indexOf(PART_SEPARATOR);
    if (cut <= 0 || name.slice(cut + 1) !== 'linearizable') return [];
    const part = name.slice(0, cut);
    return [{ name, model: workloads.get(part)?.model ?? 'register', part }];
  });
}

/**
 * The named checkers, configured: the registry's instances unless settings change them. A name
 * `<part>:<checker>` (the mixed workload's) is that checker over the ops of the part's keys
 * (`<part>/…`), with the part's linearizability model.
 */
export function selectCheckers(names: readonly string[], settings: CheckerSettings = {}): Checker[] {
  return names.map((name) => {
    const cut = name.indexOf(PART_SEPARATOR);
    if (cut > 0) {
      const part = name.slice(0, cut);
      const [inner] = selectCheckers([name.slice(cut + 1)], { model: workloads.get(part)?.model, checkTimeoutS: settings.checkTimeoutS });
      return onPart(part, inner!);
    }
    if (name === 'linearizable' && (settings.model !== undefined || settings.checkTimeoutS !== undefined)) return linearizableChecker(settings);
    const checker = registry.get(name);
    if (!checker) throw new Error(`no checker named ${name}`);
    return checker;
  });
}
