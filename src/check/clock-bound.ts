// A merged run's anomalies at its clock bound (objcheck merge). Ops of one shard are timed on
// one monotonic clock; ops of different shards only to within their ε. An anomaly that involves
// ops of more than one shard, all within 2ε of each other, could be an artefact of the clocks:
// it is "not decidable at this clock bound", listed apart, never counted as a violation. This
// sits after the checkers, on their results, so no checker needs to know about clocks.
import { combineValidity, type Anomaly, type CheckResult, type Validity } from '../../checkers/checker.js';
import type { History } from '../history/event.js';
import type { EventSource } from '../history/merge.js';
import type { Results } from './run-checkers.js';

export const UNDECIDABLE = 'not decidable at this clock bound';

/** An anomaly set apart: why, with the span of its ops and the bound it is held to. */
export interface UndecidableAnomaly extends Anomaly {
  undecidable: string;
}

/**
 * The results with every anomaly whose ops are from several shards and within 2ε (the largest
 * ε of their shards) moved to the checker's `undecidable` list. A checker left with no anomaly
 * (and none omitted) is then unknown, not invalid; the overall verdict is folded again.
 */
export function applyClockBound(results: Results, history: History, sources: readonly EventSource[], epsilonMs: readonly number[]): Results {
  const opAt = new Map(history.ops.map((op) => [op.invokeIndex, op]));
  const verdicts: Validity[] = [];
  const checkers: Record<string, CheckResult> = {};
  for (const [name, r] of Object.entries(results.checkers)) {
    const kept: Anomaly[] = [];
    const undecidable: UndecidableAnomaly[] = [];
    for (const a of r.anomalies) {
      const why = undecidableWhy(a, opAt, sources, epsilonMs);
      if (why) undecidable.push({ ...a, undecidable: why });
      else kept.push(a);
    }
    if (undecidable.length === 0) {
      checkers[name] = r;
      verdicts.push(r.valid);
      continue;
    }
    const omitted = typeof r.anomaliesOmitted === 'number' && r.anomaliesOmitted > 0;
    const valid: Validity = r.valid === false && kept.length === 0 && !omitted ? 'unknown' : r.valid;
    const reason = `${undecidable.length} anomal${undecidable.length === 1 ? 'y' : 'ies'} ${UNDECIDABLE} (ops of several shards within 2ε)`;
    checkers[name] = { ...r, valid, anomalies: kept, undecidable, ...(valid === 'unknown' ? { reason: r.reason ? `${r.reason}; ${reason}` : reason } : {}) };
    verdicts.push(valid);
  }
  if (!results.complete) verdicts.push('unknown');
  if (results.reason !== undefined) verdicts.push('unknown');
  return { ...results, valid: combineValidity(verdicts), checkers };
}

/** Why the anomaly is not decidable at the bound, or undefined when it is (one shard, or ops far enough apart). */
function undecidableWhy(a: Anomaly, opAt: Map<number, History['ops'][number]>, sources: readonly EventSource[], epsilonMs: readonly number[]): string | undefined {
  const shards = new Set<number>();
  let first = Infinity;
  let last = -Infinity;
  for (const i of a.ops) {
    const op = opAt.get(i);
    const from = sources[i];
    if (!op || !from) return undefined;
    shards.add(from.shard);
    first = Math.min(first, from.timeNs);
    last = Math.max(last, op.completeIndex === null ? from.timeNs : (sources[op.completeIndex]?.timeNs ?? from.timeNs));
  }
  if (shards.size < 2) return undefined;
  const eps = Math.max(...[...shards].map((s) => epsilonMs[s] ?? 0));
  const spanMs = (last - first) / 1e6;
  return spanMs <= 2 * eps ? `its ops (shards ${[...shards].sort().join(', ')}) span ${spanMs.toFixed(2)} ms, within 2ε = ${(2 * eps).toFixed(2)} ms` : undefined;
}
