import type { History } from '../src/history/event.js';
import { duringFault, faultPeriods } from '../src/history/fault-periods.js';
import type { CheckOptions, CheckResult, Checker } from './checker.js';
import { deltaAtomicity, worstDelta } from './delta-atomicity.js';
import { Sampler } from './staleness/binomial.js';
import { isRead, readFacts, RegisterIndex } from './staleness/register-index.js';
import { quantile, round, toMs } from './staleness/stats.js';

// The t-visibility curve of Bailis et al.'s PBS, black-box: each ok read that began after some
// write to its key had completed is one sample, with t = the read's start minus the completion
// of the latest such write, and "consistent" = not a stale read (it reflected every write that
// had completed before it began; stale-reads has the definition). The curve is the consistent
// fraction per bin of t.

export interface VisibilityOptions extends CheckOptions {
  /** Bootstrap seed (default 1): the same history and seed give the same intervals. */
  seed?: number;
  /** Bootstrap resamples (default 1000). */
  resamples?: number;
  /** A bin holds at least this many samples (default 30); smaller ones are merged into their neighbours. */
  minBinSamples?: number;
}

/** Raw bins: [0, 0.1 ms), then eighths of a decade (0.1, 0.133, 0.178, 0.237, 0.316 ms, …). */
const FIRST_EDGE_NS = 1e5;
const PER_DECADE = 8;
const CONFIDENCE = 0.95;
/** The windows reported, and the samples each needs: a claim about 1 − q needs at least 1/(1 − q) reads behind it. */
const LEVELS = [
  { name: '99%', q: 0.99, minSamples: 100 },
  { name: '99.9%', q: 0.999, minSamples: 1000 },
] as const;
const ALL_CONSISTENT_MIN_SAMPLES = 1000;

function edge(i: number): number {
  return i === 0 ? 0 : FIRST_EDGE_NS * 10 ** ((i - 1) / PER_DECADE);
}

function rawBin(t: number): number {
  if (t < FIRST_EDGE_NS) return 0;
  let i = 1 + Math.floor(PER_DECADE * Math.log10(t / FIRST_EDGE_NS));
  // Guard the floating-point boundary so that a bin holds exactly [edge(i), edge(i+1)).
  while (i > 1 && t < edge(i)) i--;
  while (t >= edge(i + 1)) i++;
  return i;
}

interface Bin {
  from: number;
  to: number;
  samples: number;
  consistent: number;
}

export interface Window {
  /** ms, or null with a reason. */
  ms: number | null;
  ci95?: [number | null, number | null];
  /** The samples the figure rests on: reads at t at or beyond the window. */
  samples: number;
  /** When the level was never reached: the window is beyond this (the last bin's start). */
  atLeastMs?: number;
  reason?: string;
}

/**
 * Adjacent raw bins merged left to right until each holds minSamples; a short remainder joins
 * the last bin. Empty raw bins disappear.
 */
function mergeBins(raw: Map<number, [number, number]>, minSamples: number): Bin[] {
  const bins: Bin[] = [];
  let cur: Bin | null = null;
  for (const i of [...raw.keys()].sort((a, b) => a - b)) {
    const [n, c] = raw.get(i)!;
    cur ??= { from: edge(i), to: edge(i + 1), samples: 0, consistent: 0 };
    cur.to = edge(i + 1);
    cur.samples += n;
    cur.consistent += c;
    if (cur.samples >= minSamples) {
      bins.push(cur);
      cur = null;
    }
  }
  if (cur) {
    const last = bins[bins.length - 1];
    if (last) {
      last.to = cur.to;
      last.samples += cur.samples;
      last.consistent += cur.consistent;
    } else bins.push(cur);
  }
  return bins;
}

/**
 * The first bin from which every bin's fraction is at least q, or -1. Its lower edge is the
 * window, except that when every bin qualifies the window is 0: no wait was ever seen to matter.
 */
function windowBin(fractions: ArrayLike<number>, q: number): number {
  let from = fractions.length;
  for (let i = fractions.length - 1; i >= 0 && fractions[i]! >= q; i--) from = i;
  return from === fractions.length ? -1 : from;
}

/**
 * Bootstrap, stratified by bin: resample r redraws each bin's consistent count from its own
 * reads (a Binomial(n, k/n) draw is exactly that). Returns each bin's resampled fractions.
 */
function bootstrap(bins: readonly Bin[], resamples: number, sampler: Sampler): Float64Array[] {
  const out = bins.map(() => new Float64Array(resamples));
  for (let r = 0; r < resamples; r++) {
    bins.forEach((b, i) => {
      out[i]![r] = sampler.binomial(b.samples, b.consistent / b.samples) / b.samples;
    });
  }
  return out;
}

