import { combineValidity, type CheckResult, type Validity } from '../../checkers/checker.js';
import { checkers as registry } from '../../checkers/registry.js';
import type { History } from '../history/event.js';
import { historyStats, type HistoryStats } from '../history/stats.js';

export interface Results {
  /** false if any checker found anomalies; otherwise unknown if any could not decide or the run was incomplete. */
  valid: Validity;
  complete: boolean;
  checkers: Record<string, CheckResult>;
  stats: HistoryStats;
}

/** Runs the named checkers over a history and folds their verdicts: results.json's content. */
export async function runCheckers(history: History, names: readonly string[], complete: boolean): Promise<Results> {
  const results: Record<string, CheckResult> = {};
  for (const name of names) {
    const checker = registry.get(name);
    if (!checker) throw new Error(`no checker named ${name}`);
    results[name] = await checker.check(history);
  }
  const verdicts: Validity[] = Object.values(results).map((r) => r.valid);
  if (!complete) verdicts.push('unknown');
  return { valid: combineValidity(verdicts), complete, checkers: results, stats: historyStats(history) };
}
