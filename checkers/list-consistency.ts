import type { History, Op } from '../src/history/event.js';
import type { Anomaly, CheckOptions, CheckResult, Checker } from './checker.js';
import { describeCall } from './describe.js';
import { evidenceOp } from './evidence.js';
import { toAnomaly } from './explain.js';
import { distribution, interleave } from './staleness/stats.js';

/** A write that may have happened: ok, or info/open (which completes "at infinity"). */
interface W {
  op: Op;
  inv: number;
  cmp: number;
}

/**
 * One key's writes in invocation order, with the running figures that answer, in O(log n),
 * "the latest completion among writes invoked before i" and "the earliest-completing ok write
 * invoked after j".
 */
interface KeyWrites {
  puts: W[];
  putMax: number[];
  dels: W[];
  delMax: number[];
  okPuts: W[];
  okPutMin: number[];
  okDels: W[];
  okDelMin: number[];
}

/**
 * Each key a LIST returned or left out is one observation of the key's presence, made at some
 * instant while the LIST ran (pages are not a snapshot, so nothing is assumed across keys).
 * As for reads (docs/checkers.md), order is real time by event index and a value is stale only
 * when every write that could explain it had been superseded before the LIST began:
 * - **missing**: the key is absent although every delete that could explain it (and the initial
 *   absence) was followed by an ok PUT completed before the LIST was invoked;
 * - **extra**: the key is present although every PUT that could explain it was followed by an
 *   ok DELETE completed before the LIST was invoked;
 * - **phantom**: the key is present and no PUT of it was invoked before the LIST completed;
 * - **duplicate**: a LIST returned a key twice (a paging bug).
 * An info or open write may take effect at any time after its invocation, so it is never
 * superseded: it can explain anything. The age of a missing or extra key is how long before the
 * LIST began the superseding write had completed: the LIST-lag window, measured.
 */
export const listConsistency = {
  name: 'list-consistency',
  description: 'every LIST includes each key whose PUT completed before it began and excludes each key whose DELETE did (unless a concurrent write explains it); LIST-lag windows',

  check(history: History, options: CheckOptions = {}): CheckResult {
    const max = options.maxAnomalies ?? 100;
    const writes = indexWrites(history.ops);
    const found: Record<'missing' | 'extra' | 'phantom' | 'duplicate', Anomaly[]> = { missing: [], extra: [], phantom: [], duplicate: [] };
    const counts = { missing: 0, extra: 0, phantom: 0, duplicate: 0 };
    const missingAges: number[] = [];
    const extraAges: number[] = [];
    let lists = 0;
    let mustInclude = 0;
    let mustExclude = 0;
    let listsWithAnomalies = 0;
    const universes = new Map<string, string[]>();

    for (const list of history.ops) {
      if (list.f !== 'list' || list.type !== 'ok' || !Array.isArray(list.value)) continue;
      lists++;
      const prefix = list.key ?? '';
      let universe = universes.get(prefix);
      if (!universe) universes.set(prefix, (universe = [...writes.keys()].filter((k) => k.startsWith(prefix)).sort()));
      const returned = list.value.map(String);
      const present = new Set(returned);
      const before = counts.missing + counts.extra + counts.phantom + counts.duplicate;

      if (present.size < returned.length) {
        counts.duplicate++;
        const seen = new Set<string>();
        const twice = returned.filter((k) => seen.has(k) || !seen.add(k));
        if (found.duplicate.length < max) found.duplicate.push(toAnomaly({ kind: 'duplicate-key', key: twice[0]!, ...listed(list), duplicates: twice.slice(0, SAMPLE), duplicateCount: twice.length }, [list.invokeIndex]));
      }
      for (const k of present) {
        const kw = writes.get(k);
        if (kw && invokedBefore(kw.puts, list.completeIndex!) > 0) continue;
        counts.phantom++;
        if (found.phantom.length < max) found.phantom.push(toAnomaly({ kind: 'phantom-key', key: k, ...listed(list) }, [list.invokeIndex]));
      }
      for (const k of universe) {
        const kw = writes.get(k)!;
        const ifAbsent = supersededAbsence(kw, list);
        const ifPresent = supersededPresence(kw, list);
        if (ifAbsent) mustInclude++;
        if (ifPresent) mustExclude++;
        if (!present.has(k) && ifAbsent) {
          const age = list.invokeTime - ifAbsent.op.completeTime!;
          missingAges.push(age);
          counts.missing++;
          if (found.missing.length < max) found.missing.push(toAnomaly({ kind: 'missing-key', key: k, ...listed(list), put: evidenceOp(ifAbsent.op), ageNs: age }, [list.invokeIndex, ifAbsent.op.invokeIndex]));
        } else if (present.has(k) && ifPresent) {
          const age = list.invokeTime - ifPresent.op.completeTime!;
          extraAges.push(age);
          counts.extra++;
          if (found.extra.length < max) found.extra.push(toAnomaly({ kind: 'extra-key', key: k, ...listed(list), delete: evidenceOp(ifPresent.op), ageNs: age }, [list.invokeIndex, ifPresent.op.invokeIndex]));
        }
      }
      if (counts.missing + counts.extra + counts.phantom + counts.duplicate > before) listsWithAnomalies++;
    }

    const total = counts.missing + counts.extra + counts.phantom + counts.duplicate;
    const result: CheckResult = {
      valid: total === 0,
      anomalies: interleave([found.missing, found.extra, found.phantom, found.duplicate], max),
      lists,
      listsWithAnomalies,
      keys: writes.size,
      mustInclude,
      mustExclude,
      missingKeys: counts.missing,
      extraKeys: counts.extra,
      phantomKeys: counts.phantom,
      duplicateLists: counts.duplicate,
      missingFraction: mustInclude > 0 ? counts.missing / mustInclude : null,
      extraFraction: mustExclude > 0 ? counts.extra / mustExclude : null,
      // How long after a write completed a LIST could still miss it: the LIST-lag window.
      missingAgeMs: distribution(missingAges, 1e-6),
      extraAgeMs: distribution(extraAges, 1e-6),
    };
    if (lists === 0) result.summary = 'no successful lists to check';
    else if (total > 0) {
      const worst = Math.max(0, ...missingAges, ...extraAges) / 1e6;
      result.summary =
        `${listsWithAnomalies} of ${lists} lists inconsistent: ${counts.missing} missing key(s) (of ${mustInclude} that had to be listed), ` +
        `${counts.extra} extra (of ${mustExclude} that had to be absent), ${counts.phantom} phantom, ${counts.duplicate} with duplicates; ` +
        `a write was missed up to ${worst.toFixed(1)} ms after it completed`;
    }
    return result;
  },
} satisfies Checker;

