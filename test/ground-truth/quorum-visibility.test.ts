// Issue 6: the visibility checker's t-visibility curve and 99.9% window, against what the
// emulator's replicas really did, and against the model's analytic curve.
//
// The model (src/emulator/models/quorum.ts), N = 3, W = R = 1, write propagation exp(50 ms),
// every other delay 0:
// - a write goes to all three replicas, each after its own exp(50) delay, and is acknowledged
//   when the first one has applied it (W = 1, ack delay 0);
// - a read asks all three replicas, but with zero request and response delays the replies come
//   back synchronously in replica order, so replica 0 answers every read (R = 1).
// Replica 0 is the first to apply a write with probability 1/3; otherwise, by memorylessness,
// it applies it exp(50) after the acknowledgement. So a read t ms after the write completed is
// consistent with probability 1 − (2/3)·e^(−t/50), and the 99.9% window is
// 50·ln(2/3 · 1000) ≈ 325 ms.
import { beforeAll, describe, expect, it } from 'vitest';
import { staleReads } from '../../checkers/stale-reads.js';
import { visibility } from '../../checkers/visibility.js';
import { groundTruthRun, type GroundTruthRun } from './harness.js';
import { visibilitySamples, windowOf, type VisibilitySample } from './truth.js';
import { lagWorkload, QUORUM_VISIBILITY } from './workloads.js';

const MEAN_MS = 50;
const analytic = (tMs: number) => 1 - (2 / 3) * Math.exp(-Math.max(0, tMs) / MEAN_MS);
const ANALYTIC_999_MS = MEAN_MS * Math.log((2 / 3) * 1000);


type Bin = { fromMs: number; toMs: number; samples: number; consistent: number; fraction: number };
type Windows = Record<string, { ms: number | null; samples: number; ci95?: [number | null, number | null] }>;


