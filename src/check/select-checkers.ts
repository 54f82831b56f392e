import type { Checker } from '../../checkers/checker.js';
import { checkers as registry } from '../../checkers/registry.js';
import { FINAL_PHASE } from '../history/op-values.js';
import { PART_SEPARATOR, partHistory } from '../history/parts.js';
import { workloads } from '../../workloads/registry.js';
import type { Workload } from '../../workloads/workload.js';
import type { History } from '../history/event.js';
import type { GroundTruthEvent } from '../history/ground-truth.js';
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

/** The checker over the ops of one part of a mixed run; events stay whole, so indices hold. */
function onPart(part: string, checker: Checker): Checker {
  return {
    name: `${part}${PART_SEPARATOR}${checker.name}`,
    description: `${checker.description} (the ${part} part's keys)`,
    check: (history, options) => checker.check(partHistory(history, part), options?.groundTruth ? { ...options, groundTruth: partTruth(options.groundTruth, part) } : options),
  };
}

/**
 * The ground truth a part's checkers see: events of the part's keys (`…/<part>/…` behind the
 * run's prefix) and those of no key (bucket-wide settings: a policy, versioning), not the other
 * parts' writes (a replicated register write is not a replication sample).
 */
function partTruth(events: readonly GroundTruthEvent[], part: string): GroundTruthEvent[] {
  const marker = `/${part}/`;
  return events.filter((e) => !('key' in e) || e.key === undefined || e.key.includes(marker));
}
