// The t-visibility estimate of one set of samples (visibility.ts): the curve by bins of t, the
// windows read off an isotonic fit, and their intervals from a bootstrap that resamples writes.
// Pure and on columns, so that it runs on a worker thread as well as here, to the same figures.
import { levelCrossing, SortedCurve, sortOrder } from './monotone-curve.js';
import { resample, stretches, type BootstrapInput, type Resampled } from './bootstrap.js';
import { quantile, round, toMs } from './stats.js';

/** Raw bins: [0, 0.1 ms), then eighths of a decade (0.1, 0.133, 0.178, 0.237, 0.316 ms, …). */
const FIRST_EDGE_NS = 1e5;
const PER_DECADE = 8;
export const CONFIDENCE = 0.95;
/** The windows reported, and the reads each needs: a claim about 1 − q needs at least 1/(1 − q) reads behind it. */
const LEVELS = [
  { name: '99%', q: 0.99, minSamples: 100 },
  { name: '99.9%', q: 0.999, minSamples: 1000 },
] as const;
/** A q-window is capped where every later read was consistent only if those reads followed 3/(1 − q) writes. */
const CAP_WRITES_PER_MISS = 3;
/** "Every read after t was consistent" needs this many reads, of at least this many writes, after t. */
const ALL_CONSISTENT_MIN_SAMPLES = 1000;
const ALL_CONSISTENT_MIN_WRITES = 3000;
/** P(consistent | t = 0) rests on at least this many reads (of the smallest t's). */
const PAT0_MIN_SAMPLES = 100;
export const NO_SAMPLES = 'no read followed a completed write to its key';

