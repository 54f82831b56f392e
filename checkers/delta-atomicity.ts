import type { History, Op } from '../src/history/event.js';
import type { CheckOptions, CheckResult, Checker } from './checker.js';
import { describeOp } from './describe.js';
import { keyDelta, type KeyDelta } from './staleness/delta.js';
import { isRead, RegisterIndex } from './staleness/register-index.js';
import { distribution, toMs } from './staleness/stats.js';
import { formatNsAsMs, formatSeconds } from '../src/util/format-number.js';

/** How many keys the result lists by name, worst first. */
const LISTED_KEYS = 10;

export interface WorstDelta {
  key: string;
  deltaMs: number | null;
  approximate: boolean;
  ops: number[];
  explanation: string;
}

/** Δ per key (see staleness/delta.ts), read by the visibility checker too. */
export function deltaAtomicity(history: History, index = new RegisterIndex(history)): KeyDelta[] {
  const reads = new Map<string, Op[]>();
  for (const op of history.ops) {
    if (!isRead(op)) continue;
    const l = reads.get(op.key!);
    if (l) l.push(op);
    else reads.set(op.key!, [op]);
  }
  const out: KeyDelta[] = [];
  for (const [key, rs] of reads) {
    const d = keyDelta(index, index.keyWrites(key), rs);
    if (d.reads > 0) out.push(d);
  }
  return out;
}

export function describeDelta(d: KeyDelta): WorstDelta {
  const ops = [d.read, d.before].filter((o): o is Op => o !== undefined).map((o) => o.invokeIndex);
  const bound = d.approximate ? ' (an upper bound: a null read there had several possible deletes)' : '';
  let explanation: string;
  if (d.delta === 0) explanation = `every key is linearizable as recorded (Δ = 0)`;
  else if (d.delta === Infinity) explanation = `no shift of reads makes ${d.key} linearizable: writes are ordered against each other by what was read`;
  else if (d.read && d.before) {
    explanation =
      `${d.key} needs Δ = ${formatNsAsMs(d.delta)}${bound}: ${describeOp(d.read)}, started at ${formatSeconds(d.read.invokeTime)}, ` +
      `is linearizable only if it started before ${describeOp(d.before)} completed at ${formatSeconds(d.before.completeTime!)}`;
  } else explanation = `${d.key} needs Δ = ${formatNsAsMs(d.delta)}${bound}`;
  return { key: d.key, deltaMs: d.delta === Infinity ? null : toMs(d.delta), approximate: d.approximate, ops, explanation };
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
    const ds = deltaAtomicity(history);
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
  },
};