interface Sample {
  /** ns from the completion of the latest write to the key, to the read's start. */
  t: number;
  ok: boolean;
  /** When the read started (ns since the run began). */
  at: number;
}

interface Estimate {
  samples: number;
  consistent: number;
  curve: { fromMs: number; toMs: number; samples: number; consistent: number; fraction: number; ci95: [number | null, number | null] }[];
  windows: Record<string, Window>;
}

/** The curve and the windows of one set of samples (all reads, or those during faults, …). */
function estimate(collected: readonly Sample[], minBin: number, resamples: number, seed: number): Estimate {
  const raw = new Map<number, [number, number]>();
  let samples = 0;
  let consistent = 0;
  let lastInconsistent = -1;
  const ts: number[] = [];
  for (const { t, ok } of collected) {
    samples++;
    ts.push(t);
    if (ok) consistent++;
    else if (t > lastInconsistent) lastInconsistent = t;
    const b = rawBin(t);
    const cell = raw.get(b);
    if (cell) {
      cell[0]++;
      if (ok) cell[1]++;
    } else raw.set(b, [1, ok ? 1 : 0]);
  }

  const sampler = new Sampler(seed);
  const lo = (1 - CONFIDENCE) / 2;
  const ci = (xs: Float64Array, scale: (x: number) => number | null): [number | null, number | null] => {
    xs.sort();
    const a = quantile(xs, lo);
    const b = quantile(xs, 1 - lo);
    return [a === null ? null : scale(a), b === null ? null : scale(b)];
  };
  const msOrNull = (x: number): number | null => (x === Infinity ? null : toMs(x));

  const bins = mergeBins(raw, minBin);
  const boot = bootstrap(bins, resamples, sampler);
  const curve = bins.map((b, i) => ({
    fromMs: toMs(b.from),
    toMs: toMs(b.to),
    samples: b.samples,
    consistent: b.consistent,
    fraction: round(b.consistent / b.samples),
    ci95: ci(boot[i]!, round),
  }));

  // Every read later than the last inconsistent one was consistent: past that point no bin is
  // needed, and a q-window never exceeds it once enough reads stand behind it.
  const beyond = lastInconsistent < 0 ? samples : ts.filter((t) => t > lastInconsistent).length;
  const at = lastInconsistent < 0 ? 0 : lastInconsistent;
  const cap = beyond >= ALL_CONSISTENT_MIN_SAMPLES ? at : Infinity;
  // Each window is read off a curve whose every bin is big enough to show 1 - q.
  const windows: Record<string, Window> = {};
  for (const l of LEVELS) {
    const lb = mergeBins(raw, Math.max(minBin, l.minSamples));
    const fractions = Float64Array.from(lb, (b) => b.consistent / b.samples);
    const w = windowBin(fractions, l.q);
    const behind = w < 0 ? 0 : lb.slice(w).reduce((n, b) => n + b.samples, 0);
    if (samples === 0) windows[l.name] = { ms: null, samples: 0, reason: 'no read followed a completed write to its key' };
    else if (w < 0 && cap === Infinity) {
      const last = lb[lb.length - 1]!;
      windows[l.name] = {
        ms: null,
        // Not a number, but a bound: the window lies beyond every bin the run observed.
        atLeastMs: toMs(last.from),
        samples: last.samples,
        reason: `reads never reached ${l.name} consistency: the last bin (from ${toMs(last.from)} ms, ${last.samples} reads) was ${round((last.consistent / last.samples) * 100)}% consistent`,
      };
    } else if (w >= 0 && behind < l.minSamples && cap === Infinity) {
      windows[l.name] = { ms: null, samples: behind, reason: `not enough data: ${behind} reads at or beyond ${w === 0 ? 0 : toMs(lb[w]!.from)} ms; ${l.name} needs at least ${l.minSamples}` };
    } else {
      const perResample = new Float64Array(resamples);
      const levelBoot = bootstrap(lb, resamples, sampler);
      const f = new Float64Array(lb.length);
      for (let r = 0; r < resamples; r++) {
        for (let i = 0; i < lb.length; i++) f[i] = levelBoot[i]![r]!;
        const rw = windowBin(f, l.q);
        perResample[r] = Math.min(cap, rw < 0 ? Infinity : rw === 0 ? 0 : lb[rw]!.from);
      }
      const binFrom = w < 0 ? Infinity : w === 0 ? 0 : lb[w]!.from;
      const from = Math.min(cap, binFrom);
      const samplesBehind = from < binFrom ? ts.filter((t) => t > from).length : behind;
      windows[l.name] = { ms: toMs(from), ci95: ci(perResample, msOrNull), samples: samplesBehind };
    }
  }
  windows['100%'] =
    samples === 0
      ? { ms: null, samples: 0, reason: 'no read followed a completed write to its key' }
      : beyond < ALL_CONSISTENT_MIN_SAMPLES
        ? { ms: null, samples: beyond, reason: `not enough data: ${beyond} reads started more than ${toMs(at)} ms after their key's latest write; 100% needs at least ${ALL_CONSISTENT_MIN_SAMPLES}` }
        : { ms: toMs(at), samples: beyond };


  return { samples, consistent, curve, windows };
}

