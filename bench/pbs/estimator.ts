// How far the windows of an isotonic fit land from the truth when the samples are exactly what
// WARS says, so that a run's error can be split into the estimator's own spread and the store's
// (or the harness's) bias. Per setting: thresholds T from the WARS Monte Carlo (a read at t is
// consistent iff t ≥ T, T drawn from WARS's trials), t uniform over the span bench:pbs:run uses,
// `reads` samples a fit, `fits` seeds; the spread of (fit's window − WARS's) / WARS's.
//   npm run bench:pbs:estimator [-- reads=100000 [fits=30 [setting-name-substring]]]
import { isotonicFit, levelCrossing } from '../../checkers/staleness/monotone-curve.js';
import { Random } from '../../src/util/random.js';
import { SETTINGS, table } from './compare.js';
import { warsCurve } from './wars.js';

const reads = Number(process.argv[2] ?? 100_000);
const fits = Number(process.argv[3] ?? 30);
const only = process.argv[4];

const quantile = (sorted: readonly number[], p: number) => sorted[Math.round(p * (sorted.length - 1))]!;
const pct = (x: number) => `${x >= 0 ? '+' : ''}${(100 * x).toFixed(1)}%`;
const spread = (errors: number[]) => {
  const s = [...errors].sort((a, b) => a - b);
  return `${pct(quantile(s, 0.5))} (${pct(quantile(s, 0.25))} … ${pct(quantile(s, 0.75))}); median of 3 outside ±10%: ${(100 * outsideOfMedianOf3(errors)).toFixed(0)}%`;
};
/** The share of triples of fits whose median error is beyond ±10%: how often a 3-run figure misses by chance. */
function outsideOfMedianOf3(errors: readonly number[]): number {
  let out = 0;
  let all = 0;
  for (let a = 0; a < errors.length; a++)
    for (let b = a + 1; b < errors.length; b++)
      for (let c = b + 1; c < errors.length; c++) {
        const m = [errors[a]!, errors[b]!, errors[c]!].sort((x, y) => x - y)[1]!;
        all++;
        if (Math.abs(m) > 0.1) out++;
      }
  return out / all;
}

const rows: string[][] = [];
for (const s of SETTINGS.filter((x) => only === undefined || x.name.includes(only))) {
  // Its own seed, apart from the fits': the reference is not drawn from the same numbers.
  const wars = warsCurve({ n: 3, w: s.w, r: s.r, delays: s.delays, tGridMs: [0], trials: 1_000_000, seed: 1_000_003 });
  const th = wars.thresholdsMs;
  const { p99, p999 } = wars.windows;
  const span = 1.5 * Math.max(p999.tMs, 4);
  const e99: number[] = [];
  const e999: number[] = [];
  for (let seed = 1; seed <= fits; seed++) {
    const random = new Random(seed);
    const samples = Array.from({ length: reads }, () => {
      const t = random.next() * span;
      return { t, consistent: t >= th[Math.floor(random.next() * th.length)]! };
    });
    const fit = isotonicFit(samples);
    e99.push((levelCrossing(fit, 0.99)! - p99.tMs) / p99.tMs);
    e999.push((levelCrossing(fit, 0.999)! - p999.tMs) / p999.tMs);
  }
  rows.push([s.name, `${s.w},${s.r}`, `${p99.tMs.toFixed(2)}: ${spread(e99)}`, `${p999.tMs.toFixed(2)}: ${spread(e999)}`]);
}
console.log(`isotonic windows on WARS-drawn samples: ${reads.toLocaleString('en-US')} reads a fit, t uniform over 1.5 × the 99.9% window, ${fits} fits; error median (quartiles)`);
console.log(table(['setting (N = 3)', 'W,R', '99% window ms: error', '99.9% window ms: error'], rows));
