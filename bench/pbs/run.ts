// Does an emulator *run* reproduce PBS? For each delay distribution: `objcheck workload
// --workload pbs --target emulator --consistency quorum … --ground-truth`, started as a user
// would (its own process, the emulator on its own thread, the SDK over HTTP, the run's
// checkers), then its t-visibility samples as the store saw them (ground-truth.jsonl, exact
// times: checkers/staleness/store-side.ts) against the WARS Monte Carlo (wars.ts) over the same
// distributions: the largest gap over bins of t, and the 99% / 99.9% windows the run's visibility
// checker reported (results.json) with its 95% CI, beside those of a plain isotonic fit of the
// same samples.
//   npm run bench:pbs:run [-- reads=1000000 [seed=1 [setting-name-substring]]]
//   PBS_RATE=ops/s (default 3000) sets the plan's rate: the key count (an overloaded client only
//   slows the plan down; t is the store's, exact).
// Why 10^6 reads a setting (about 10 minutes each on a loaded 2-core machine): the isotonic
// crossing's error falls as n^(-1/3), and at 10^5 reads the 99% and 99.9% windows of the
// heavy-tailed settings spread past ±10% even on samples drawn from WARS itself (median of 3
// fits outside ±10%: 19% of the time at 99%, 44–54% at 99.9%; bench:pbs:estimator); at 10^6
// no triple of 12 fits was (the same bench: `SHARE=4 … estimator.js 1000000 12 pareto`).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { isotonicFit, levelCrossing } from '../../checkers/staleness/monotone-curve.js';
import { storeSideSamples } from '../../checkers/staleness/store-side.js';
import { readGroundTruth } from '../../src/history/ground-truth.js';
import { Random } from '../../src/util/random.js';
import { projectRoot } from '../../src/util/tool-info.js';
import { READS_PER_SPAN } from '../../workloads/pbs.js';
import { compareWithWars, relative, SETTINGS, table } from './compare.js';
import { warsCurve } from './wars.js';

const reads = Number(process.argv[2] ?? 1_000_000);
const seed = Number(process.argv[3] ?? 1);
const only = process.argv[4];
/** Ops a second the run is planned at: what one client process (the lean S3 client) sustains on a loaded 2-core machine. */
const RATE = Number(process.env.PBS_RATE ?? 3000);
/** A put's latency on a loaded 2-core machine, roughly: it only sets the key count. */
const PUT_MS = 10;

const cli = path.join(projectRoot(), 'dist/src/cli/main.js');
/** Redraws for the chance spread. */
const REDRAWS = 20;

/**
 * What the windows' errors would be by chance alone: the run's own t's, each read's outcome drawn
 * afresh from WARS (consistent iff t ≥ a threshold drawn from its trials, every read independent),
 * REDRAWS plain isotonic fits; the 10th and 90th percentile errors. A run's error well outside it
 * comes from the run (bias, or reads correlated through their writes), not from the fit's noise.
 */
function chanceSpread(samples: readonly { t: number }[], thresholds: Float64Array, p99: number, p999: number): { e99: string; e999: string } {
  const random = new Random(7);
  const e99: number[] = [];
  const e999: number[] = [];
  for (let k = 0; k < REDRAWS; k++) {
    const drawn = samples.map((x) => ({ t: x.t, consistent: x.t >= thresholds[Math.floor(random.next() * thresholds.length)]! }));
    const fit = isotonicFit([...drawn].sort((a, b) => a.t - b.t));
    e99.push(levelCrossing(fit, 0.99) ?? Infinity);
    e999.push(levelCrossing(fit, 0.999) ?? Infinity);
  }
  const range = (xs: number[], truth: number) => {
    xs.sort((a, b) => a - b);
    const at = (q: number) => relative(xs[Math.round(q * (xs.length - 1))]!, truth);
    return `${at(0.1)} … ${at(0.9)}`;
  };
  return { e99: range(e99, p99), e999: range(e999, p999) };
}
interface CheckerWindow {
  ms: number | null;
  ci95?: [number | null, number | null];
}

