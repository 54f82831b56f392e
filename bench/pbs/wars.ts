/**
 * An independent Monte Carlo of the WARS model of Bailis et al., "Probabilistically Bounded
 * Staleness for Practical Partial Quorums" (VLDB 2012): the reference curve for the stale-read
 * window of a Dynamo-style store with N replicas, write quorum W and read quorum R.
 *
 * The model, as PBS states it (all times in ms, measured from the moment the coordinator sends
 * the write):
 *
 * - The write goes to all N replicas. Replica i receives it after W_i and its ack reaches the
 *   coordinator A_i later. The write *commits* (returns to its client) when the W-th ack
 *   arrives: c = the W-th smallest of W_i + A_i.
 * - A read starts `t` ms after the commit, at c + t, and asks all N replicas. The request
 *   reaches replica i after R_i; the replica answers with the version it holds at that moment,
 *   which is the new one iff W_i <= c + t + R_i (inclusive); the answer takes S_i to come back.
 *   The read returns after the first R answers, those with the R smallest R_i + S_i.
 * - The read is *consistent* iff at least one of those R answers carries the new version (one
 *   write, no later writes: PBS's k = 1, "the last written version").
 * - Every W_i, A_i, R_i, S_i is an independent draw per message, W_i from the W distribution
 *   and so on; the four distributions may differ, the replicas are identically distributed.
 *   No read repair, anti-entropy, failures or clock skew.
 *
 * t-visibility: P(consistent | t), the probability that a read starting t ms after the write
 * commits sees it. The 99% and 99.9% *windows* are the smallest t >= 0 with
 * P(consistent | t) >= 0.99 (0.999). Negative t (a read that starts before the commit) is
 * allowed on the grid; PBS only looks at t >= 0.
 *
 * Estimation. One trial draws a write (W_i, A_i for every replica) and a read (R_i, S_i, and a
 * tie-breaking key per replica). Which R answers come first does not depend on t, so a trial is
 * consistent at t exactly when t >= T*, where T* = min over the R first answers of
 * (W_i - R_i - c): a trial is summarized by one threshold, and P(consistent | t) is estimated by
 * the empirical CDF of T* over the trials. This shares each trial's write AND read draws across
 * the whole t grid (common random numbers). It is unbiased at every t: at a fixed t each trial
 * is still one independent draw of the full model, so the fraction consistent is a mean of
 * i.i.d. Bernoulli(P(t)) indicators, with binomial standard error sqrt(p(1-p)/trials). What the
 * sharing changes is only the correlation *between* grid points, which makes the estimated
 * curve exactly non-decreasing in t (as the true curve is) instead of non-decreasing within
 * noise. Reusing the read draws across t is legitimate because in WARS the read's delays do
 * not depend on when it starts.
 *
 * Ties. Answers that arrive at the same instant (equal R_i + S_i: certain with constant delays)
 * are ordered by a uniform random key drawn per replica per trial, never by replica index.
 * (The replicas are exchangeable, so index order would give the same distribution; random
 * keys keep that true if replicas ever stop being identical.) Ties among acks do not matter:
 * c is the W-th smallest value either way.
 *
 * Windows. P is evaluated on a fine uniform grid from 0 to the smallest T* at which the
 * empirical P reaches the highest level (`windowSteps` intervals); the window is the first grid
 * point where P >= level, interpolated linearly between it and the grid point before. It is
 * within one grid step of the empirical order statistic (returned too, as `exact`).
 */
import { parseDelaySpec, sampleDelay, type DelayDistribution } from '../../src/emulator/delay-spec.js';
import { Random } from '../../src/util/random.js';

type Delay = DelayDistribution | string;

export interface WarsDelays {
  /** Coordinator to replica, carrying the write. */
  w: Delay;
  /** Replica to coordinator, the write's ack. */
  a: Delay;
  /** Coordinator to replica, the read request. */
  r: Delay;
  /** Replica to coordinator, the read's answer. */
  s: Delay;
}

