import type { History, Op } from '../src/history/event.js';
import { mergedKeyParts, type Anomaly, type CheckResult, type Checker } from './checker.js';
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
  /** The invocation index of the key's first op. */
  first: number;
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

  ...mergedKeyParts(keyParts, resultOf),
} satisfies Checker;

/** What one key's creators and reads show; `first`: its first op's invocation, the order keys are met in. */
interface KeyPart {
  key: string;
  first: number;
  /** Skipped: a delete may have happened. */
  skipped: boolean;
  creators: number;
  won: number;
  readsChecked: number;
  /** By kind, in the order first found: the first `max` of each, and how many there were. */
  found: { kind: string; anomalies: Anomaly[]; count: number }[];
}

/** Each key's part, in the order its first op was invoked (keys without creators left out). */
function keyParts(history: History, max: number): KeyPart[] {
  const parts: KeyPart[] = [];
  for (const [key, k] of byKey(history.ops)) {
    if (k.creators.length === 0) continue;
    const part: KeyPart = { key, first: k.first, skipped: k.deleted, creators: k.creators.length, won: 0, readsChecked: 0, found: [] };
    parts.push(part);
    if (k.deleted) continue;
    const add = (a: Anomaly): void => {
      let list = part.found.find((f) => f.kind === a.kind);
      if (!list) part.found.push((list = { kind: a.kind, anomalies: [], count: 0 }));
      list.count++;
      if (list.anomalies.length < max) list.anomalies.push(a);
    };
    const won = k.creators.filter(wonCreator);
    part.won = won.length;
    if (won.length > 1) add(toAnomaly({ kind: 'several-creators-won', key, creators: won.map((c) => evidenceOp(c)) }, won.map((c) => c.invokeIndex)));
    checkReads(key, k, won, add, part);
    for (const c of k.creators) {
      if (!refusedCreator(c)) continue;
      if (k.writes.some((w) => w !== c && w.type !== 'fail' && !isRefused(w) && w.invokeIndex < c.completeIndex!)) continue;
      add(toAnomaly({ kind: 'refused-without-object', key, creator: evidenceOp(c) }, [c.invokeIndex]));
    }
  }
  return parts;
}

/** The keys' parts, in any order, as one result: keys in the order their first ops were invoked, as the whole pass meets them. */
function resultOf(parts: KeyPart[], max: number): CheckResult {
  parts.sort((a, b) => a.first - b.first);
  const found = new Map<string, Anomaly[]>();
  const counts: Record<string, number> = {};
  const violated = new Set<string>();
  const figures = { keys: 0, creators: 0, keysOneWinner: 0, keysNoWinner: 0, keysSeveralWinners: 0, keysSkipped: 0, readsChecked: 0 };
  for (const p of parts) {
    if (p.skipped) {
      figures.keysSkipped++;
      continue;
    }
    figures.keys++;
    figures.creators += p.creators;
    figures.readsChecked += p.readsChecked;
    if (p.won === 1) figures.keysOneWinner++;
    else if (p.won === 0) figures.keysNoWinner++;
    else figures.keysSeveralWinners++;
    for (const f of p.found) {
      violated.add(p.key);
      let list = found.get(f.kind);
      if (!list) found.set(f.kind, (list = []));
      // Each key's first `max` of a kind, so the first `max` of all.
      if (list.length < max) list.push(...f.anomalies.slice(0, max - list.length));
      counts[f.kind] = (counts[f.kind] ?? 0) + f.count;
    }
  }
  const total = Object.values(counts).reduce((n, c) => n + c, 0);
  const result: CheckResult = { valid: total === 0, anomalies: interleave([...found.values()], max), ...figures, anomalyCounts: counts };
  if (figures.keys === 0) result.summary = 'no creators (cas from null) to check';
  else if (total > 0) {
    result.summary = `${total} create-once violation(s) on ${violated.size} of ${figures.keys} key(s): ${Object.entries(counts)
      .map(([kind, n]) => `${n} ${kind}`)
      .join(', ')}`;
  }
  return result;
}

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
    if (!k) keys.set(op.key, (k = { first: op.invokeIndex, creators: [], writes: [], reads: [], deleted: false }));
    if (createdValue(op) !== undefined) k.creators.push(op);
    if (WRITES.has(op.f)) k.writes.push(op);
    else if (READS.has(op.f) && op.type === 'ok') k.reads.push(op);
    else if (op.f === 'delete' && op.type !== 'fail') k.deleted = true;
  }
  return keys;
}
