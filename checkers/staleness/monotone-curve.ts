// A t-visibility curve as a non-decreasing function of t, fitted to (t, consistent) samples by
// isotonic regression (pool adjacent violators), and the t at which it reaches a level, read off
// by linear interpolation between the fitted blocks rather than at a bin's edge. The true curve
// P(consistent | t) never falls as t grows; a fit that respects that uses every sample for the
// tail instead of the few that land in one bin.

export interface CurveSample {
  /** Time since the write (any unit; the result is in the same one). */
  t: number;
  consistent: boolean;
}

/** A run of samples (in t order) with one fitted value: the fraction consistent among them. */
export interface Block {
  tFrom: number;
  tTo: number;
  /** The mean t of its samples: where the block's value is placed for interpolation. */
  tMean: number;
  samples: number;
  consistent: number;
  p: number;
}

/** The isotonic (least-squares, non-decreasing) fit: blocks in t order with rising p. */
export function isotonicFit(samples: readonly CurveSample[]): Block[] {
  return new SortedSamples(samples).fit();
}

/**
 * Samples sorted by t once, as columns (t, and 1 for consistent), to be fitted many times with
 * different weights (a bootstrap): each fit is one O(n) pass.
 */
export class SortedCurve {
  // The pool's stack, reused by every fit.
  private readonly sFrom: Float64Array;
  private readonly sTo: Float64Array;
  private readonly sT: Float64Array;
  private readonly sN: Float64Array;
  private readonly sK: Float64Array;

  /** `t` ascending; `ok[i]`: 1 when sample i was consistent. */
  constructor(
    private readonly t: Float64Array,
    private readonly ok: Uint8Array,
  ) {
    const n = t.length;
    this.sFrom = new Float64Array(n);
    this.sTo = new Float64Array(n);
    this.sT = new Float64Array(n);
    this.sN = new Float64Array(n);
    this.sK = new Float64Array(n);
  }

  /**
   * The isotonic fit (pool adjacent violators) with a weight per sample, in t order: weight w
   * counts the sample w times (0 leaves it out). Without weights, every sample counts once.
   */
  fit(weight?: ArrayLike<number>): Block[] {
    const { sFrom, sTo, sT, sN, sK } = this;
    const blocks: Block[] = [];
    for (let b = 0, count = this.pool(weight); b < count; b++) {
      blocks.push({ tFrom: sFrom[b]!, tTo: sTo[b]!, tMean: sT[b]! / sN[b]!, samples: sN[b]!, consistent: sK[b]!, p: sK[b]! / sN[b]! });
    }
    return blocks;
  }

  /** Pools the weighted samples into the stack; returns how many blocks it holds. */
  private pool(weight?: ArrayLike<number>): number {
    const { t, ok, sFrom, sTo, sT, sN, sK } = this;
    let top = -1;
    for (let i = 0; i < t.length; ) {
      // Equal t's are one point: they cannot be ordered among themselves.
      let j = i;
      let n = 0;
      let k = 0;
      while (j < t.length && t[j] === t[i]) {
        const w = weight ? weight[j]! : 1;
        n += w;
        k += ok[j]! * w;
        j++;
      }
      if (n > 0) {
        let from = t[i]!;
        let tSum = t[i]! * n;
        // Pool while the block before has a higher fraction (k/n > k'/n', compared without
        // division); equal fractions pool too: the fit is the same, with fewer blocks.
        while (top >= 0 && sK[top]! * n >= k * sN[top]!) {
          from = sFrom[top]!;
          tSum += sT[top]!;
          n += sN[top]!;
          k += sK[top]!;
          top--;
        }
        top++;
        sFrom[top] = from;
        sTo[top] = t[i]!;
        sT[top] = tSum;
        sN[top] = n;
        sK[top] = k;
      }
      i = j;
    }
    return top + 1;
  }
}

/** Samples sorted by t once (SortedCurve), kept in that order as objects too. */
export class SortedSamples<T extends CurveSample = CurveSample> extends SortedCurve {
  /** The samples in t order. */
  readonly samples: readonly T[];

  constructor(samples: readonly T[]) {
    const order = sortOrder(Float64Array.from(samples, (s) => s.t));
    const sorted: T[] = Array.from(order, (i) => samples[i]!);
    super(Float64Array.from(sorted, (s) => s.t), Uint8Array.from(sorted, (s) => (s.consistent ? 1 : 0)));
    this.samples = sorted;
  }
}

/** Bits of a sample's position in sortByT's keys, below those of its t. */
const POSITION_BITS = 20;
/** The t's (integers from 0) that fit in the 64-bit keys beside a position. */
const MAX_KEYED_T = 2 ** (64 - POSITION_BITS);

