import type { History } from '../src/history/event.js';
import type { Anomaly, ByKey, CheckOptions, CheckResult, Checker } from './checker.js';
import { evidenceOp } from './evidence.js';
import { toAnomaly } from './explain.js';
import { isRead, readFactsOf, RegisterIndex, type ReadFacts, type Write } from './staleness/register-index.js';
import { distribution } from './staleness/stats.js';

/**
 * A read is definitely stale when every write that could explain what it returned had been
 * superseded, before the read was invoked, by a write that had completed by then. Concurrent
 * and indeterminate (info/open) writes can always explain a read, so they are never stale.
 * Each stale read has an age (how long its value had been superseded when the read began) and
 * a lag (how many completed writes it missed).
 */
export const staleReads: Checker = {
  name: 'stale-reads',
  description: 'no read returns a value (or not-found) already superseded by a write completed before the read began; ages and lags of those that do',

  check(history: History, options: CheckOptions = {}): CheckResult {
    return resultOf(staleOf(history, options.maxAnomalies ?? 100));
  },

  byKey: {
    keyPart: (history: History, options: CheckOptions): Stale => staleOf(history, options.maxAnomalies ?? 100),
    merge: (parts: Stale[], options: CheckOptions): CheckResult => resultOf(joinStale(parts, options.maxAnomalies ?? 100)),
  } satisfies ByKey<Stale>,
};

/** What the reads of a history (or of one key of it) show, in history order. */
interface Stale {
  reads: number;
  unexplained: number;
  /** Each stale read's invoke index, age and lag. */
  at: number[];
  ages: number[];
  lags: number[];
  /** The first `max` of them. */
  anomalies: Anomaly[];
}

function staleOf(history: History, max: number): Stale {
  const index = RegisterIndex.of(history);
  const allFacts = readFactsOf(history);
  const out: Stale = { reads: 0, unexplained: 0, at: [], ages: [], lags: [], anomalies: [] };
  for (let i = 0; i < history.ops.length; i++) {
    const op = history.ops[i]!;
    if (!isRead(op)) continue;
    const facts = allFacts[i];
    if (!facts) {
      out.unexplained++;
      continue;
    }
    out.reads++;
    const by = facts.supersededBy;
    if (!by) continue;
    const age = op.invokeTime - by.op!.completeTime!;
    const lag = index.missedWrites(facts.kw, facts.source.newest, op.invokeIndex);
    out.at.push(op.invokeIndex);
    out.ages.push(age);
    out.lags.push(lag);
    if (out.anomalies.length < max) out.anomalies.push(staleAnomaly(facts, by, age, lag));
  }
  return out;
}

/** The keys' parts as one, in history order, as staleOf gives it for the whole history (the same sums, in the same order). */
function joinStale(parts: readonly Stale[], max: number): Stale {
  const out: Stale = { reads: 0, unexplained: 0, at: [], ages: [], lags: [], anomalies: [] };
  const stale: { at: number; age: number; lag: number }[] = [];
  for (const p of parts) {
    out.reads += p.reads;
    out.unexplained += p.unexplained;
    for (let j = 0; j < p.at.length; j++) stale.push({ at: p.at[j]!, age: p.ages[j]!, lag: p.lags[j]! });
    out.anomalies.push(...p.anomalies);
  }
  stale.sort((a, b) => a.at - b.at);
  for (const s of stale) {
    out.at.push(s.at);
    out.ages.push(s.age);
    out.lags.push(s.lag);
  }
  // Each key's first `max`, so the first `max` of all: those the whole history's pass lists.
  out.anomalies = out.anomalies.sort((a, b) => a.ops[0]! - b.ops[0]!).slice(0, max);
  return out;
}

function resultOf(s: Stale): CheckResult {
  const { reads, ages, lags } = s;
  const result: CheckResult = {
    // Nothing to check is not a doubt: the verdict stays true, and the summary says so.
    valid: ages.length === 0,
    anomalies: s.anomalies,
    reads,
    staleReads: ages.length,
    staleFraction: reads > 0 ? ages.length / reads : null,
    unexplainedReads: s.unexplained,
    ageMs: distribution(ages, 1e-6),
    lag: distribution(lags),
  };
  if (reads === 0) result.summary = 'no successful reads that a write (or the initial state) can explain';
  if (ages.length > 0) {
    const a = result.ageMs as { p50: number; p99: number; max: number };
    result.summary = `${ages.length} of ${reads} reads stale (${((ages.length / reads) * 100).toFixed(1)}%); age p50 ${a.p50.toFixed(1)} ms, p99 ${a.p99.toFixed(1)} ms, max ${a.max.toFixed(1)} ms`;
  }
  return result;
}

function staleAnomaly(facts: ReadFacts, by: Write, age: number, lag: number): Anomaly {
  const { op, source } = facts;
  const from = source.newest.op;
  const ops = [op.invokeIndex, ...(from ? [from.invokeIndex] : []), by.op!.invokeIndex];
  return toAnomaly(
    {
      kind: 'stale-read',
      key: op.key!,
      read: evidenceOp(op),
      notFound: op.value === null,
      // For null the freshest source stands for all of them: every other delete completed earlier.
      source: from ? evidenceOp(from) : null,
      supersededBy: evidenceOp(by.op!),
      ageNs: age,
      missedWrites: lag,
    },
    ops,
  );
}
