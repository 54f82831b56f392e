import { Sampler } from '../staleness/sampler.js';
import { distribution, quantile, toMs, type Distribution } from '../staleness/stats.js';

/** Fewer samples than this and the estimate says it has not enough of them. */
export const MIN_SAMPLES = 5;
const CONFIDENCE = 0.95;

export interface WindowEstimate {
  /** Changes measured (each one lag). */
  samples: number;
  /** The median lag in ms, or null with a reason. */
  ms: number | null;
  /** Bootstrap 95% interval of the median. */
  ci95: [number, number] | null;
  /** The longest lag seen, ms: the window as far as this run can tell. */
  maxMs: number | null;
  /** Lags in ms: count, p50, p90, p99, max. */
  distribution: Distribution;
  /** Changes never seen in force before the next change or the end of the run. */
  censored: number;
  /** When some were: the longest of their lower bounds, ms. */
  atLeastMs?: number;
  enough: boolean;
  reason?: string;
}

/**
 * The window from per-change lags: the median with a bootstrap interval (resampling the changes,
 * seeded), and the maximum. The bootstrap is the staleness checkers' own sampler, so a result
 * is reproducible from the history and the seed.
 */
export function estimateWindow(lagsNs: readonly number[], censoredNs: readonly number[], seed = 1, resamples = 1000): WindowEstimate {
  const n = lagsNs.length;
  const sorted = Float64Array.from(lagsNs).sort();
  const censored = censoredNs.length > 0 ? { censored: censoredNs.length, atLeastMs: toMs(Math.max(...censoredNs)) } : { censored: 0 };
  const dist = distribution(lagsNs, 1e-6);
  if (n === 0) return { samples: 0, ms: null, ci95: null, maxMs: null, distribution: dist, ...censored, enough: false, reason: 'no change was followed by a probe that showed it' };
  const sampler = new Sampler(seed);
  const medians = new Float64Array(resamples);
  const draw = new Float64Array(n);
  for (let r = 0; r < resamples; r++) {
    for (let i = 0; i < n; i++) draw[i] = sorted[Math.floor(sampler.uniform() * n)]!;
    medians[r] = quantile(draw.sort(), 0.5)!;
  }
  medians.sort();
  const lo = (1 - CONFIDENCE) / 2;
  const enough = n >= MIN_SAMPLES;
  return {
    samples: n,
    ms: toMs(quantile(sorted, 0.5)!),
    ci95: [toMs(quantile(medians, lo)!), toMs(quantile(medians, 1 - lo)!)],
    maxMs: toMs(sorted[n - 1]!),
    distribution: dist,
    ...censored,
    enough,
    ...(enough ? {} : { reason: `not enough data: ${n} changes measured; a window needs at least ${MIN_SAMPLES}` }),
  };
}
