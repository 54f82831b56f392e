import type { History, Op } from '../src/history/event.js';
import type { ByKey, CheckOptions, CheckResult, Checker } from './checker.js';
import { evidenceOp, type DeltaEvidence } from './evidence.js';
import { explain } from './explain.js';
import { KeyDeltaMeasure, type KeyDelta } from './staleness/delta.js';
import { isRead, readFactsOf, RegisterIndex } from './staleness/register-index.js';
import { distribution, toMs } from './staleness/stats.js';

/** How many keys the result lists by name, worst first. */
const LISTED_KEYS = 10;

export interface WorstDelta {
  key: string;
  deltaMs: number | null;
  approximate: boolean;
  ops: number[];
  /** The evidence's sentence (checkers/explain.ts). */
  explanation: string;
  evidence: DeltaEvidence;
}

const measured = new WeakMap<History, KeyDelta[]>();

/**
 * Δ per key (see staleness/delta.ts), read by the visibility checker too: measured once a
 * history, the list shared (it is only read).
 */
export function deltaAtomicity(history: History): readonly KeyDelta[] {
  let ds = measured.get(history);
  if (!ds) measured.set(history, (ds = measure(history, RegisterIndex.of(history))));
  return ds;
}

function measure(history: History, index: RegisterIndex): KeyDelta[] {
  // Every key's reads in one pass in history order, each key's measure made at its first read
  // (keys in that order; reads nothing explains count as undefined).
  const measures = new Map<string, KeyDeltaMeasure>();
  const facts = readFactsOf(history);
  for (let i = 0; i < history.ops.length; i++) {
    const op = history.ops[i]!;
    if (!isRead(op)) continue;
    let m = measures.get(op.key!);
    if (!m) measures.set(op.key!, (m = new KeyDeltaMeasure(index, index.keyWrites(op.key!))));
    m.add(facts[i]);
  }
  const out: KeyDelta[] = [];
  for (const m of measures.values()) {
    const d = m.finish();
    if (d.reads > 0) out.push(d);
  }
  return out;
}

export function describeDelta(d: KeyDelta): WorstDelta {
  const ops = [d.read, d.before].filter((o): o is Op => o !== undefined).map((o) => o.invokeIndex);
  const evidence: DeltaEvidence = {
    kind: 'needs-delta',
    key: d.key,
    deltaNs: d.delta === Infinity ? null : d.delta,
    approximate: d.approximate,
    read: d.read ? evidenceOp(d.read) : null,
    before: d.before ? evidenceOp(d.before) : null,
  };
  return { key: d.key, deltaMs: d.delta === Infinity ? null : toMs(d.delta), approximate: d.approximate, ops, explanation: explain(evidence), evidence };
}

/** The key with the largest Δ: the observed stale-read window. */
export function worstDelta(ds: readonly KeyDelta[]): KeyDelta | undefined {
  let worst: KeyDelta | undefined;
  for (const d of ds) if (!worst || d.delta > worst.delta) worst = d;
  return worst;
}

/**
 * Golab et al.'s Δ-atomicity per key, and the worst Δ: the observed stale-read window, in real
 * time. An estimate, not a verdict (stale-reads and the linearizability checker judge): valid is
 * true once any read was measured, 'unknown' when there was none.
 */
export const deltaAtomicityChecker: Checker = {
  name: 'delta-atomicity',
  description: "Golab et al.'s Δ-atomicity: per key, how much earlier reads must start for the history to be linearizable",

  check(history: History, _options: CheckOptions = {}): CheckResult {
    return resultOf(deltaAtomicity(history));
  },

  byKey: {
    keyPart: (history: History): DeltaPart => deltaPartOf(history),
    merge: (parts: DeltaPart[]): CheckResult => resultOf(joinDeltas(parts)),
  } satisfies ByKey<DeltaPart>,
};

/** A key's part: its Δ, and where its first read is (none without reads). */
export type DeltaPart = { first: number; d: KeyDelta } | null;

/** A history of one key's ops: its part. */
export function deltaPartOf(history: History): DeltaPart {
  const [d] = deltaAtomicity(history);
  return d ? { first: history.ops.find(isRead)!.invokeIndex, d } : null;
}

/** The keys' Δs as deltaAtomicity gives them for the whole history: keys in order of their first read. */
export function joinDeltas(parts: readonly DeltaPart[]): KeyDelta[] {
  return parts
    .filter((p) => p !== null)
    .sort((a, b) => a.first - b.first)
    .map((p) => p.d);
}

function resultOf(ds: readonly KeyDelta[]): CheckResult {
  const worst = worstDelta(ds);
  const sorted = [...ds].sort((a, b) => b.delta - a.delta);
  const finite = ds.filter((d) => d.delta !== Infinity).map((d) => d.delta);
  const result: CheckResult = {
    // A measurement, not a judgement (stale-reads judges): never false, never unknown.
    valid: true,
    anomalies: [],
    keys: ds.length,
    keysStale: ds.filter((d) => d.delta > 0).length,
    keysApproximate: ds.filter((d) => d.approximate).length,
    keysUnbounded: ds.length - finite.length,
    deltaMs: distribution(finite, 1e-6),
    worst: worst ? describeDelta(worst) : null,
    worstKeys: sorted.slice(0, LISTED_KEYS).filter((d) => d.delta > 0).map(describeDelta),
  };
  if (ds.length === 0) result.reason = 'the history has no successful reads that a write (or the initial state) can explain';
  return result;
}
