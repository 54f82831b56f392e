import { combineValidity, type CheckOptions, type CheckResult, type Checker, type Validity } from '../../checkers/checker.js';
import type { History } from '../history/event.js';
import { historyStats, type HistoryStats } from '../history/stats.js';

/** What a baseline (baseline.ts) made of one run's results. */
export interface BaselineOutcome {
  file: string;
  known: number;
  new: number;
  /** The verdict with the known anomalies forgiven: what the exit code follows. */
  valid: Validity;
}

export interface Results {
  /** false if any checker found anomalies; otherwise unknown if any could not decide or the run was incomplete. */
  valid: Validity;
  complete: boolean;
  /** Why the verdict is unknown when no checker is to blame (an empty history). */
  reason?: string;
  checkers: Record<string, CheckResult>;
  stats: HistoryStats;
  /** With --baseline: how many anomalies it knew, how many are new, and the verdict with the known forgiven. */
  baseline?: BaselineOutcome;
}

/** Runs the checkers over a history and folds their verdicts: results.json's content. */
export async function runCheckers(history: History, checkers: readonly Checker[], complete: boolean, options?: CheckOptions): Promise<Results> {
  const results: Record<string, CheckResult> = {};
  for (const checker of checkers) results[checker.name] = await checker.check(history, options);
  const verdicts: Validity[] = Object.values(results).map((r) => r.valid);
  if (!complete) verdicts.push('unknown');
  // No op, no evidence: "valid" would claim what nothing showed.
  const empty = history.ops.length === 0;
  if (empty) verdicts.push('unknown');
  return { valid: combineValidity(verdicts), complete, ...(empty ? { reason: 'nothing to check: the history holds no operations' } : {}), checkers: results, stats: historyStats(history) };
}
