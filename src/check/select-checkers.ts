import type { Checker } from '../../checkers/checker.js';
import { createLinearizableChecker } from '../../checkers/linearizable/index.js';
import { checkers as registry } from '../../checkers/registry.js';

export interface CheckerSettings {
  /** The linearizability checker's model (default register). */
  model?: string;
  /** Seconds the linearizability checker may take over the whole history; then undecided keys are unknown. */
  checkTimeoutS?: number;
}

/** The named checkers, configured: the registry's instances unless settings change them. */
export function selectCheckers(names: readonly string[], settings: CheckerSettings = {}): Checker[] {
  return names.map((name) => {
    if (name === 'linearizable' && (settings.model !== undefined || settings.checkTimeoutS !== undefined)) {
      return createLinearizableChecker({
        model: settings.model,
        totalTimeoutMs: settings.checkTimeoutS === undefined ? undefined : settings.checkTimeoutS * 1000,
      });
    }
    const checker = registry.get(name);
    if (!checker) throw new Error(`no checker named ${name}`);
    return checker;
  });
}
