// The linearizability checker: split the history by the model's partition key
// (P-compositionality), decide each part on its own, fold the verdicts.

import type { History, Op } from '../../src/history/event.js';
import { combineValidity, type Anomaly, type CheckOptions, type CheckResult, type Checker } from '../checker.js';
import { toAnomaly } from '../explain.js';
import { checkPartition, DEFAULT_BUDGET, type Budget, type Counterexample, type PartitionResult } from './partition.js';
import { getHints, getModel } from './registry.js';

export { checkPartition, DEFAULT_BUDGET } from './partition.js';
export type { Budget, Counterexample, PartitionResult } from './partition.js';
export { getModel, loadModel, loadModels, modelNames } from './registry.js';

export interface LinearizableOptions {
  /** Model name from the registry; default `register`. */
  model?: string;
  budget?: Partial<Budget>;
  /** Overall time allowed for the whole check, in ms (partitions left then are unknown). */
  totalTimeoutMs?: number;
  /**
   * Once a partition is found not linearizable the overall verdict is settled, so the partitions
   * still to check get this (smaller) budget; hard ones may then be unknown. Its timeoutMs is
   * for all of them together (from the first failure on), not for each. null: full budget.
   * Default { timeoutMs: 10, maxStates: 50000 }. Partitions are checked smallest first.
   */
  afterFailure?: Partial<Budget> | null;
}

export const DEFAULT_AFTER_FAILURE: Partial<Budget> = { timeoutMs: 10, maxStates: 50_000 };

/** Splits ops by the model's partition key, keeping invocation order; keys sorted. */
export function partitionOps(modelName: string, ops: readonly Op[]): Map<string, Op[]> {
  const partition = getHints(modelName).partition ?? (() => '');
  const parts = new Map<string, Op[]>();
  for (const op of ops) {
    const k = partition(op);
    let list = parts.get(k);
    if (!list) {
      list = [];
      parts.set(k, list);
    }
    list.push(op);
  }
  return new Map([...parts.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)));
}

/** Why a partition checked after another failed may be unknown. */
export const REDUCED_BUDGET = '(reduced budget: another partition was already found not linearizable)';

/**
 * The budget of each partition, and the reduced one of those checked after a failure (null:
 * none), from now: one place for it, whichever thread checks the partitions.
 */
export function budgetsOf(options: LinearizableOptions): { full: Budget; reduced: Budget | null } {
  const b: Budget = { ...DEFAULT_BUDGET, ...options.budget };
  if (options.totalTimeoutMs !== undefined) {
    const d = Date.now() + options.totalTimeoutMs;
    b.deadline = b.deadline === undefined ? d : Math.min(b.deadline, d);
  }
  const after = options.afterFailure === undefined ? DEFAULT_AFTER_FAILURE : options.afterFailure;
  const reduced: Budget | null = after ? { ...b, ...after } : null;
  if (reduced) {
    reduced.timeoutMs = Math.min(reduced.timeoutMs, b.timeoutMs);
    reduced.maxStates = Math.min(reduced.maxStates, b.maxStates);
    reduced.maxCacheBytes = Math.min(reduced.maxCacheBytes, b.maxCacheBytes);
  }
  return { full: b, reduced };
}

export function createLinearizableChecker(options: LinearizableOptions = {}): Checker {
  const modelName = options.model ?? 'register';
  const model = getModel(modelName);
  return {
    name: 'linearizable',
    description: `linearizability of every ${modelName === 'cas-register' ? 'register' : 'key'} against the ${modelName} model (${model.description})`,
    check(history: History, checkOptions?: CheckOptions): CheckResult {
      const t0 = performance.now();
      const { full: b, reduced } = budgetsOf(options);
      const parts = [...partitionOps(modelName, history.ops).values()];
      const order = parts.map((_, i) => i).sort((x, y) => parts[x]!.length - parts[y]!.length || x - y);
      const results: PartitionResult[] = new Array(parts.length);
      let failed = false;
      let reducedCount = 0;
      for (const i of order) {
        const r = checkPartition(modelName, parts[i]!, failed && reduced ? reduced : b);
        if (r.valid === false && !failed && reduced) {
          const d = Date.now() + reduced.timeoutMs;
          reduced.deadline = reduced.deadline === undefined ? d : Math.min(reduced.deadline, d);
        }
        if (failed && reduced) {
          reducedCount++;
          if (r.valid === 'unknown') r.reason = `${r.reason} ${REDUCED_BUDGET}`;
        }
        if (r.valid === false) failed = true;
        results[i] = r;
      }
      const out = summarize(modelName, results, checkOptions, performance.now() - t0);
      if (reducedCount > 0) out.reducedBudgetPartitions = reducedCount;
      return out;
    },
  };
}

/** The checker with the register model and the default budget. */
export const linearizable: Checker = createLinearizableChecker();

/** Folds per-partition results into one CheckResult (also used when partitions run elsewhere). */
export function summarize(modelName: string, results: readonly PartitionResult[], options?: CheckOptions, ms = 0): CheckResult {
  const max = options?.maxAnomalies ?? Infinity;
  const valid = combineValidity(results.map((r) => r.valid));
  const anomalies: Anomaly[] = [];
  const counterexamples: Counterexample[] = [];
  let omitted = 0;
  const partitions = { total: results.length, linearizable: 0, notLinearizable: 0, unknown: 0 };
  const fastPath = { decided: 0, searched: 0, skippedReasons: {} as Record<string, number> };
  const dropped = { failed: 0, indeterminateReads: 0, unobservedInfoWrites: 0, ignored: 0 };
  const unknownPartitions: { key: string; reason: string }[] = [];
  let states = 0;
  for (const r of results) {
    if (r.valid === true) partitions.linearizable++;
    else if (r.valid === false) partitions.notLinearizable++;
    else partitions.unknown++;
    if (r.method === 'fast') fastPath.decided++;
    if (r.method === 'search') fastPath.searched++;
    if (r.fastPathSkipped) fastPath.skippedReasons[r.fastPathSkipped] = (fastPath.skippedReasons[r.fastPathSkipped] ?? 0) + 1;
    for (const k of Object.keys(dropped) as (keyof typeof dropped)[]) dropped[k] += r.dropped[k];
    states += r.states;
    if (r.valid === 'unknown' && unknownPartitions.length < 100) unknownPartitions.push({ key: r.key, reason: r.reason ?? 'unknown' });
    if (r.valid === false && r.counterexample) {
      if (anomalies.length >= max) {
        omitted++;
        continue;
      }
      const cx = r.counterexample;
      const ops = cx.window ? cx.window.ops.map((o) => o.index) : cx.stuck.map((o) => o.index);
      anomalies.push(toAnomaly(cx.evidence, ops));
      counterexamples.push(cx);
    }
  }
  const out: CheckResult = {
    valid,
    anomalies,
    model: modelName,
    partitions,
    fastPath,
    dropped,
    states,
    ms: Math.round(ms),
    counterexamples,
  };
  if (dropped.ignored > 0) out.summary = `${dropped.ignored.toLocaleString('en-US')} op${dropped.ignored === 1 ? '' : 's'} that the ${modelName} model does not know ignored`;
  if (omitted > 0) out.anomaliesOmitted = omitted;
  if (unknownPartitions.length > 0) out.unknownPartitions = unknownPartitions;
  if (valid === 'unknown') {
    out.reason = `${partitions.unknown} of ${partitions.total} partition(s) could not be decided within the budget (${unknownPartitions[0]?.reason ?? ''})`;
  }
  return out;
}
