// What really happened, from the emulator's log, in the terms the checkers use.
import { isotonicFit, levelCrossing } from '../../checkers/staleness/monotone-curve.js';
import type { Op } from '../../src/history/event.js';
import type { GroundTruthRun } from './harness.js';

const MS = 1e6;

export interface VisibilitySample {
  read: Op;
  /** The latest write to its key completed before it began. */
  write: Op;
  /** ns: read start − completion of the latest write to its key completed before it began (the checker's t). */
  t: number;
  /** ns, as the server saw it: the read's arrival − the write's acknowledgement. */
  serverT: number;
  /** The replica that served the read had that write, or a newer one, applied when it served it. */
  consistent: boolean;
  /** The latest write overlapped another write of the key: the checker may then not call it stale. */
  overlapping: boolean;
  /** The same, judged from the write id the emulator says it returned. */
  returnedConsistent: boolean;
}

/**
 * The true t-visibility samples: every ok read that began after some ok write to its key had
 * completed, with the checker's t, judged by the replicas' real state. Reads or writes the
 * emulator's log could not be paired with are skipped and counted.
 */
export function visibilitySamples(run: GroundTruthRun): { samples: VisibilitySample[]; skipped: number; why: Record<string, number> } {
  const { history, truthOf, applies } = run;
  const writes = new Map<string, Op[]>();
  for (const op of history.ops) {
    if (op.type !== 'ok' || op.key === undefined || (op.f !== 'put' && op.f !== 'delete')) continue;
    const l = writes.get(op.key);
    if (l) l.push(op);
    else writes.set(op.key, [op]);
  }
  for (const l of writes.values()) l.sort((a, b) => a.completeIndex! - b.completeIndex!);
  // Writes of each key by write id, to find "that write or a newer one" on a replica.
  const idsOfKey = new Map<string, number[]>();
  const deleteIds = new Set<number>();
  for (const op of history.ops) {
    const w = truthOf.get(op.invokeIndex);
    if (!w || op.key === undefined || (op.f !== 'put' && op.f !== 'delete') || typeof w.writeId !== 'number') continue;
    if (op.f === 'delete') deleteIds.add(w.writeId);
    const l = idsOfKey.get(op.key);
    if (l) l.push(w.writeId);
    else idsOfKey.set(op.key, [w.writeId]);
  }
  const samples: VisibilitySample[] = [];
  let skipped = 0;
  const why: Record<string, number> = {};
  for (const read of history.ops) {
    if (read.type !== 'ok' || read.f !== 'get' || read.key === undefined) continue;
    const ws = writes.get(read.key) ?? [];
    let latest: Op | undefined;
    for (const w of ws) if (w.completeIndex! < read.invokeIndex) latest = w;
    if (!latest) continue;
    const r = truthOf.get(read.invokeIndex);
    const w = truthOf.get(latest.invokeIndex);
    const replica = r?.replicas?.[0];
    if (!r || !w || typeof w.writeId !== 'number' || (replica === undefined && r.servedBy === undefined)) {
      skipped++;
      const reason = !r ? 'read unpaired' : !w ? `${latest.f} unpaired` : 'no replica';
      why[reason] = (why[reason] ?? 0) + 1;
      continue;
    }
    const wid = w.writeId;
    // Write ids grow in arrival order; the workloads here never overlap two writes of a key,
    // so a larger id of the same key is a newer version.
    const newer = (idsOfKey.get(read.key) ?? []).filter((id) => id >= wid);
    // Answered from a cache (servedBy), not a replica: judged by what it returned.
    // When the replica was read: exactly, where the model says (quorum), else by the answer's end.
    const readAt = r.readAtNs?.[0] ?? r.endNs;
    const consistent = replica !== undefined && newer.some((id) => (applies.get(id) ?? []).some((a) => a.replica === replica && a.atNs <= readAt));
    // After a delete, not-found is the latest state, wherever it came from.
    // A not-found also reflects a newer delete that had reached the store when it answered.
    const newerDelete = newer.some((id) => deleteIds.has(id) && (applies.get(id) ?? []).some((a) => (replica === undefined || a.replica === replica) && a.atNs <= readAt));
    const returnedConsistent = (typeof r.writeId === 'number' && r.writeId >= wid) || (r.writeId === null && (latest.f === 'delete' || newerDelete));
    const l = latest;
    const overlapping = ws.some((o) => o !== l && o.invokeIndex < l.completeIndex! && o.completeIndex! > l.invokeIndex);
    samples.push({ read, write: latest, t: read.invokeTime - latest.completeTime!, serverT: r.startNs - w.endNs, consistent, returnedConsistent, overlapping });
  }
  return { samples, skipped, why };
}

/**
 * The q-window of a set of true samples by the visibility checker's documented rule: leaving out
 * reads of a write that overlapped another, the t at which the isotonic fit of P(consistent | t)
 * reaches q (interpolated; 0 when it starts there), but never beyond the last inconsistent t once
 * reads of 3/(1 − q) distinct writes lie beyond it; null when the fit never reaches q, or fewer
 * than 1/(1 − q) reads lie at or beyond the window. In ms.
 */
export function windowOf(all: readonly VisibilitySample[], q: number): number | null {
  const samples = all.filter((s) => !s.overlapping);
  let last = -1;
  for (const s of samples) if (!s.consistent) last = Math.max(last, s.t);
  const after = samples.filter((s) => s.t > last);
  const cap = new Set(after.map((s) => s.write)).size >= 3 / (1 - q) ? Math.max(0, last) : Infinity;
  const crossing = levelCrossing(isotonicFit(samples), q) ?? Infinity;
  if (cap <= crossing) return cap === Infinity ? null : cap / MS;
  return samples.filter((s) => s.t >= crossing).length >= Math.round(1 / (1 - q)) ? crossing / MS : null;
}
