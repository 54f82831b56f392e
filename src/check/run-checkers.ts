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

/**
 * Runs the checkers over a history and folds their verdicts: results.json's content. All are
 * started before any is awaited: a checker that hands its work to other threads (the
 * linearizability checker of a big file) goes on there while this thread runs the others.
 */
export async function runCheckers(history: History, checkers: readonly Checker[], complete: boolean, options?: CheckOptions): Promise<Results> {
  const started: (CheckResult | Promise<CheckResult>)[] = [];
  // Those that hand their work to threads first: it then overlaps this thread's (the results are the same in any order).
  const order = options?.threads ? [...checkers.keys()].sort((a, b) => Number(!checkers[a]!.handsOff) - Number(!checkers[b]!.handsOff)) : [...checkers.keys()];
  for (const i of order) started[i] = checkers[i]!.check(history, options);
  // Awaited in order below: one that fails while an earlier one is awaited is not unhandled.
  for (const s of started) Promise.resolve(s).catch(() => {});
  const results: Record<string, CheckResult> = {};
  for (const [i, checker] of checkers.entries()) results[checker.name] = await started[i]!;
  return foldResults(results, complete, history.ops.length, historyStats(history));
}

/** The checkers' results as one verdict, with the history's figures. */
export function foldResults(results: Record<string, CheckResult>, complete: boolean, opCount: number, stats: HistoryStats): Results {
  const verdicts: Validity[] = Object.values(results).map((r) => r.valid);
  if (!complete) verdicts.push('unknown');
  // No op, no evidence: "valid" would claim what nothing showed.
  const empty = opCount === 0;
  if (empty) verdicts.push('unknown');
  return { valid: combineValidity(verdicts), complete, ...(empty ? { reason: 'nothing to check: the history holds no operations' } : {}), checkers: results, stats };
}
