// The Poisson bootstrap of a t-visibility estimate (visibility-estimate.ts): each resample
// weighs every write by a Poisson(1) draw, and all its reads with it (they share its
// propagation, so they are not independent); the curve's bins and the windows' crossings are
// recomputed from the weighted reads. One pass over the reads a resample does both the bins
// and the isotonic fit (monotone-curve.ts's pool, to the same sums in the same order).
import { crossing } from './monotone-curve.js';
import { Sampler } from './sampler.js';

/** The samples in t order, and what the bootstrap recomputes of them. */
export interface BootstrapInput {
  /** t ascending (ns). */
  t: Float64Array;
  /** 1 when the read was consistent. */
  ok: Uint8Array;
  /** The write each read followed, numbered densely from 0. */
  writeOf: Int32Array;
  writes: number;
  /** The curve's bin of each read, and how many bins there are. */
  binOf: Int32Array;
  bins: number;
  /** The levels whose crossing is resampled (none: only the bins are), each with its cap (ns, Infinity: none). */
  levels: readonly { q: number; cap: number }[];
  /** stretches() of t and ok, when made once for every thread's resamples (otherwise each makes its own). */
  stretches?: Stretches;
}

/** Where each read's point (its equal t's) ends, where its stretch of consistent points ends (0: none starts there), and the sum of |t|. */
export interface Stretches {
  runEnd: Int32Array;
  consistentEnd: Int32Array;
  sumT: number;
}

/** Per bin, its fraction consistent in each resample (NaN: no weight there); per level, its capped crossing (Infinity: never). */
export interface Resampled {
  bins: Float64Array[];
  levels: Float64Array[];
}

/**
 * `count` resamples of the bootstrap seeded `seed`, from its resample `from` on: each draws one
 * weight a write, so resamples [from, from + count) on one thread and the rest on another give
 * exactly the resamples of one thread.
 */
export function resample(input: BootstrapInput, seed: number, count: number, from = 0): Resampled {
  const { t, ok, writeOf, writes, binOf, levels } = input;
  const n = t.length;
  const sampler = new Sampler(seed);
  sampler.skip(from * writes);
  // Poisson(1) draws are small integers (below 20): a byte each keeps the table in cache.
  const writeWeight = new Uint8Array(writes);
  const binN = new Float64Array(input.bins);
  const binK = new Float64Array(input.bins);
  const bins = Array.from({ length: input.bins }, () => new Float64Array(count));
  const crossed = levels.map(() => new Float64Array(count));
  const { runEnd, consistentEnd, sumT } = input.stretches ?? stretches(t, ok);
  // The pool's stack (mean t's numerator, weight, weight consistent).
  const pool = levels.length > 0;
  const sT = new Float64Array(pool ? n : 0);
  const sN = new Float64Array(sT.length);
  const sK = new Float64Array(sT.length);
  for (let r = 0; r < count; r++) {
    const maxWeight = sampler.poissonInto(1, writeWeight);
    // A stretch of consistent reads is pooled whole when every sum the pool can make is an
    // integer below 2^53: then no order of additions rounds, and the fit is the one read by read.
    const whole = sumT * maxWeight < 2 ** 53 && (n * maxWeight) ** 2 < 2 ** 53;
    binN.fill(0);
    binK.fill(0);
    // The reads are in t order, so their bins rise: each bin's sums are kept here until it ends.
    let bin = binOf[0]!;
    let inBin = 0;
    let inBinOk = 0;
    let top = -1;
    for (let i = 0; i < n; ) {
      const stretch = whole ? consistentEnd[i]! : 0;
      const end = stretch > i ? stretch : runEnd[i]!;
      let wn = 0;
      let k = 0;
      let tSum = 0;
      for (let j = i; j < end; j++) {
        const w = writeWeight[writeOf[j]!]!;
        const c = ok[j]! * w;
        if (binOf[j] !== bin) {
          binN[bin] = inBin;
          binK[bin] = inBinOk;
          bin = binOf[j]!;
          inBin = 0;
          inBinOk = 0;
        }
        inBin += w;
        inBinOk += c;
        wn += w;
        k += c;
        if (stretch > i) tSum += t[j]! * w;
      }
      if (pool && wn > 0) {
        // A stretch pools with a consistent block below, and only with it, as its first read would.
        if (stretch <= i) tSum = t[i]! * wn;
        while (top >= 0 && sK[top]! * wn >= k * sN[top]!) {
          tSum += sT[top]!;
          wn += sN[top]!;
          k += sK[top]!;
          top--;
        }
        top++;
        sT[top] = tSum;
        sN[top] = wn;
        sK[top] = k;
      }
      i = end;
    }
    binN[bin] = inBin;
    binK[bin] = inBinOk;
    for (let l = 0; l < levels.length; l++) crossed[l]![r] = Math.min(levels[l]!.cap, crossing(top + 1, (b) => sT[b]! / sN[b]!, (b) => sK[b]! / sN[b]!, levels[l]!.q) ?? Infinity);
    for (let b = 0; b < bins.length; b++) bins[b]![r] = binN[b]! > 0 ? binK[b]! / binN[b]! : NaN;
  }
  return { bins, levels: crossed };
}

/**
 * Where each run of equal t's ends (they are one point of the fit); at the start of a point
 * whose reads are all consistent, where the stretch of such points from it ends (0 elsewhere);
 * and the sum of |t| (Infinity when a t is not an integer), which bounds the pool's sums per
 * unit of weight.
 */
export function stretches(t: Float64Array, ok: Uint8Array, i32: (n: number) => Int32Array<ArrayBufferLike> = (n) => new Int32Array(n)): Stretches {
  const n = t.length;
  const runEnd = i32(n);
  const consistentEnd = i32(n);
  let sumT = 0;
  // Backwards, so that what follows a point is known when it is met; `pointOk`: the reads from i to its point's end are consistent.
  let pointOk = true;
  for (let i = n - 1; i >= 0; i--) {
    const sameAsNext = i + 1 < n && t[i + 1] === t[i];
    runEnd[i] = sameAsNext ? runEnd[i + 1]! : i + 1;
    pointOk = ok[i] === 1 && (!sameAsNext || pointOk);
    sumT += Number.isInteger(t[i]) ? Math.abs(t[i]!) : Infinity;
    const startsPoint = i === 0 || t[i - 1] !== t[i];
    if (startsPoint && pointOk) {
      const next = runEnd[i]!;
      consistentEnd[i] = next < n && consistentEnd[next]! > 0 ? consistentEnd[next]! : next;
    }
  }
  return { runEnd, consistentEnd, sumT };
}
