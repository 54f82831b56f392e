import type { History, Op } from '../../src/history/event.js';
import { FINAL_PHASE } from '../../src/history/op-values.js';
import type { Anomaly, ByKey, CheckOptions, CheckResult, Checker } from '../checker.js';
import { evidenceOp } from '../evidence.js';
import { toAnomaly } from '../explain.js';
import { READ_FS, RegisterIndex, type KeyWrites, type Source } from './register-index.js';
import { distribution, interleave } from './stats.js';

export interface LostWritesOptions extends CheckOptions {
  /**
   * When the final phase began (ns since the run start): reads invoked then or later are final
   * reads. Default: the time of the history's "final-phase" marker (a nemesis-process event the
   * runner records); without either, only ops with f "final-get" are.
   */
  finalPhaseStart?: number;
}


/** How many final reads an explanation names. */
const NAMED_READS = 3;

function isFinalRead(op: Op, start: number | undefined): boolean {
  if (op.type !== 'ok' || op.key === undefined) return false;
  if (op.f === 'final-get') return true;
  return start !== undefined && READ_FS.has(op.f) && op.invokeTime >= start;
}

/**
 * After the workload and a quiet pause every worker reads every key. An acknowledged write is
 * lost when it was the last write of its key in real time (no other acknowledged write was
 * invoked after it completed) and every final read of the key returned a value definitely older
 * than it: nothing written after it, or concurrently, survived. The key has converged when the
 * workers' last final reads agree; the convergence time is from the key's last acknowledged write
 * to the first final read from which every later one agrees (an upper bound, at the resolution
 * of the final reads).
 */
export const lostWrites = {
  name: 'lost-writes',
  description: 'after the quiet final phase, every last acknowledged write survives and all workers read the same value',

  check(history: History, options: LostWritesOptions = {}): CheckResult {
    return resultOf([partOf(history, options)], options.maxAnomalies ?? 100);
  },

  // Each key's writes and final reads are its own; the final phase's start is the history's
  // (its marker among the nemesis events, which every key's history carries).
  byKey: {
    keyPart: (history: History, options: LostWritesOptions): LostPart => partOf(history, options),
    merge: (parts: LostPart[], options: LostWritesOptions): CheckResult => resultOf(parts, options.maxAnomalies ?? 100),
  } satisfies ByKey<LostPart>,
} satisfies Checker;

/** What the final reads of a history (or of one key of it) show; its written keys in the index's order. */
interface LostPart {
  finalReads: number;
  unexplained: number;
  keysRead: number;
  keysUnread: number;
  acknowledged: number;
  lost: number;
  diverged: number;
  convergence: number[];
  /** By written key that was read: where its first write is (the index's order), its first lost writes, its divergence. */
  keys: { first: number; lost: Anomaly[]; diverged: Anomaly | null }[];
}

function partOf(history: History, options: LostWritesOptions): LostPart {
  const max = options.maxAnomalies ?? 100;
  const index = RegisterIndex.of(history);
  const finals = new Map<string, { op: Op; src: Source }[]>();
  const part: LostPart = { finalReads: 0, unexplained: 0, keysRead: 0, keysUnread: 0, acknowledged: 0, lost: 0, diverged: 0, convergence: [], keys: [] };
  const start = options.finalPhaseStart ?? history.nemesis.find((e) => e.f === FINAL_PHASE)?.time;
  for (const op of history.ops) {
    if (!isFinalRead(op, start)) continue;
    const src = index.sourceOf(op);
    if (!src) {
      part.unexplained++;
      continue;
    }
    part.finalReads++;
    const l = finals.get(op.key!);
    if (l) l.push({ op, src });
    else finals.set(op.key!, [{ op, src }]);
  }
  part.keysRead = finals.size;
  for (const kw of index.keys.values()) {
    const ok = kw.okByCmp;
    part.acknowledged += ok.length;
    const reads = finals.get(kw.key);
    if (!reads) {
      if (ok.length > 0) part.keysUnread++;
      continue;
    }
    const key: LostPart['keys'][number] = { first: kw.writes[0]!.inv, lost: [], diverged: null };
    part.keys.push(key);
    for (const a of lostOn(kw, reads)) {
      part.lost++;
      if (key.lost.length < max) key.lost.push(a);
    }
    const agreed = agreement(reads);
    if (agreed === undefined) {
      part.diverged++;
      key.diverged = divergence(kw.key, reads);
    } else {
      const lastWrite = ok.length > 0 ? ok[ok.length - 1]!.op!.completeTime! : 0;
      part.convergence.push(Math.max(0, agreed.invokeTime - lastWrite));
    }
  }
  for (const key of finals.keys()) if (!index.keys.has(key)) part.convergence.push(0);
  return part;
}

