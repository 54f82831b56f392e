import type { History, Op } from '../src/history/event.js';
import type { Anomaly, CheckOptions, CheckResult, Checker } from './checker.js';
import { casArgs, isRefused } from '../src/history/conditional.js';
import { evidenceOp } from './evidence.js';
import { toAnomaly } from './explain.js';
import { interleave } from './staleness/stats.js';

const READS = new Set(['read', 'get']);
const WRITES = new Set(['put', 'write', 'cas']);
/** How a refused condition reads in the error of a fail, in histories from before refusals were observations. */
const REFUSED = /PreconditionFailed|\b412\b/;

/** A creator: a cas from null, which the workloads send as a PUT with If-None-Match: *. */
function createdValue(op: Op): unknown {
  const a = casArgs(op);
  return a && a[0] === null ? a[1] : undefined;
}

/** A creator the store refused: it says the key existed. */
function refusedCreator(op: Op): boolean {
  return isRefused(op) || (op.type === 'fail' && REFUSED.test(op.error ?? ''));
}

/** A creator that won: ok and not refused. */
function wonCreator(op: Op): boolean {
  return op.type === 'ok' && !isRefused(op);
}

interface KeyOps {
  creators: Op[];
  writes: Op[];
  reads: Op[];
  deleted: boolean;
}

/**
 * Create-once (If-None-Match: *): of the creators of a key, at most one succeeds, and every
 * reader agrees on the winner. Per key:
 * - **several-creators-won**: more than one creator got ok;
 * - **loser-read**: a read returned the value of a creator the store refused;
 * - **readers-disagree**: reads (and ok creators) show more than one creator's value;
 * - **winner-not-seen**: a read invoked after a creator's ok returned not-found;
 * - **refused-without-object**: a creator got 412 although no write of the key (by anyone)
 *   had been invoked before that creator completed: nothing could have been there.
 * Keys with a delete that may have happened are skipped (a delete makes room for a new winner).
 */
export const createOnce = {
  name: 'create-once',
  description: 'of the concurrent creators of a key (If-None-Match: *), at most one succeeds, none is refused with nothing there, and every reader agrees on the winner',

  check(history: History, options: CheckOptions = {}): CheckResult {
    const max = options.maxAnomalies ?? 100;
    const keys = byKey(history.ops);
    const found = new Map<string, Anomaly[]>();
    const add = (a: Anomaly): void => {
      const list = found.get(a.kind) ?? [];
      found.set(a.kind, list);
      list.push(a);
    };
    const figures = { keys: 0, creators: 0, keysOneWinner: 0, keysNoWinner: 0, keysSeveralWinners: 0, keysSkipped: 0, readsChecked: 0 };
    for (const [key, k] of keys) {
      if (k.creators.length === 0) continue;
      if (k.deleted) {
        figures.keysSkipped++;
        continue;
      }
      figures.keys++;
      figures.creators += k.creators.length;
      const won = k.creators.filter(wonCreator);
      if (won.length === 1) figures.keysOneWinner++;
      else if (won.length === 0) figures.keysNoWinner++;
      else {
        figures.keysSeveralWinners++;
        add(toAnomaly({ kind: 'several-creators-won', key, creators: won.map((c) => evidenceOp(c)) }, won.map((c) => c.invokeIndex)));
      }
      checkReads(key, k, won, add, figures);
      for (const c of k.creators) {
        if (!refusedCreator(c)) continue;
        if (k.writes.some((w) => w !== c && w.type !== 'fail' && !isRefused(w) && w.invokeIndex < c.completeIndex!)) continue;
        add(toAnomaly({ kind: 'refused-without-object', key, creator: evidenceOp(c) }, [c.invokeIndex]));
      }
    }
    const counts = Object.fromEntries([...found].map(([kind, list]) => [kind, list.length]));
    const total = [...found.values()].reduce((n, l) => n + l.length, 0);
    const result: CheckResult = { valid: total === 0, anomalies: interleave([...found.values()], max), ...figures, anomalyCounts: counts };
    if (figures.keys === 0) result.summary = 'no creators (cas from null) to check';
    else if (total > 0) {
      result.summary = `${total} create-once violation(s) on ${new Set([...found.values()].flat().map((a) => a.key)).size} of ${figures.keys} key(s): ${Object.entries(counts)
        .map(([kind, n]) => `${n} ${kind}`)
        .join(', ')}`;
    }
    return result;
  },
} satisfies Checker;

function checkReads(key: string, k: KeyOps, won: Op[], add: (a: Anomaly) => void, figures: { readsChecked: number }): void {
  const creatorOf = new Map<string, Op>();
  for (const c of k.creators) creatorOf.set(JSON.stringify(createdValue(c)), c);
  const firstWin = won.reduce<Op | undefined>((a, c) => (a && a.completeIndex! < c.completeIndex! ? a : c), undefined);
  // The value each reader (and each ok creator) says won, and who says so first.
  const winners = new Map<string, Op>();
  for (const c of won) winners.set(JSON.stringify(createdValue(c)), c);
  for (const r of k.reads) {
    if (r.value === null) {
      if (firstWin && r.invokeIndex > firstWin.completeIndex!) {
        figures.readsChecked++;
        add(toAnomaly({ kind: 'winner-not-seen', key, read: evidenceOp(r), winner: evidenceOp(firstWin) }, [r.invokeIndex, firstWin.invokeIndex]));
      }
      continue;
    }
    const c = creatorOf.get(JSON.stringify(r.value));
    if (!c) continue;
    figures.readsChecked++;
    if (c.type === 'fail' || isRefused(c)) {
      add(toAnomaly({ kind: 'loser-read', key, read: evidenceOp(r), creator: evidenceOp(c) }, [r.invokeIndex, c.invokeIndex]));
      continue;
    }
    const v = JSON.stringify(r.value);
    if (!winners.has(v)) winners.set(v, r);
  }
  // Several ok creators are reported once, above; disagreement then adds nothing.
  if (winners.size > 1 && won.length <= 1) {
    const who = [...winners.values()];
    add(toAnomaly({ kind: 'readers-disagree', key, witnesses: who.map((o) => evidenceOp(o)) }, who.map((o) => o.invokeIndex)));
  }
}

function byKey(ops: readonly Op[]): Map<string, KeyOps> {
  const keys = new Map<string, KeyOps>();
  for (const op of ops) {
    if (op.key === undefined) continue;
    let k = keys.get(op.key);
    if (!k) keys.set(op.key, (k = { creators: [], writes: [], reads: [], deleted: false }));
    if (createdValue(op) !== undefined) k.creators.push(op);
    if (WRITES.has(op.f)) k.writes.push(op);
    else if (READS.has(op.f) && op.type === 'ok') k.reads.push(op);
    else if (op.f === 'delete' && op.type !== 'fail') k.deleted = true;
  }
  return keys;
}