/** How many of a LIST's duplicated keys its evidence names. */
const SAMPLE = 5;

/** The LIST as evidence, named by its call: what it returned is in the history, too long to repeat. */
function listed(list: Op) {
  return { list: evidenceOp(list, describeCall(list)), prefix: list.key ?? '' };
}

function indexWrites(ops: readonly Op[]): Map<string, KeyWrites> {
  const out = new Map<string, KeyWrites>();
  for (const op of ops) {
    if ((op.f !== 'put' && op.f !== 'delete') || op.type === 'fail' || op.key === undefined) continue;
    let kw = out.get(op.key);
    if (!kw) out.set(op.key, (kw = { puts: [], putMax: [], dels: [], delMax: [], okPuts: [], okPutMin: [], okDels: [], okDelMin: [] }));
    const w: W = { op, inv: op.invokeIndex, cmp: op.type === 'ok' ? op.completeIndex! : Infinity };
    const [all, ok] = op.f === 'put' ? [kw.puts, kw.okPuts] : [kw.dels, kw.okDels];
    all.push(w);
    if (op.type === 'ok') ok.push(w);
  }
  for (const kw of out.values()) {
    kw.putMax = runningMax(kw.puts);
    kw.delMax = runningMax(kw.dels);
    kw.okPutMin = suffixArgMin(kw.okPuts);
    kw.okDelMin = suffixArgMin(kw.okDels);
  }
  return out;
}

/** m[i] = the latest completion among ws[0..i]. */
function runningMax(ws: readonly W[]): number[] {
  const m: number[] = [];
  let best = -1;
  for (const w of ws) m.push((best = Math.max(best, w.cmp)));
  return m;
}

/** a[i] = the position of the earliest-completing write among ws[i..]. */
function suffixArgMin(ws: readonly W[]): number[] {
  const a = new Array<number>(ws.length);
  for (let i = ws.length - 1; i >= 0; i--) a[i] = i + 1 < ws.length && ws[a[i + 1]!]!.cmp < ws[i]!.cmp ? a[i + 1]! : i;
  return a;
}

/** How many of ws were invoked before event index `at`. */
function invokedBefore(ws: readonly W[], at: number): number {
  let lo = 0;
  let hi = ws.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ws[mid]!.inv < at) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The earliest-completing ok write invoked after `after` that completed before `before`, if any. */
function supersededBetween(ok: readonly W[], argMin: readonly number[], after: number, before: number): W | undefined {
  if (after === Infinity) return undefined;
  const from = invokedBefore(ok, after + 1);
  if (from >= ok.length) return undefined;
  const w = ok[argMin[from]!]!;
  return w.cmp < before ? w : undefined;
}

/** The PUT that makes the key's absence stale for this LIST, if one does. */
function supersededAbsence(kw: KeyWrites, list: Op): W | undefined {
  const n = invokedBefore(kw.dels, list.completeIndex!);
  // The initial absence completed "at -1", before everything.
  const newest = n === 0 ? -1 : kw.delMax[n - 1]!;
  return supersededBetween(kw.okPuts, kw.okPutMin, newest, list.invokeIndex);
}

/** The DELETE that makes the key's presence stale for this LIST, if one does. */
function supersededPresence(kw: KeyWrites, list: Op): W | undefined {
  const n = invokedBefore(kw.puts, list.completeIndex!);
  if (n === 0) return undefined;
  return supersededBetween(kw.okDels, kw.okDelMin, kw.putMax[n - 1]!, list.invokeIndex);
}