/** "1 read", "5,210 reads". */
export const count = (x: number, what: string) => `${x.toLocaleString('en-US')} ${what}${x === 1 ? '' : 's'}`;

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
  /** Bootstrap 95% interval (resampling writes); null where resamples never reached the level. */
  ci95?: [number | null, number | null];
  /**
   * The reads the figure rests on: those at t at or beyond the window; for the 100% window (and
   * a window it bounds), those after it. When a level was never reached: the reads of the fit's
   * last level.
   */
  samples: number;
  /** The distinct writes those reads followed. */
  writes: number;
  /** When the level was never reached: the largest t observed, which the window lies beyond. */
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
 * The samples of one estimate as columns, in any order: t (ns from the completion of the latest
 * write to the key, to the read's start), 1 when the read was consistent, and that write as a
 * number (the unit the bootstrap resamples). Columns
 * cross to a worker thread as they are.
 */
export interface SampleColumns {
  t: Float64Array<ArrayBuffer>;
  ok: Uint8Array<ArrayBuffer>;
  /** From 0: the writes numbered (an estimate of some of the reads may skip numbers). */
  unit: Int32Array<ArrayBuffer>;
}

type CI = [number | null, number | null];

export interface Estimate {
  samples: number;
  consistent: number;
  writes: number;
  curve: { fromMs: number; toMs: number; samples: number; consistent: number; fraction: number; ci95: CI }[];
  windows: Record<string, Window>;
  /** The fitted P(consistent) at the smallest t, and the block of reads it rests on. */
  pAt0: number | null;
  pAt0Basis: { samples: number; upToMs: number } | null;
  /** For the summary: why a window has no figure, in a few words (figures to 0.1 ms). */
  noFigure: Record<string, string>;
}

/** ns as ms to 0.1, for sentences (rounded as the figures are). */
const ms1 = (ns: number) => toMs(ns).toFixed(1);

/** The 2.5% and 97.5% quantiles of the resampled values (NaN = no value in that resample), scaled. */
function interval(values: Float64Array, scale: (x: number) => number | null): CI {
  const xs = values.filter((x) => !Number.isNaN(x)).sort();
  const lo = (1 - CONFIDENCE) / 2;
  const a = quantile(xs, lo);
  const b = quantile(xs, 1 - lo);
  return [a === null ? null : scale(a), b === null ? null : scale(b)];
}

/** The curve and the windows of one set of samples (all reads, or those during faults, …). */
export function estimate(collected: SampleColumns, minBin: number, resamples: number, seed: number): Estimate {
  const prepared = prepareEstimate(collected, minBin);
  if (!prepared) return noSamples();
  return completeEstimate(prepared, resample(prepared.input, seed, resamples));
}

/**
 * An estimate prepared for a bootstrap split over threads: what `resample` reads in memory the
 * threads share (no copy a thread), the rest cloned. Undefined when there are no samples.
 */
export function prepareShared(collected: SampleColumns, minBin: number): Prepared | undefined {
  // Made in shared memory from the start: a copy there would be a 10M-op history's ~90 MB more at the peak.
  const memory: InputMemory = {
    f64: (n) => new Float64Array(new SharedArrayBuffer(n * 8)),
    u8: (n) => new Uint8Array(new SharedArrayBuffer(n)),
    i32: (n) => new Int32Array(new SharedArrayBuffer(n * 4)),
  };
  const prepared = prepareEstimate(collected, minBin, memory);
  // What every resample reads of t and ok, made once for all the threads (~45 MB a thread for the 10M-op history's reads).
  if (prepared) prepared.input.stretches = stretches(prepared.input.t, prepared.input.ok, memory.i32);
  return prepared;
}

/** The estimate from its preparation and its bootstrap's resamples in ranges, in order. */
export function completeFromRanges(prepared: Omit<Prepared, 'input'>, ranges: readonly Resampled[]): Estimate {
  const join = (columns: (r: Resampled) => Float64Array[], i: number): Float64Array => {
    const parts = ranges.map((r) => columns(r)[i]!);
    const out = new Float64Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  };
  const first = ranges[0]!;
  return completeEstimate(prepared, { bins: first.bins.map((_, i) => join((r) => r.bins, i)), levels: first.levels.map((_, i) => join((r) => r.levels, i)) });
}

/** The estimate of no samples. */
export function noSamples(): Estimate {
  const none = (): Window => ({ ms: null, samples: 0, writes: 0, reason: NO_SAMPLES });
  const windows = Object.fromEntries([...LEVELS.map((l) => l.name), '100%'].map((name) => [name, none()]));
  return { samples: 0, consistent: 0, writes: 0, curve: [], windows, pAt0: null, pAt0Basis: null, noFigure: {} };
}

/** An estimate before its bootstrap: its figures (the windows without intervals), its bins, and what the bootstrap resamples. */
export interface Prepared {
  figures: Omit<Estimate, 'curve'>;
  bins: Bin[];
  /** The windows whose intervals the bootstrap gives (the levels of input, in order). */
  levels: string[];
  input: BootstrapInput;
}

/** Where the columns the bootstrap reads are made. */
interface InputMemory {
  f64(n: number): Float64Array;
  u8(n: number): Uint8Array;
  i32(n: number): Int32Array;
}

const OWN_MEMORY: InputMemory = { f64: (n) => new Float64Array(n), u8: (n) => new Uint8Array(n), i32: (n) => new Int32Array(n) };

/** The samples sorted, binned and fitted (undefined when there are none): all of the estimate but its bootstrap. */
function prepareEstimate(collected: SampleColumns, minBin: number, memory = OWN_MEMORY): Prepared | undefined {
  const n = collected.t.length;
  if (n === 0) return undefined;
  // In t order (stable), with the writes numbered densely in that order.
  const order = sortOrder(collected.t);
  const ts = memory.f64(n);
  const ok = memory.u8(n);
  const writeOf = memory.i32(n);
  let units = 0;
  for (let i = 0; i < n; i++) units = Math.max(units, collected.unit[i]! + 1);
  const ids = new Int32Array(units).fill(-1);
  let writes = 0;
  for (let i = 0; i < n; i++) {
    const j = order[i]!;
    ts[i] = collected.t[j]!;
    ok[i] = collected.ok[j]!;
    const unit = collected.unit[j]!;
    if (ids[unit]! < 0) ids[unit] = writes++;
    writeOf[i] = ids[unit]!;
  }
  const sorted = new SortedCurve(ts, ok);
  const writesFrom = new Int32Array(n + 1);
  const seen = new Uint8Array(writes);
  for (let i = n - 1; i >= 0; i--) {
    writesFrom[i] = writesFrom[i + 1]! + (seen[writeOf[i]!] ? 0 : 1);
    seen[writeOf[i]!] = 1;
  }
  /** The first index whose t is >= x (after = false) or > x (after = true). */
  const firstFrom = (x: number, after: boolean): number => {
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (ts[mid]! < x || (after && ts[mid] === x)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };

  // The curve's bins, and the bin of each sample (both in t order).
  const raw = new Map<number, [number, number]>();
  let consistent = 0;
  for (let i = 0; i < n; i++) {
    if (ok[i]) consistent++;
    const b = rawBin(ts[i]!);
    const cell = raw.get(b) ?? [0, 0];
    cell[0]++;
    if (ok[i]) cell[1]++;
    raw.set(b, cell);
  }
  const bins = mergeBins(raw, minBin);
  const binOf = memory.i32(n);
  for (let i = 0, b = 0; i < n; i++) {
    while (ts[i]! >= bins[b]!.to && b + 1 < bins.length) b++;
    binOf[i] = b;
  }

  const fit = sorted.fit();
  const last = fit[fit.length - 1]!;

  // P(consistent | t = 0): the fit's value at the smallest t, its first block's fraction: the
  // lowest mean of any prefix of the reads (in t order). The fit of a few reads is mostly noise
  // there (an isotonic fit spikes at its ends: of 100,000 reads, the first block may be one stale
  // read), so the first PAT0_MIN_SAMPLES reads count as one point: the prefix holds at least that
  // many. Being a minimum over prefixes, it still leans low, by about a standard error of that many.
  let firstEnd = n - 1;
  let pAt0 = Infinity;
  for (let i = 0, k = 0; i < n; i++) {
    k += ok[i]!;
    if (i + 1 < Math.min(PAT0_MIN_SAMPLES, n) || (i + 1 < n && ts[i + 1] === ts[i])) continue;
    if (k / (i + 1) <= pAt0) {
      pAt0 = k / (i + 1);
      firstEnd = i;
    }
  }
  const maxT = ts[n - 1]!;

  // Every read later than the last inconsistent one was consistent: there the fit is 1. That
  // caps a q-window at that t only when no stale read among so many says, at 95%, that the stale
  // rate there is below 1 − q: zero of n independent trials bounds it by 3/n (the rule of three),
  // and the independent trials are writes, not reads (a write's reads share its propagation). With
  // 1/(1 − q) reads, a stale rate of 1 − q leaves none a third of the time: the cap at 1000 reads
  // once put a 99.9% window at 43 ms where the truth was 65. With 1000 reads of 3000 writes there
  // (as many as cap the 99.9% window), it is the 100% window: what was observed, not a bound on
  // what was not.
  let lastBad = n - 1;
  while (lastBad >= 0 && ok[lastBad]) lastBad--;
  const at = lastBad < 0 ? 0 : ts[lastBad]!;
  const afterAt = lastBad < 0 ? 0 : firstFrom(at, true);
  const beyond = n - afterAt;
  const beyondWrites = writesFrom[afterAt]!;
  const caps = LEVELS.map((l) => (beyondWrites >= CAP_WRITES_PER_MISS / (1 - l.q) ? at : Infinity));
  const allConsistent = beyond >= ALL_CONSISTENT_MIN_SAMPLES && beyondWrites >= ALL_CONSISTENT_MIN_WRITES;

  const windows: Record<string, Window> = {};
  const noFigure: Record<string, string> = {};
  // A level's window, or the bound it lies beyond, is never below a lower level's (ns).
  let floor = 0;
  LEVELS.forEach((l, li) => {
    const c = levelCrossing(fit, l.q);
    const cap = caps[li]!;
    let win: Window;
    if (c === null && cap === Infinity) {
      const from = firstFrom(last.tFrom, false);
      win = {
        ms: null,
        // Not a number, but a bound: the window lies beyond every read the run observed.
        atLeastMs: toMs(maxT),
        samples: n - from,
        writes: writesFrom[from]!,
        reason: `${l.name} consistency not reached within the reads observed (up to ${ms1(maxT)} ms): the fitted curve ends at ${round(last.p * 100)}% consistent, over the last ${count(last.samples, 'read')} (from ${ms1(last.tFrom)} ms)`,
      };
      noFigure[l.name] = `${l.name} not reached within the reads observed (up to ${ms1(maxT)} ms)`;
      floor = maxT;
    } else {
      const capped = c === null || cap <= c;
      const w = capped ? cap : c;
      const from = capped ? afterAt : firstFrom(w, false);
      const behind = n - from;
      // The fit's last block runs to the largest t observed, so its mean t, where the
      // interpolation puts it, says how far the reads reached, not where the curve rises: a
      // crossing past its first read moves with the lags planned (a client that fell behind its
      // plan once put a 99.9% window at 738 ms where WARS says 4.5 ms). Placing it at that read
      // instead is the cap, which needs its writes (above); without them there is no figure.
      const inLastBlock = !capped && w > last.tFrom;
      if (capped || (behind >= l.minSamples && !inLastBlock)) {
        win = { ms: toMs(w), samples: behind, writes: writesFrom[from]! };
        floor = w;
      } else if (inLastBlock) {
        const block = `its last block: ${count(last.samples, 'read')} from ${ms1(last.tFrom)} ms to the last, at ${ms1(maxT)} ms`;
        win = { ms: null, samples: behind, writes: writesFrom[from]!, reason: `not enough data: the fitted curve reaches ${l.name} only within ${block}, whose place says how far the reads reached, not where the curve rises` };
        noFigure[l.name] = `${l.name}: not enough data (reached only within the fit's last block, from ${ms1(last.tFrom)} ms)`;
      } else {
        win = { ms: null, samples: behind, writes: writesFrom[from]!, reason: `not enough data: ${count(behind, 'read')} at or beyond ${ms1(w)} ms; ${l.name} needs at least ${count(l.minSamples, 'read')}` };
        noFigure[l.name] = `${l.name}: not enough data (${count(behind, 'read')} at or beyond ${ms1(w)} ms; needs ${l.minSamples.toLocaleString('en-US')})`;
      }
      if (win.ms === null) {
        // What the fit does say: it is below q up to the last read of its last block below q.
        const below = fit.filter((b) => b.p < l.q).at(-1);
        if (below) {
          floor = Math.max(floor, below.tTo);
          win.atLeastMs = toMs(floor);
          win.reason += `; the window is at least ${ms1(floor)} ms, where the fitted curve is still below ${l.name}`;
          noFigure[l.name] += `, at least ${ms1(floor)} ms`;
        }
      }
    }
    windows[l.name] = win;
  });
  if (!allConsistent) {
    const since = lastBad < 0 ? 'none stale' : `since the last stale read, at ${ms1(at)} ms`;
    noFigure['100%'] = `100%: not enough data (${count(beyond, 'read')} of ${count(beyondWrites, 'write')}, ${since}; needs ${count(ALL_CONSISTENT_MIN_SAMPLES, 'read')} of ${count(ALL_CONSISTENT_MIN_WRITES, 'write')})`;
  }
  windows['100%'] = allConsistent
    ? { ms: toMs(at), samples: beyond, writes: beyondWrites }
    : {
        ms: null,
        samples: beyond,
        writes: beyondWrites,
        // A read at `at` was inconsistent, and no lower level's window exceeds this one's.
        ...(lastBad < 0 ? {} : { atLeastMs: toMs(Math.max(at, floor)) }),
        reason: `not enough data: ${count(beyond, 'read')} of ${count(beyondWrites, 'write')} started more than ${ms1(at)} ms after their write; 100% needs at least ${count(ALL_CONSISTENT_MIN_SAMPLES, 'read')} of ${count(ALL_CONSISTENT_MIN_WRITES, 'write')}`,
      };

  // The bootstrap resamples writes (bootstrap.ts): the bins always, the crossings of the levels with a figure.
  const levels = LEVELS.flatMap((l, li) => (windows[l.name]!.ms !== null ? [{ name: l.name, q: l.q, cap: caps[li]! }] : []));
  const input: BootstrapInput = { t: ts, ok, writeOf, writes, binOf, bins: bins.length, levels: levels.map(({ q, cap }) => ({ q, cap })) };
  const figures = { samples: n, consistent, writes, windows, pAt0: round(pAt0), pAt0Basis: { samples: firstEnd + 1, upToMs: toMs(ts[firstEnd]!) }, noFigure };
  return { figures, bins, levels: levels.map((l) => l.name), input };
}

/** The estimate from its figures and its bootstrap's resamples (all of them, in order). */
function completeEstimate(prepared: Omit<Prepared, 'input'>, resampled: Resampled): Estimate {
  const { figures, bins, levels } = prepared;
  const windows = Object.fromEntries(Object.entries(figures.windows).map(([name, w]) => [name, { ...w }]));
  levels.forEach((name, li) => {
    windows[name]!.ci95 = interval(resampled.levels[li]!, (x) => (x === Infinity ? null : toMs(x)));
  });
  const curve = bins.map((b, i) => {
    const fraction = round(b.consistent / b.samples);
    const ci = interval(resampled.bins[i]!, round);
    return { fromMs: toMs(b.from), toMs: toMs(b.to), samples: b.samples, consistent: b.consistent, fraction, ci95: (ci[0] === null ? [fraction, fraction] : ci) as CI };
  });
  const { samples, consistent, writes, pAt0, pAt0Basis, noFigure } = figures;
  return { samples, consistent, writes, curve, windows, pAt0, pAt0Basis, noFigure };
}