/** The checker's 95% CI of a window, and whether WARS's window lies inside: is the CI honest? */
function ciCell(w: CheckerWindow | undefined, truth: number): string {
  const [lo, hi] = w?.ci95 ?? [null, null];
  if (lo === null || hi === null) return '[no CI]';
  return `[${lo.toFixed(2)}, ${hi.toFixed(2)}; ${lo <= truth && truth <= hi ? 'yes' : 'no'}]`;
}
const results = mkdtempSync(path.join(tmpdir(), 'objcheck-pbs-'));
const rows: string[][] = [];
const gaps: number[] = [];
try {
  for (const s of SETTINGS.filter((x) => only === undefined || x.name.includes(only))) {
    const wars = warsCurve({ n: 3, w: s.w, r: s.r, delays: s.delays, tGridMs: [0], trials: 1_000_000, seed });
    const w999 = wars.windows.p999.tMs;
    // Reads spread past the 99.9% window (and past the commit, which they count from).
    const span = 1.5 * Math.max(w999, 4);
    // A key's cycle: its put's latency, then gets at READS_PER_SPAN a span from the put's start
    // to a span after its end, and 10% of the span more.
    const readsPerCycle = (READS_PER_SPAN * (span + PUT_MS)) / span;
    const keys = Math.max(1, Math.round((RATE * (1.1 * span + PUT_MS)) / 1000 / (1 + readsPerCycle)));
    // Some gets land before the commit (t < 0: no sample): a few more ops than reads.
    const ops = Math.ceil(reads * (1 + 1 / readsPerCycle) * 1.1);
    const name = `pbs-${rows.length}`;
    const t0 = performance.now();
    const run = spawnSync(
      process.execPath,
      [
        cli, 'workload', '--workload', 'pbs', '--target', 'emulator', '--consistency', 'quorum', '--replicas', '3',
        '--write-quorum', String(s.w), '--read-quorum', String(s.r),
        '--write-delay', s.delays.w as string, '--ack-delay', s.delays.a as string, '--read-delay', s.delays.r as string, '--response-delay', s.delays.s as string,
        '--keys', String(keys), '--lag-span', String(span), '--ops', String(ops), '--concurrency', '64', '--seed', String(seed),
        '--ground-truth', '--results', results, '--name', name,
      ],
      { encoding: 'utf8', maxBuffer: 1 << 28, env: { ...process.env, AWS_CA_BUNDLE: '' } },
    );
    // 0 or 1 (quorum reads are stale by design): a verdict; anything else, the run failed.
    if (run.status !== 0 && run.status !== 1) throw new Error(`${s.name}: the run exited ${run.status}: ${run.stderr.trim().split('\n').slice(-3).join(' / ')}`);
    const seconds = (performance.now() - t0) / 1000;
    const events = readGroundTruth(path.join(results, name, 'ground-truth.jsonl'));
    const { samples, leftOut } = storeSideSamples(events);
    const inMs = samples.filter((x) => x.t >= 0).map((x) => ({ t: x.t / 1e6, consistent: x.consistent }));
    const c = compareWithWars(inMs, wars);
    const chance = chanceSpread(inMs, wars.thresholdsMs, wars.windows.p99.tMs, w999);
    // The windows a user reads: the visibility checker's own (store-side t), with its CIs and caps.
    const visibility = JSON.parse(readFileSync(path.join(results, name, 'results.json'), 'utf8')).checkers.visibility as { windows: Record<string, CheckerWindow | undefined> };
    const checker99 = visibility.windows['99%']?.ms ?? null;
    const checker999 = visibility.windows['99.9%']?.ms ?? null;
    gaps.push(c.maxGap);
    const left = Object.values(leftOut).reduce((a, b) => a + b, 0);
    rows.push([
      s.name,
      `${s.w},${s.r}`,
      `${inMs.length.toLocaleString('en-US')}${left ? ` (${left} left out)` : ''}`,
      `${c.maxGap.toFixed(3)} at ${c.gapAt.toFixed(2)} ms`,
      `${(c.first.observed * 100).toFixed(1)}% / ${(c.first.expected * 100).toFixed(1)}% (t ≤ ${c.first.upToMs.toFixed(2)} ms)`,
      `${checker99?.toFixed(2) ?? '-'} / ${wars.windows.p99.tMs.toFixed(2)} (${relative(checker99, wars.windows.p99.tMs)}; fit ${relative(c.e99, wars.windows.p99.tMs)}) ${ciCell(visibility.windows['99%'], wars.windows.p99.tMs)}`,
      `${checker999?.toFixed(2) ?? '-'} / ${w999.toFixed(2)} (${relative(checker999, w999)}; fit ${relative(c.e999, w999)}) ${ciCell(visibility.windows['99.9%'], w999)}`,
      `99% ${chance.e99}; 99.9% ${chance.e999}`,
      `${seconds.toFixed(0)}`,
    ]);
    console.error(`${s.name}: ${inMs.length} samples in ${seconds.toFixed(0)} s, max gap ${c.maxGap.toFixed(3)}`);
    rmSync(path.join(results, name), { recursive: true, force: true });
  }
} finally {
  rmSync(results, { recursive: true, force: true });
}

console.log(`emulator runs (HTTP, pbs workload, store-side t from ground truth) against WARS: ${reads.toLocaleString('en-US')} reads a setting, seed ${seed}`);
console.log(table(['setting (N = 3)', 'W,R', 'samples (t ≥ 0)', 'max |P_run − P_WARS| (bin)', 'first bin P: run / WARS', '99% window ms: checker / WARS (plain fit) [checker CI; WARS in it?]', '99.9% window ms: checker / WARS (plain fit) [CI; in?]', 'plain fit, same t, WARS outcomes: p10 … p90', 's'], rows));
console.log(`largest gap over all settings: ${Math.max(...gaps).toFixed(3)} (goal ≤ 0.03)`);