export interface WarsOptions {
  n: number;
  w: number;
  r: number;
  /** Distributions, or spec strings for parseDelaySpec ("exp:1", "mix:0.9*exp:0.5,0.1*pareto:1:1.5"). */
  delays: WarsDelays;
  /** The t values (ms after commit) at which to report P(consistent | t). */
  tGridMs: readonly number[];
  trials: number;
  seed: number;
  /** Intervals of the fine grid the windows are read from; default 4000. */
  windowSteps?: number;
}

export interface WarsPoint {
  tMs: number;
  /** Estimated P(consistent | t). */
  p: number;
  /** Binomial standard error, sqrt(p(1-p)/trials); 0 when p is 0 or 1. */
  se: number;
}

export interface WarsWindow {
  level: number;
  /** Smallest t >= 0 with P >= level on the fine grid, linearly interpolated (ms). */
  tMs: number;
  /** The same from the empirical distribution itself: max(0, the order statistic of T*). */
  exact: number;
}

export interface WarsResult {
  n: number;
  w: number;
  r: number;
  trials: number;
  seed: number;
  /** W + R > N: every read quorum meets every write quorum, so P = 1 at every t >= 0. */
  strict: boolean;
  curve: WarsPoint[];
  pAt0: number;
  seAt0: number;
  windows: { p99: WarsWindow; p999: WarsWindow };
  /** Spacing of the fine grid the windows were read from (ms); 0 when both windows are 0. */
  windowStepMs: number;
  /** Every trial's T* (ms), sorted ascending: P(consistent | t) = #{T* <= t} / trials. */
  thresholdsMs: Float64Array;
}

const LEVELS = { p99: 0.99, p999: 0.999 } as const;

function dist(d: Delay): DelayDistribution {
  return typeof d === 'string' ? parseDelaySpec(d) : d;
}

function checkInt(value: number, min: number, max: number, what: string): void {
  if (!Number.isInteger(value) || value < min || value > max) throw new RangeError(`wars: ${what} must be an integer in [${min}, ${max}], got ${value}`);
}

/** How many of the sorted thresholds are <= t. */
export function countAtMost(sorted: Float64Array, t: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** P(consistent | t) from a result's sorted thresholds. */
export function pAt(sorted: Float64Array, t: number): number {
  return countAtMost(sorted, t) / sorted.length;
}

function point(sorted: Float64Array, t: number): WarsPoint {
  const p = pAt(sorted, t);
  return { tMs: t, p, se: Math.sqrt((p * (1 - p)) / sorted.length) };
}

/** The smallest T* at which the empirical P reaches `level` (the window's order statistic). */
function orderStatistic(sorted: Float64Array, level: number): number {
  const n = sorted.length;
  let k = Math.max(1, Math.ceil(level * n));
  while (k > 1 && (k - 1) / n >= level) k--;
  while (k / n < level) k++;
  return sorted[k - 1]!;
}

/** One trial's threshold T*: the read at c + t is consistent iff t >= T*. */
function trial(opts: { n: number; w: number; r: number }, d: Record<keyof WarsDelays, DelayDistribution>, random: Random, scratch: Scratch): number {
  const { n, w, r } = opts;
  const { W, R, ackAt, answerAt, key, order } = scratch;
  // Draw order per replica: W, A, R, S, tie key. Fixed, so a seed replays.
  for (let i = 0; i < n; i++) {
    const wi = sampleDelay(d.w, random);
    const ai = sampleDelay(d.a, random);
    const ri = sampleDelay(d.r, random);
    const si = sampleDelay(d.s, random);
    W[i] = wi;
    R[i] = ri;
    ackAt[i] = wi + ai;
    answerAt[i] = ri + si;
    key[i] = random.next();
    order[i] = i;
  }
  // Commit: the W-th smallest ack arrival. Insertion sort; N is small.
  for (let i = 1; i < n; i++) {
    const x = ackAt[i]!;
    let j = i - 1;
    while (j >= 0 && ackAt[j]! > x) {
      ackAt[j + 1] = ackAt[j]!;
      j--;
    }
    ackAt[j + 1] = x;
  }
  const c = ackAt[w - 1]!;
  // The read's first R answers: by arrival, ties by the random key.
  for (let i = 1; i < n; i++) {
    const x = order[i]!;
    let j = i - 1;
    while (j >= 0 && (answerAt[order[j]!]! > answerAt[x]! || (answerAt[order[j]!]! === answerAt[x]! && key[order[j]!]! > key[x]!))) {
      order[j + 1] = order[j]!;
      j--;
    }
    order[j + 1] = x;
  }
  let threshold = Infinity;
  for (let k = 0; k < r; k++) {
    const i = order[k]!;
    // Replica i has the write when the request lands iff W_i <= c + t + R_i, i.e. t >= W_i - R_i - c.
    threshold = Math.min(threshold, W[i]! - R[i]! - c);
  }
  return threshold;
}

interface Scratch {
  W: Float64Array;
  R: Float64Array;
  ackAt: Float64Array;
  answerAt: Float64Array;
  key: Float64Array;
  order: Int32Array;
}

function windowOf(sorted: Float64Array, level: number, grid: Float64Array, gridP: Float64Array): WarsWindow {
  const exact = Math.max(0, orderStatistic(sorted, level));
  // First grid point with P >= level (P is non-decreasing along the grid).
  let lo = 0;
  let hi = grid.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (gridP[mid]! >= level) hi = mid;
    else lo = mid + 1;
  }
  if (lo === 0) return { level, tMs: grid[0]!, exact };
  const t0 = grid[lo - 1]!;
  const t1 = grid[lo]!;
  const p0 = gridP[lo - 1]!;
  const p1 = gridP[lo]!;
  return { level, tMs: t0 + ((level - p0) / (p1 - p0)) * (t1 - t0), exact };
}

