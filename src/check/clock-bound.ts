// A merged run's anomalies at its clock bound (objcheck merge). Ops of one shard are timed on
// one monotonic clock; ops of different shards only to within their ε. An anomaly that involves
// ops of more than one shard, all within 2ε of each other, could be an artefact of the clocks:
// it is "not decidable at this clock bound", listed apart, never counted as a violation. This
// sits after the checkers, on their results, so no checker needs to know about clocks.
import { combineValidity, type Anomaly, type CheckResult, type Validity } from '../../checkers/checker.js';
import { READ_FS } from '../../checkers/staleness/register-index.js';
import { casArgs, isRefused } from '../history/conditional.js';
import type { History, Op } from '../history/event.js';
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
  return setApart(results, (a) => undecidableWhy(a, opAt, sources, epsilonMs), 'ops of several shards within 2ε');
}

/** A shard that did not end normally, as applyLostShardWrites needs it. */
export interface LostShard {
  /** Its --shard I/N. */
  index: number;
  count: number;
  /** Its last recorded event, unwidened, ns on the merged timeline (EventSource.timeNs); -Infinity when it recorded none. */
  lastNs: number;
}

/**
 * A shard that did not end normally (killed) may have sent ops whose lines it never flushed:
 * the store has their effects, the history does not. Two kinds of anomaly rest on such an op and
 * are set apart, never violations:
 * - a read of a value in the shard's value space (src/runner/shard.ts: i+1, n+i+1, 2n+i+1… for
 *   shard i of n) that no recorded op wrote: an unrecorded put or cas wrote it;
 * - an op that saw the key absent (a read of not-found) or was refused, ending after the shard's
 *   last recorded event (less 2ε, the most the clocks can reorder them by): an unrecorded delete
 *   or write of the shard explains it. Those carry no value to trace, so only time can tell.
 * `sources` and `maxEpsilonMs` are the merge's (EventSource, the largest shard ε).
 */
export function applyLostShardWrites(results: Results, history: History, incomplete: readonly LostShard[], sources: readonly EventSource[], maxEpsilonMs: number): Results {
  if (incomplete.length === 0) return results;
  const written = new Set<unknown>();
  for (const op of history.ops) written.add(casArgs(op)?.[1] ?? op.invokeValue);
  const opAt = new Map(history.ops.map((op) => [op.invokeIndex, op]));
  const lostWith = (v: unknown) =>
    typeof v === 'number' && Number.isSafeInteger(v) && v >= 1 && !written.has(v) ? incomplete.find((s) => (v - s.index - 1) % s.count === 0) : undefined;
  const marginNs = 2 * maxEpsilonMs * 1e6;
  const sawAbsentOrRefused = (op: Op) => op.type === 'ok' && ((op.value === null && READ_FS.has(op.f)) || isRefused(op));
  const endNs = (op: Op) => (op.completeIndex === null ? Infinity : (sources[op.completeIndex]?.timeNs ?? Infinity));
  return setApart(
    results,
    (a) => {
      for (const i of a.ops) {
        const op = opAt.get(i);
        const shard = op?.type === 'ok' ? lostWith(op.value) : undefined;
        if (shard) return `it reads ${String(op!.value)}, a value of shard-${shard.index}, which did not end normally: a write of it may have reached the store but not its history`;
      }
      for (const i of a.ops) {
        const op = opAt.get(i);
        if (!op || !sawAbsentOrRefused(op)) continue;
        const end = endNs(op);
        const after = incomplete.find((s) => end >= s.lastNs - marginNs);
        if (after) {
          const saw = isRefused(op) ? 'was refused' : 'found the key absent';
          return `its ${op.f} of ${op.key ?? 'the key'} ${saw} after shard-${after.index}'s last recorded event (within 2ε); that shard did not end normally: a delete or write of it may have reached the store but not its history`;
        }
      }
      return undefined;
    },
    'ops a shard that did not end normally may have sent unrecorded',
  );
}

/**
 * The results with the anomalies `why` names moved to their checker's `undecidable` list. A
 * checker left with no anomaly (and none omitted) is then unknown, not invalid; the overall
 * verdict is folded again.
 */
function setApart(results: Results, why: (a: Anomaly) => string | undefined, because: string): Results {
  const verdicts: Validity[] = [];
  const checkers: Record<string, CheckResult> = {};
  for (const [name, r] of Object.entries(results.checkers)) {
    const kept: Anomaly[] = [];
    const undecidable: UndecidableAnomaly[] = [...((r.undecidable as UndecidableAnomaly[] | undefined) ?? [])];
    const before = undecidable.length;
    for (const a of r.anomalies) {
      const w = why(a);
      if (w) undecidable.push({ ...a, undecidable: w });
      else kept.push(a);
    }
    if (undecidable.length === before) {
      checkers[name] = r;
      verdicts.push(r.valid);
      continue;
    }
    const omitted = typeof r.anomaliesOmitted === 'number' && r.anomaliesOmitted > 0;
    const valid: Validity = r.valid === false && kept.length === 0 && !omitted ? 'unknown' : r.valid;
    const n = undecidable.length - before;
    const reason = `${n} anomal${n === 1 ? 'y' : 'ies'} ${UNDECIDABLE} (${because})`;
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
