import type { Checker } from '../../checkers/checker.js';
import { createLinearizableChecker } from '../../checkers/linearizable/index.js';

export interface CheckerSettings {
  /** The linearizability checker's model (default register). */
  model?: string;
  /** Seconds the linearizability checker may take over the whole history; then undecided keys are unknown. */
  checkTimeoutS?: number;
}

/**
 * The linearizability checker configured by the settings. In a module of its own, without the
 * checker registry, so that checking another tool's history loads only this checker.
 */
export function linearizableChecker(settings: CheckerSettings): Checker {
  return createLinearizableChecker({
    model: settings.model,
    totalTimeoutMs: settings.checkTimeoutS === undefined ? undefined : settings.checkTimeoutS * 1000,
  });
}