describe('quorum N=3 R=W=1, write propagation exp:50: the visibility checker against the ground truth', () => {
  let run: GroundTruthRun;
  let truth: VisibilitySample[];
  let skipped: number;
  beforeAll(async () => {
    const { emulator, rate, lags } = QUORUM_VISIBILITY;
    run = await groundTruthRun({ emulator, workload: lagWorkload({ rate, putsPerKey: 2, lags }), seed: 11, concurrency: 24, keys: 400, limits: { rate }, thread: true });
    const v = visibilitySamples(run);
    truth = v.samples;
    skipped = v.skipped;
    // A read is skipped when the emulator's log cannot be paired with it unambiguously.
    expect(skipped).toBeLessThan(0.03 * truth.length);
  }, 60_000);

  it('the ground truth is self-consistent and follows the model', () => {
    // Replica 0 served every read, and "had the write applied" agrees with "returned it".
    const reads = run.history.ops.filter((o) => o.f === 'get' && o.type === 'ok').map((o) => run.truthOf.get(o.invokeIndex));
    expect(reads.every((r) => r === undefined || r.replicas?.[0] === 0)).toBe(true);
    expect(truth.filter((s) => s.consistent !== s.returnedConsistent)).toEqual([]);
  });

  it('estimates the curve within 0.05 of the true one in every bin of 200+ reads, and the truth is the model', async () => {
    const v = await visibility.check(run.history, { minBinSamples: 200, resamples: 50 });
    const curve = v.curve as Bin[];
    // The checker leaves out reads of a write that overlapped another of its key (planned not
    // to happen here; a slow put can still run into the next), as the truth says.
    const counted = truth.filter((s) => !s.overlapping);
    expect(v.overlappingExcluded).toBeGreaterThanOrEqual(truth.length - counted.length);
    expect(v.overlappingExcluded).toBeLessThanOrEqual(truth.length - counted.length + skipped);
    expect((v.samples as number) + (v.overlappingExcluded as number)).toBe(truth.length + skipped);
    const rows = curve.map((b) => {
      const inBin = counted.filter((s) => s.t >= b.fromMs * 1e6 && s.t < b.toMs * 1e6);
      const trueFraction = inBin.filter((s) => s.consistent).length / inBin.length;
      const model = inBin.reduce((a, s) => a + analytic(s.serverT / 1e6), 0) / inBin.length;
      return { fromMs: b.fromMs, samples: b.samples, truthSamples: inBin.length, estimated: b.fraction, truth: trueFraction, model };
    });
    expect(rows.length).toBeGreaterThanOrEqual(6);
    for (const r of rows) {
      expect(r.truthSamples, `bin from ${r.fromMs} ms`).toBeGreaterThanOrEqual(r.samples - skipped);
      expect(Math.abs(r.estimated - r.truth), `bin from ${r.fromMs} ms: estimated ${r.estimated}, true ${r.truth}`).toBeLessThanOrEqual(0.05);
      // The replicas follow the analytic curve (at t as the server saw it: from the write's
      // acknowledgement to the read's arrival), up to sampling noise: 4 σ, and reads of one put
      // share its delays, so a little more.
      const sigma = Math.sqrt((r.model * (1 - r.model)) / r.samples);
      expect(Math.abs(r.truth - r.model), `bin from ${r.fromMs} ms: true ${r.truth}, model ${r.model}`).toBeLessThanOrEqual(4 * sigma + 0.03);
    }
    console.log(rows.map((r) => `[${r.fromMs.toFixed(1)} ms, n=${r.samples}] estimated ${r.estimated.toFixed(3)} true ${r.truth.toFixed(3)} model ${r.model.toFixed(3)}`).join('\n'));
    // The curve rises to 1, and there is a curve to estimate: truly stale reads (the model says
    // 38% of reads planned 2–240 ms after their put; at a load average of 11 on 2 cores, 19 of
    // them were). Not "the first bin under 0.9": the client's own lag, which load stretches,
    // adds to every t and can lift the whole rising part.
    expect(counted.filter((s) => !s.consistent).length).toBeGreaterThanOrEqual(10);
    expect(rows[rows.length - 1]!.truth).toBeGreaterThan(0.99);
  });

  it('never calls a truly consistent read stale, and misses no truly stale one', async () => {
    const r = await staleReads.check(run.history, { maxAnomalies: Infinity });
    const stale = new Set(r.anomalies.map((a) => a.ops[0]!));
    const trulyStale = truth.filter((s) => !s.consistent);
    expect(truth.filter((s) => s.consistent && stale.has(s.read.invokeIndex))).toEqual([]);
    // Writes of a key are planned not to overlap; where they did not, nothing hides a stale read.
    expect(trulyStale.filter((s) => !s.overlapping && !stale.has(s.read.invokeIndex)).map((s) => s.read.invokeIndex)).toEqual([]);
  });

  it('reports a 99.9% window within 20% of the one the true labels give, and the truth bears it out', async () => {
    // The tail is measured per put (a put's reads share its delays): pinning the analytic
    // 325 ms within 20% takes thousands of puts, which bench/ground-truth.ts does. Here the
    // checker's window is held to the one its documented rule gives on the true labels.
    const v = await visibility.check(run.history, { resamples: 200 });
    const windows = v.windows as Windows;
    const fromTruth = windowOf(truth, 0.999);
    const w = windows['99.9%']!;
    console.log(`quorum exp:50: ${run.history.ops.length} ops in ${run.elapsedMs} ms; windows ${JSON.stringify(windows)}; 99.9% from the truth ${fromTruth} ms, analytic ${ANALYTIC_999_MS.toFixed(1)} ms; 99% from the truth ${windowOf(truth, 0.99)} ms, analytic ${(MEAN_MS * Math.log(200 / 3)).toFixed(1)} ms`);
    expect(w.ms === null).toBe(fromTruth === null);
    if (w.ms !== null) {
      expect(Math.abs(w.ms - fromTruth!) / fromTruth!).toBeLessThanOrEqual(0.2);
      const beyond = truth.filter((s) => s.t >= w.ms! * 1e6);
      expect(beyond.filter((s) => s.consistent).length / beyond.length).toBeGreaterThanOrEqual(0.995);
    }
    const w99 = windows['99%']!;
    expect(w99.ms).not.toBeNull();
    expect(Math.abs(w99.ms! - windowOf(truth, 0.99)!) / windowOf(truth, 0.99)!).toBeLessThanOrEqual(0.2);
  });
});
