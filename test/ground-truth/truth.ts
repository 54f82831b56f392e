// What really happened, from the emulator's log, in the terms the checkers use.
import type { Op } from '../../src/history/event.js';
import type { GroundTruthRun } from './harness.js';

const MS = 1e6;

export interface VisibilitySample {
  read: Op;
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
    samples.push({ read, t: read.invokeTime - latest.completeTime!, serverT: r.startNs - w.endNs, consistent, returnedConsistent, overlapping });
  }
  return { samples, skipped, why };
}

/** The visibility checker's raw bin edges (ns): [0, 0.1 ms), then eighths of a decade. */
export function binEdge(i: number): number {
  return i === 0 ? 0 : 1e5 * 10 ** ((i - 1) / 8);
}

function rawBin(t: number): number {
  if (t < 1e5) return 0;
  let i = 1 + Math.floor(8 * Math.log10(t / 1e5));
  while (i > 1 && t < binEdge(i)) i--;
  while (t >= binEdge(i + 1)) i++;
  return i;
}

/**
 * The q-window of a set of (t, consistent) samples by the visibility checker's documented rule:
 * bins of at least 1/(1 − q) samples, the lower edge of the first bin from which every bin is
 * ≥ q, never beyond the last inconsistent t once 1000 samples lie beyond it. In ms.
 */
export function windowOf(samples: readonly { t: number; consistent: boolean }[], q: number): number | null {
  const min = Math.max(30, Math.round(1 / (1 - q)));
  const raw = new Map<number, [number, number]>();
  let last = -1;
  for (const s of samples) {
    const b = rawBin(s.t);
    const c = raw.get(b) ?? [0, 0];
    c[0]++;
    if (s.consistent) c[1]++;
    else last = Math.max(last, s.t);
    raw.set(b, c);
  }
  const bins: { from: number; n: number; c: number }[] = [];
  let cur: { from: number; n: number; c: number } | null = null;
  for (const i of [...raw.keys()].sort((a, b) => a - b)) {
    const [n, c] = raw.get(i)!;
    cur ??= { from: binEdge(i), n: 0, c: 0 };
    cur.n += n;
    cur.c += c;
    if (cur.n >= min) {
      bins.push(cur);
      cur = null;
    }
  }
  if (cur && bins.length > 0) {
    bins[bins.length - 1]!.n += cur.n;
    bins[bins.length - 1]!.c += cur.c;
  } else if (cur) bins.push(cur);
  let from = bins.length;
  for (let i = bins.length - 1; i >= 0 && bins[i]!.c / bins[i]!.n >= q; i--) from = i;
  const beyond = samples.filter((s) => s.t > last).length;
  const cap = beyond >= 1000 ? Math.max(0, last) : Infinity;
  const binFrom = from === bins.length ? Infinity : from === 0 ? 0 : bins[from]!.from;
  const w = Math.min(cap, binFrom);
  return w === Infinity ? null : w / MS;
}
