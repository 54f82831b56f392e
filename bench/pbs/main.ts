// The WARS Monte Carlo (bench/pbs/wars.ts) over a few delay settings, N = 3, (W,R) in
// {(1,1), (1,2), (2,1)}: P(consistent | t = 0), the 99% and 99.9% windows and a few curve points.
//   npm run bench:pbs [-- trials [seed]]      (default 1,000,000 trials a row, seed 1)
import { performance } from 'node:perf_hooks';
import { warsCurve, type WarsDelays } from './wars.js';

const trials = Number(process.argv[2] ?? 1_000_000);
const seed = Number(process.argv[3] ?? 1);

const same = (spec: string): WarsDelays => ({ w: spec, a: spec, r: spec, s: spec });
// The LinkedIn fits of the PBS paper, with the parameters of the authors' public simulator
// (pbailis/pbs-vldb-historical-paper-material, nrw_solver/src/Simulator.java): SSD, every leg
// 91.22% Pareto(0.235, 10) + 8.78% Exp(rate 1.66/ms); DISK, the write leg 38% Pareto(1.05,
// 1.51) + 62% Exp(rate 0.183/ms), the other three legs as SSD.
const LNKD_SSD = 'mix:0.9122*pareto:0.235:10,0.0878*exp:0.60241';
const LNKD_DISK_W = 'mix:0.38*pareto:1.05:1.51,0.62*exp:5.46448';

const settings: { name: string; delays: WarsDelays; ts: number[] }[] = [
  { name: 'exp 1 ms', delays: same('exp:1'), ts: [0.5, 1, 2, 5] },
  { name: 'exp 20 ms', delays: same('exp:20'), ts: [10, 20, 50, 100] },
  { name: 'pareto 0.2/1.5', delays: same('pareto:0.2:1.5'), ts: [0.2, 0.5, 1, 5] },
  { name: 'mix .9 exp.5 + .1 pareto 1/1.5', delays: same('mix:0.9*exp:0.5,0.1*pareto:1:1.5'), ts: [0.5, 1, 5, 20] },
  { name: 'LNKD-SSD (paper fit)', delays: same(LNKD_SSD), ts: [0.1, 0.5, 1, 2] },
  { name: 'LNKD-DISK (paper fit)', delays: { w: LNKD_DISK_W, a: LNKD_SSD, r: LNKD_SSD, s: LNKD_SSD }, ts: [5, 10, 20, 50] },
  { name: 'const 0.5 ms', delays: same('const:0.5'), ts: [0.1, 1, 10, 100] },
  { name: 'mix .9 const .3 + .1 const 30', delays: same('mix:0.9*const:0.3,0.1*const:30'), ts: [1, 10, 29.4, 30] },
  { name: 'W unif 10-50, A/R/S const .2', delays: { w: 'uniform:10:50', a: 'const:0.2', r: 'const:0.2', s: 'const:0.2' }, ts: [5, 10, 20, 39.5] },
];
const quorums: [number, number][] = [
  [1, 1],
  [1, 2],
  [2, 1],
];

const f = (x: number, digits = 3) => x.toFixed(digits);
const pct = (p: number) => (100 * p).toFixed(p > 0.9999 && p < 1 ? 3 : 2);
const rows: string[][] = [];
const start = performance.now();
for (const s of settings) {
  for (const [w, r] of quorums) {
    const t = performance.now();
    const res = warsCurve({ n: 3, w, r, delays: s.delays, tGridMs: s.ts, trials, seed });
    const ms = performance.now() - t;
    rows.push([
      s.name,
      `${w},${r}`,
      `${pct(res.pAt0)} ± ${pct(res.seAt0)}`,
      f(res.windows.p99.tMs),
      f(res.windows.p999.tMs),
      res.curve.map((pt) => `${pt.tMs}:${pct(pt.p)}`).join('  '),
      `${Math.round(ms)}`,
    ]);
  }
}

const header = ['setting (all legs unless said)', 'W,R', 'P(t=0) % ± se', 't99 ms', 't99.9 ms', 'P(t) % at t ms', 'ms'];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
const line = (cells: string[]) => `| ${cells.map((c, i) => (i >= 2 && i <= 4 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join(' | ')} |`;
console.log(`WARS Monte Carlo, N = 3, ${trials.toLocaleString('en-US')} trials a row, seed ${seed}`);
console.log(line(header));
console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
for (const row of rows) console.log(line(row));
console.log(`total ${((performance.now() - start) / 1000).toFixed(1)} s`);