export const visibility = {
  name: 'visibility',
  description: 't-visibility: the fraction of reads that saw the latest completed write, by time since it completed; the windows for 99%, 99.9% and 100%; the worst Δ-atomicity',

  check(history: History, options: VisibilityOptions = {}): CheckResult {
    const minBin = options.minBinSamples ?? 30;
    const resamples = options.resamples ?? 1000;
    const seed = options.seed ?? 1;
    const index = new RegisterIndex(history);
    const collected: Sample[] = [];
    let noPriorWrite = 0;
    for (const op of history.ops) {
      if (!isRead(op)) continue;
      const facts = readFacts(index, op);
      if (!facts) continue;
      const latest = index.latestCompletedBefore(facts.kw, op.invokeIndex);
      if (!latest) {
        noPriorWrite++;
        continue;
      }
      collected.push({ t: op.invokeTime - latest.op!.completeTime!, ok: facts.supersededBy === undefined, at: op.invokeTime });
    }
    const { samples, consistent, curve, windows } = estimate(collected, minBin, resamples, seed);

    const worst = worstDelta(deltaAtomicity(history, index));
    const result: CheckResult = {
      // A measurement, not a judgement (stale-reads judges): never false, never unknown.
      valid: true,
      anomalies: [],
      samples,
      consistent,
      consistentFraction: samples > 0 ? round(consistent / samples) : null,
      readsBeforeAnyWrite: noPriorWrite,
      curve,
      windows,
      observedWindow: worst
        ? { deltaMs: worst.delta === Infinity ? null : toMs(worst.delta), key: worst.key, approximate: worst.approximate }
        : null,
      bootstrap: { resamples, seed, confidence: CONFIDENCE, minBinSamples: minBin },
    };
    if (samples === 0) result.reason = 'no read followed a completed write to its key';
    else result.summary = summarizeWindows(windows, samples);
    // Under faults the question is how much worse staleness gets: the same estimate for the reads
    // that began during a fault, and for the others.
    const periods = faultPeriods(history.nemesis);
    if (periods.length > 0) {
      const part = (during: boolean) => {
        const e = estimate(collected.filter((c) => duringFault(periods, c.at) === during), minBin, resamples, seed);
        return { samples: e.samples, consistentFraction: e.samples > 0 ? round(e.consistent / e.samples) : null, windows: e.windows, curve: e.curve };
      };
      const byFault = { faults: periods.length, during: part(true), outside: part(false) };
      result.byFault = byFault;
      const w = (x: { windows: Record<string, Window> }) => x.windows['99%']!;
      const show = (x: Window) => (x.ms !== null ? `${x.ms.toFixed(1)} ms` : x.atLeastMs !== undefined ? `> ${x.atLeastMs.toFixed(1)} ms` : 'not enough data');
      result.summary += `; 99% window during faults ${show(w(byFault.during))} (${byFault.during.samples} reads), outside ${show(w(byFault.outside))} (${byFault.outside.samples} reads)`;
    }
    return result;
  },
} satisfies Checker;

/** "reads consistent 99% after 42 ms [38, 47] (n=5210); 99.9% not enough data; …" */
function summarizeWindows(windows: Record<string, Window>, samples: number): string {
  const parts = Object.entries(windows).map(([level, w]) => {
    if (w.ms === null && w.atLeastMs !== undefined) return `${level} beyond ${w.atLeastMs.toFixed(1)} ms (not reached by the last ${w.samples} reads)`;
    if (w.ms === null) return `${level}: not enough data`;
    const ms = (x: number | null) => (x === null ? '∞' : x.toFixed(1));
    const ci = w.ci95 && w.ci95[0] !== null ? ` [95% CI ${ms(w.ci95[0])}, ${ms(w.ci95[1])}]` : '';
    return `${level} after ${ms(w.ms)} ms${ci}`;
  });
  return `stale-read window from ${samples} reads: ${parts.join('; ')}`;
}