/**
 * The positions of the t's in ascending order, equal t's in the order given (a stable sort).
 * When the t's are integers from 0 below 2^44 (ns: about 4.9 hours) and fewer than 2^20, each is
 * a 64-bit key, t above its position, sorted natively: on a million-op history's half million
 * reads, a fraction of the sort with a comparison function, which it gives the same order.
 * Integers to 2^53 otherwise (more of them, or larger): radixOrder, the same order again.
 */
export function sortOrder(t: Float64Array): Uint32Array {
  const n = t.length;
  const integers = t.every((x) => Number.isInteger(x) && x >= 0 && x <= Number.MAX_SAFE_INTEGER);
  if (!integers) return Uint32Array.from(Array.from({ length: n }, (_, i) => i).sort((a, b) => t[a]! - t[b]!));
  // More than a key's position bits hold (a 10M-op history's 5 million reads): by digits.
  if (n >= 2 ** POSITION_BITS || !t.every((x) => x < MAX_KEYED_T)) return radixOrder(t);
  const keys = new BigUint64Array(n);
  // Written as two 32-bit halves (little-endian: low first), no BigInt made a sample.
  const words = new Uint32Array(keys.buffer);
  const low = 2 ** (32 - POSITION_BITS);
  for (let i = 0; i < n; i++) {
    const x = t[i]!;
    words[2 * i] = ((x % low) * 2 ** POSITION_BITS + i) >>> 0;
    words[2 * i + 1] = Math.floor(x / low);
  }
  keys.sort();
  const out = new Uint32Array(n);
  for (let i = 0; i < n; i++) out[i] = words[2 * i]! & (2 ** POSITION_BITS - 1);
  return out;
}

/**
 * sortOrder's order for integer t's from 0 to 2^53 - 1: a least-significant-digit radix sort,
 * 16 bits a pass (stable, so equal t's keep their order), a pass skipped where every t has the
 * same digit. On the 5.4 million reads of a 10M-op history it took a fraction of the ~2.5 s a
 * comparison function's sort took.
 */
export function radixOrder(t: Float64Array): Uint32Array {
  const n = t.length;
  const low = new Uint32Array(n);
  const high = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    low[i] = t[i]! % 4294967296;
    high[i] = Math.floor(t[i]! / 4294967296);
  }
  let order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  let next = new Uint32Array(n);
  const count = new Uint32Array(65536);
  for (const [words, shift] of [[low, 0], [low, 16], [high, 0], [high, 16]] as const) {
    count.fill(0);
    for (let i = 0; i < n; i++) count[(words[i]! >>> shift) & 0xffff]!++;
    if (count.some((c) => c === n)) continue;
    let sum = 0;
    for (let d = 0; d < 65536; d++) {
      const c = count[d]!;
      count[d] = sum;
      sum += c;
    }
    for (let i = 0; i < n; i++) {
      const p = order[i]!;
      next[count[(words[p]! >>> shift) & 0xffff]!++] = p;
    }
    [order, next] = [next, order];
  }
  return order;
}

/** The fitted curve at t: linear between the blocks' mean t's, flat beyond the first and last. */
export function curveAt(blocks: readonly Block[], t: number): number {
  if (blocks.length === 0) return NaN;
  if (t <= blocks[0]!.tMean) return blocks[0]!.p;
  for (let i = 1; i < blocks.length; i++) {
    const a = blocks[i - 1]!;
    const b = blocks[i]!;
    if (t <= b.tMean) return a.p + ((b.p - a.p) * (t - a.tMean)) / (b.tMean - a.tMean);
  }
  return blocks[blocks.length - 1]!.p;
}

/**
 * The smallest t >= 0 from which the fitted curve is at least `level`: 0 when it starts there,
 * null when it never gets there; otherwise interpolated between the block below the level and
 * the first at or above it.
 */
export function levelCrossing(blocks: readonly Block[], level: number): number | null {
  return crossing(blocks.length, (i) => blocks[i]!.tMean, (i) => blocks[i]!.p, level);
}

/** levelCrossing over `count` blocks given by their mean t and fitted value. */
export function crossing(count: number, tMean: (i: number) => number, p: (i: number) => number, level: number): number | null {
  let i = 0;
  while (i < count && p(i) < level) i++;
  if (i === count) return null;
  if (i === 0) return 0;
  const t = tMean(i - 1) + ((level - p(i - 1)) / (p(i) - p(i - 1))) * (tMean(i) - tMean(i - 1));
  return Math.max(0, t);
}
