// One comparison of measured t-visibility samples with the WARS Monte Carlo's curve: the
// figures issue 19 asks for, computed the same way for the in-process and the HTTP benches.
import { isotonicFit, levelCrossing, type CurveSample } from '../../checkers/staleness/monotone-curve.js';
import { pAt, type WarsDelays, type WarsResult } from './wars.js';

export interface Setting {
  name: string;
  delays: WarsDelays;
  w: number;
  r: number;
}
const same = (spec: string): WarsDelays => ({ w: spec, a: spec, r: spec, s: spec });
/** The delay distributions both benches compare (N = 3). */
export const SETTINGS: readonly Setting[] = [
  { name: 'exp 1 ms (sub-ms medians)', delays: same('exp:1'), w: 1, r: 1 },
  { name: 'exp 20 ms', delays: same('exp:20'), w: 1, r: 1 },
  { name: 'pareto 0.2 ms / 1.5', delays: same('pareto:0.2:1.5'), w: 1, r: 1 },
  { name: 'mix .9 exp 0.5 + .1 pareto 1/1.5', delays: same('mix:0.9*exp:0.5,0.1*pareto:1:1.5'), w: 1, r: 1 },
  { name: 'W exp 20, A/R/S exp 0.3 (tens of ms)', delays: { w: 'exp:20', a: 'exp:0.3', r: 'exp:0.3', s: 'exp:0.3' }, w: 1, r: 1 },
  { name: 'exp 1 ms, R = 2', delays: same('exp:1'), w: 1, r: 2 },
  { name: 'exp 1 ms, W = 2', delays: same('exp:1'), w: 2, r: 1 },
];

export interface Comparison {
  /** max over bins of equal counts of |observed fraction − WARS's expectation at the same t's|. */
  maxGap: number;
  /** ms: the median t of the bin with the largest gap. */
  gapAt: number;
  first: { observed: number; expected: number; upToMs: number };
  /** ms, from the isotonic fit of the samples (null: never reached). */
  e99: number | null;
  e999: number | null;
}

/** Samples' t in ms; bins of equal counts (20 by default). */
export function compareWithWars(samples: readonly CurveSample[], wars: WarsResult, binCount = 20): Comparison {
  const sorted = [...samples].sort((a, b) => a.t - b.t);
  const binOf = (b: number) => sorted.slice(Math.floor((b * sorted.length) / binCount), Math.floor(((b + 1) * sorted.length) / binCount));
  const observed = (bin: readonly CurveSample[]) => bin.filter((x) => x.consistent).length / bin.length;
  const expected = (bin: readonly CurveSample[]) => bin.reduce((a, x) => a + pAt(wars.thresholdsMs, x.t), 0) / bin.length;
  let maxGap = 0;
  let gapAt = 0;
  for (let b = 0; b < binCount; b++) {
    const bin = binOf(b);
    const gap = Math.abs(observed(bin) - expected(bin));
    if (gap > maxGap) {
      maxGap = gap;
      gapAt = bin[Math.floor(bin.length / 2)]!.t;
    }
  }
  const first = binOf(0);
  const fit = isotonicFit(sorted);
  return {
    maxGap,
    gapAt,
    first: { observed: observed(first), expected: expected(first), upToMs: first.at(-1)!.t },
    e99: levelCrossing(fit, 0.99),
    e999: levelCrossing(fit, 0.999),
  };
}

/** "-3.2%", or the absolute difference where WARS says 0. */
export function relative(e: number | null, w: number): string {
  if (e === null) return 'never';
  if (w === 0) return e === 0 ? '0%' : `+${e.toFixed(2)} ms`;
  return `${(((e - w) / w) * 100).toFixed(1)}%`;
}

/** A Markdown table. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: readonly string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}