/** The parts' result: counts summed, anomalies listed key by key in the index's order, as one pass over the whole history lists them. */
function resultOf(parts: readonly LostPart[], max: number): CheckResult {
  const sum = (f: (p: LostPart) => number) => parts.reduce((n, p) => n + f(p), 0);
  const keysRead = sum((p) => p.keysRead);
  if (keysRead === 0) {
    return {
      valid: 'unknown',
      anomalies: [],
      reason: 'the history has no final-phase reads (f "final-get", or reads after finalPhaseStart)',
      finalReads: 0,
    };
  }
  const keys = parts.flatMap((p) => p.keys).sort((a, b) => a.first - b.first);
  const lost = keys.flatMap((k) => k.lost).slice(0, max);
  const diverged = keys.flatMap((k) => (k.diverged ? [k.diverged] : [])).slice(0, max);
  const lostCount = sum((p) => p.lost);
  const divergedCount = sum((p) => p.diverged);
  const acknowledged = sum((p) => p.acknowledged);
  const conv = distribution(parts.flatMap((p) => p.convergence), 1e-6);
  return {
    summary: `${lostCount} of ${acknowledged} acknowledged writes lost; ${divergedCount} of ${keysRead} keys not converged${conv.max !== null ? `; converged within ${conv.max.toFixed(1)} ms of the last write (at most)` : ''}`,
    valid: lostCount + divergedCount > 0 ? false : true,
    anomalies: interleave([lost, diverged], max),
    finalReads: sum((p) => p.finalReads),
    unexplainedFinalReads: sum((p) => p.unexplained),
    keysRead,
    keysWrittenButNotRead: sum((p) => p.keysUnread),
    acknowledgedWrites: acknowledged,
    lostWrites: lostCount,
    keysNotConverged: divergedCount,
    convergenceMs: conv,
  };
}

/** The acknowledged writes of the key that no final read can be explained by. */
function lostOn(kw: KeyWrites, reads: readonly { op: Op; src: Source }[]): Anomaly[] {
  let lastInvoked = -1;
  for (const w of kw.okByCmp) lastInvoked = Math.max(lastInvoked, w.inv);
  // The newest thing any final read could have seen: a write invoked after it proves it lost.
  let newestSeen = -1;
  for (const r of reads) newestSeen = Math.max(newestSeen, r.src.newest.cmp);
  const out: Anomaly[] = [];
  for (const w of kw.okByCmp) {
    // Not the last write: something acknowledged was invoked after it completed.
    if (w.cmp < lastInvoked) continue;
    if (!(newestSeen < w.inv)) continue;
    const named = reads.slice(0, NAMED_READS).map((r) => r.op);
    out.push(
      toAnomaly(
        { kind: 'lost-write', key: kw.key, write: evidenceOp(w.op!), finalReads: named.map((o) => evidenceOp(o)), moreReads: reads.length - named.length },
        [w.op!.invokeIndex, ...named.map((o) => o.invokeIndex)],
      ),
    );
  }
  return out;
}

/** The first final read from which all later ones agree, when the workers' last reads agree. */
function agreement(reads: readonly { op: Op }[]): Op | undefined {
  const last = new Map<number, unknown>();
  for (const r of reads) last.set(r.op.process, JSON.stringify(r.op.value));
  if (new Set(last.values()).size > 1) return undefined;
  const v = JSON.stringify(reads[reads.length - 1]!.op.value);
  let i = reads.length - 1;
  while (i > 0 && JSON.stringify(reads[i - 1]!.op.value) === v) i--;
  return reads[i]!.op;
}

function divergence(key: string, reads: readonly { op: Op }[]): Anomaly {
  const last = new Map<number, Op>();
  for (const r of reads) last.set(r.op.process, r.op);
  const byValue = new Map<string, Op>();
  for (const op of last.values()) if (!byValue.has(JSON.stringify(op.value))) byValue.set(JSON.stringify(op.value), op);
  const ops = [...byValue.values()];
  return toAnomaly({ kind: 'not-converged', key, finalReads: ops.map((o) => evidenceOp(o)) }, ops.map((o) => o.invokeIndex));
}

