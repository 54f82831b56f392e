// t-visibility samples as the store saw them, from a target's ground truth (the emulator's
// ground-truth.jsonl), the way PBS defines them: t = when the read reached the store (the
// coordinator sent it to the replicas) − when the latest write of its key committed there (its
// W-th acknowledgement), and "consistent" = the read returned that write or a newer one. No
// client legs, no timer rounding: exact times on the store's clock. Pure: events in, samples out.

import type { GroundTruthEvent } from '../../src/history/ground-truth.js';
import type { CurveSample } from './monotone-curve.js';

type TruthOp = Extract<GroundTruthEvent, { kind: 'op' }>;

export interface StoreSideSample extends CurveSample {
  /** ns on the store's clock. */
  t: number;
  consistent: boolean;
  key: string;
  /** The write the read is measured against. */
  writeId: number;
  /** When the read reached the store (ns on the history's clock). */
  atNs: number;
}

export interface StoreSideSamples {
  samples: StoreSideSample[];
  /** Reads after a committed write that were left out, by reason. */
  leftOut: Record<string, number>;
  /** Reads of a key before any write of it had committed (no sample). */
  beforeAnyWrite: number;
}

const WRITES = new Set(['PutObject', 'DeleteObject', 'CopyObject', 'CompleteMultipartUpload']);

/**
 * Every successful GetObject that reached the store after a successful write of its key had
 * committed is one sample, against the latest such write. Reads of a write that overlapped
 * another write of its key (at the store) are left out: which version is "the latest" is then
 * ambiguous. Write ids grow in order of arrival, so "that write or a newer one" is an id at least
 * as large; after a delete, a read that finds nothing is consistent. Only ops on keys starting with `prefix` (the run's own) count.
 */
export function storeSideSamples(events: readonly GroundTruthEvent[], prefix = ''): StoreSideSamples {
  const writes = new Map<string, { id: number; deletes: boolean; startNs: number; commitNs: number }[]>();
  const reads: TruthOp[] = [];
  for (const e of events) {
    // The harness's own objects (the preflight's .objcheck-* keys) are not the workload's.
    if (e.kind !== 'op' || e.key === undefined || !e.key.startsWith(prefix) || e.key.includes('/.objcheck-')) continue;
    if (WRITES.has(e.op) && e.status < 300 && typeof e.writeId === 'number') {
      const l = writes.get(e.key) ?? [];
      if (l.length === 0) writes.set(e.key, l);
      l.push({ id: e.writeId, deletes: e.op === 'DeleteObject', startNs: e.startNs, commitNs: e.committedAtNs ?? e.endNs });
      // A read that found nothing (404) is an answer too: stale when a write had committed.
    } else if (e.op === 'GetObject' && (e.status < 300 || e.status === 404)) reads.push(e);
  }
  const overlapping = new Set<number>();
  for (const l of writes.values()) {
    l.sort((a, b) => a.commitNs - b.commitNs);
    // A write overlaps another when either began before the other committed.
    let reach = -Infinity;
    let reachId = -1;
    for (const w of l) {
      if (w.startNs < reach) {
        overlapping.add(w.id);
        overlapping.add(reachId);
      }
      if (w.commitNs > reach) {
        reach = w.commitNs;
        reachId = w.id;
      }
    }
  }
  const samples: StoreSideSample[] = [];
  const leftOut: Record<string, number> = {};
  let beforeAnyWrite = 0;
  for (const r of reads) {
    const l = writes.get(r.key!);
    const at = r.startedAtNs ?? r.startNs;
    const w = l === undefined ? undefined : latestBefore(l, at);
    if (w === undefined) {
      beforeAnyWrite++;
      continue;
    }
    if (overlapping.has(w.id)) {
      leftOut['its write overlapped another'] = (leftOut['its write overlapped another'] ?? 0) + 1;
      continue;
    }
    // After a delete, finding nothing is the latest state (and so is any newer write).
    const consistent = typeof r.writeId === 'number' ? r.writeId >= w.id : w.deletes;
    samples.push({ t: at - w.commitNs, consistent, key: r.key!, writeId: w.id, atNs: at });
  }
  return { samples, leftOut, beforeAnyWrite };
}

/** The write that committed last at or before `at` (l sorted by commit time). */
function latestBefore<T extends { commitNs: number }>(l: readonly T[], at: number): T | undefined {
  let lo = 0;
  let hi = l.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (l[mid]!.commitNs <= at) lo = mid + 1;
    else hi = mid;
  }
  return lo === 0 ? undefined : l[lo - 1];
}
