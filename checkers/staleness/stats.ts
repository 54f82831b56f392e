// Summaries the staleness checkers report. Quantiles are nearest-rank (the smallest observed
// value with at least q of the sample at or below it), so every figure is a value that was
// actually observed, never an interpolation between two reads.

import { nearestRankQuantiles } from '../../src/util/select.js';

export interface Distribution {
  count: number;
  p50: number | null;
  p90: number | null;
  p99: number | null;
  max: number | null;
}

/** Nearest-rank quantile of an ascending array; null when it is empty. */
export function quantile(sorted: ArrayLike<number>, q: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.max(1, Math.ceil(q * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1]!;
}

/** count, p50, p90, p99 and max of the values, each scaled by `scale` (1e-6 turns ns into ms). */
export function distribution(values: readonly number[] | Float64Array, scale = 1): Distribution {
  // Selected on a copy: the caller's values keep their order.
  return distributionInPlace(Float64Array.from(values), scale);
}

/** distribution(), its quantiles selected in `values` itself (quantile's nearest ranks, not sorted for): their order is lost. */
export function distributionInPlace(values: Float64Array, scale = 1): Distribution {
  const picked = nearestRankQuantiles(values, [0.5, 0.9, 0.99, 1]);
  const [p50, p90, p99, max] = picked.map((v) => (v === undefined ? null : round(v * scale)));
  return { count: values.length, p50: p50!, p90: p90!, p99: p99!, max: max! };
}

/** Six significant decimals is well below the clock's resolution and keeps the JSON readable. */
export function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}


/** ns → ms for the JSON figures. */
export function toMs(ns: number): number {
  return round(ns / 1e6);
}

/** Interleaves per-kind anomaly lists so that a cap keeps examples of every kind. */
export function interleave<T>(lists: readonly T[][], max: number): T[] {
  const out: T[] = [];
  for (let i = 0; out.length < max; i++) {
    let any = false;
    for (const l of lists) {
      if (i < l.length) {
        any = true;
        if (out.length < max) out.push(l[i]!);
      }
    }
    if (!any) break;
  }
  return out;
}