export function warsCurve(opts: WarsOptions): WarsResult {
  const { n, w, r, trials, seed } = opts;
  checkInt(n, 1, 1000, 'n');
  checkInt(w, 1, n, 'w');
  checkInt(r, 1, n, 'r');
  checkInt(trials, 1, 1e9, 'trials');
  for (const t of opts.tGridMs) if (!Number.isFinite(t)) throw new RangeError(`wars: grid point ${t} is not finite`);
  const steps = opts.windowSteps ?? 4000;
  checkInt(steps, 1, 1e8, 'windowSteps');
  const d = { w: dist(opts.delays.w), a: dist(opts.delays.a), r: dist(opts.delays.r), s: dist(opts.delays.s) };

  const random = new Random(seed);
  const scratch: Scratch = {
    W: new Float64Array(n),
    R: new Float64Array(n),
    ackAt: new Float64Array(n),
    answerAt: new Float64Array(n),
    key: new Float64Array(n),
    order: new Int32Array(n),
  };
  const thresholds = new Float64Array(trials);
  for (let k = 0; k < trials; k++) thresholds[k] = trial({ n, w, r }, d, random, scratch);
  thresholds.sort();

  // The fine grid for the windows: [0, the order statistic of the highest level].
  const top = Math.max(0, orderStatistic(thresholds, LEVELS.p999), orderStatistic(thresholds, LEVELS.p99));
  const points = top > 0 ? steps + 1 : 1;
  const grid = new Float64Array(points);
  const gridP = new Float64Array(points);
  for (let k = 0; k < points; k++) {
    grid[k] = points === 1 ? 0 : (top * k) / steps;
    gridP[k] = pAt(thresholds, grid[k]!);
  }

  const at0 = point(thresholds, 0);
  return {
    n,
    w,
    r,
    trials,
    seed,
    strict: w + r > n,
    curve: opts.tGridMs.map((t) => point(thresholds, t)),
    pAt0: at0.p,
    seAt0: at0.se,
    windows: { p99: windowOf(thresholds, LEVELS.p99, grid, gridP), p999: windowOf(thresholds, LEVELS.p999, grid, gridP) },
    windowStepMs: points === 1 ? 0 : top / steps,
    thresholdsMs: thresholds,
  };
}
