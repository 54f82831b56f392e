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
  const sorted = [...samples].sort((a, b) => a.t - b.t);
  const stack: { tFrom: number; tTo: number; tSum: number; n: number; k: number }[] = [];
  for (let i = 0; i < sorted.length; ) {
    // Equal t's are one point: they cannot be ordered among themselves.
    let j = i;
    let k = 0;
    while (j < sorted.length && sorted[j]!.t === sorted[i]!.t) k += sorted[j++]!.consistent ? 1 : 0;
    let cur = { tFrom: sorted[i]!.t, tTo: sorted[i]!.t, tSum: sorted[i]!.t * (j - i), n: j - i, k };
    // Pool while the block before has a higher fraction (k/n > k'/n', compared without division).
    while (stack.length > 0 && stack[stack.length - 1]!.k * cur.n >= cur.k * stack[stack.length - 1]!.n) {
      // Equal fractions pool too: the fit is the same, with fewer blocks.
      const prev = stack.pop()!;
      cur = { tFrom: prev.tFrom, tTo: cur.tTo, tSum: prev.tSum + cur.tSum, n: prev.n + cur.n, k: prev.k + cur.k };
    }
    stack.push(cur);
    i = j;
  }
  return stack.map((b) => ({ tFrom: b.tFrom, tTo: b.tTo, tMean: b.tSum / b.n, samples: b.n, consistent: b.k, p: b.k / b.n }));
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
  const i = blocks.findIndex((b) => b.p >= level);
  if (i < 0) return null;
  if (i === 0) return 0;
  const a = blocks[i - 1]!;
  const b = blocks[i]!;
  const t = a.tMean + ((level - a.p) / (b.p - a.p)) * (b.tMean - a.tMean);
  return Math.max(0, t);
}
