// How far the windows of an isotonic fit land from the truth when the samples are exactly what
// WARS says, so that a run's error can be split into the estimator's own spread and the store's
// (or the harness's) bias. Per setting: thresholds T from the WARS Monte Carlo (a read at t is
// consistent iff t ≥ T, T drawn from WARS's trials), t uniform over the span bench:pbs:run uses,
// `reads` samples a fit, `fits` seeds; the spread of (fit's window − WARS's) / WARS's; beside it a
// local logistic fit around the isotonic crossing. SHARE=k: k consecutive reads share a threshold;
// LOGMIX=f: a fraction f of the t's log-uniform over [span / 1000, span] (more reads at small t).
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

/** Reads that share one threshold (as reads of one write share its propagation): 1 = independent. */
const SHARE = Number(process.env.SHARE ?? 1);
const LOGMIX = Number(process.env.LOGMIX ?? 0);
/**
 * A local fit around the isotonic crossing c0: logistic regression of "stale" on log t over the
 * reads with t in [c0 / K, c0 · K], by Newton's method; the t where the fitted stale rate is 1 − q.
 * A candidate of lower variance than the isotonic crossing (n^(-1/3)) for heavy tails, measured
 * here beside it; not what the checker reports (on exponential tails it is biased ~2% low, as
 * log-odds are not linear in log t there).
 */
const K = Number(process.env.K ?? 1.5);
function localCrossing(ts: Float64Array, stale: Uint8Array, c0: number, q: number): number {
  if (!(c0 > 0) || !Number.isFinite(c0)) return c0;
  const lo = c0 / K;
  const hi = c0 * K;
  const x0 = Math.log(c0);
  let a = Math.log((1 - q) / q);
  let b = 0;
  for (let it = 0; it < 30; it++) {
    let g0 = 0, g1 = 0, h00 = 0, h01 = 0, h11 = 0;
    for (let i = 0; i < ts.length; i++) {
      const t = ts[i]!;
      if (t < lo || t > hi) continue;
      const x = Math.log(t) - x0;
      const p = 1 / (1 + Math.exp(-(a + b * x)));
      const r = stale[i]! - p;
      const w = p * (1 - p);
      g0 += r; g1 += r * x; h00 += w; h01 += w * x; h11 += w * x * x;
    }
    const det = h00 * h11 - h01 * h01;
    if (!(det > 0)) break;
    const da = (h11 * g0 - h01 * g1) / det;
    const db = (h00 * g1 - h01 * g0) / det;
    a += da; b += db;
    if (Math.abs(da) + Math.abs(db) < 1e-9) break;
  }
  if (!(b < 0)) return c0;
  const x = (Math.log((1 - q) / q) - a) / b;
  return Math.exp(x0 + x);
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
  const l99: number[] = [];
  const l999: number[] = [];
  for (let seed = 1; seed <= fits; seed++) {
    const random = new Random(seed);
    let T = 0;
    const samples = Array.from({ length: reads }, (_, i) => {
      // LOGMIX=f: a fraction f of the t's log-uniform over [span / 1000, span] instead.
      const t = random.next() < LOGMIX ? span * 10 ** (-3 * random.next()) : random.next() * span;
      if (i % SHARE === 0) T = th[Math.floor(random.next() * th.length)]!;
      return { t, consistent: t >= T };
    });
    const fit = isotonicFit(samples);
    const i99 = levelCrossing(fit, 0.99)!;
    const i999 = levelCrossing(fit, 0.999)!;
    e99.push((i99 - p99.tMs) / p99.tMs);
    e999.push((i999 - p999.tMs) / p999.tMs);
    const ts = Float64Array.from(samples, (x) => x.t);
    const st = Uint8Array.from(samples, (x) => (x.consistent ? 0 : 1));
    l99.push((localCrossing(ts, st, i99, 0.99) - p99.tMs) / p99.tMs);
    l999.push((localCrossing(ts, st, i999, 0.999) - p999.tMs) / p999.tMs);
  }
  rows.push([s.name, `${s.w},${s.r}`, `${p99.tMs.toFixed(2)}: ${spread(e99)}`, `${p999.tMs.toFixed(2)}: ${spread(e999)}`, spread(l99), spread(l999)]);
}
console.log(`isotonic windows on WARS-drawn samples: ${reads.toLocaleString('en-US')} reads a fit, t uniform over 1.5 × the 99.9% window, ${fits} fits; error median (quartiles)`);
console.log(table(['setting (N = 3)', 'W,R', '99% window ms: error', '99.9% window ms: error', 'local fit 99%', 'local fit 99.9%'], rows));
