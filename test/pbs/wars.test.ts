import { describe, expect, it } from 'vitest';
import { pAt, warsCurve, type WarsDelays } from '../../bench/pbs/wars.js';
import { parseDelaySpec, sampleDelay } from '../../src/emulator/delay-spec.js';
import { Random } from '../../src/util/random.js';

const same = (spec: string): WarsDelays => ({ w: spec, a: spec, r: spec, s: spec });

/** |got - want| within k binomial standard errors of `want` (at least `floor`). */
function near(got: number, want: number, trials: number, k = 3, floor = 0): void {
  const se = Math.sqrt((want * (1 - want)) / trials);
  expect(Math.abs(got - want), `got ${got}, want ${want} ± ${k}×${se.toFixed(5)}`).toBeLessThanOrEqual(Math.max(k * se, floor));
}

describe('strict quorums (W + R > N)', () => {
  // Independent fact: the W acks and the R answers come from sets of sizes W and R out of N, so
  // they share a replica j. j acked before the commit, so W_j <= W_j + A_j <= c <= c + t + R_j
  // for every t >= 0: j's answer carries the write. P = 1 exactly, in every trial.
  const settings = ['exp:1', 'pareto:0.2:1.5', 'mix:0.9*exp:0.5,0.1*pareto:1:1.5', 'mix:0.5*const:0.2,0.5*const:30', 'const:3'];
  const quorums: [number, number, number][] = [
    [3, 2, 2],
    [3, 1, 3],
    [3, 3, 1],
    [5, 3, 3],
    [5, 2, 4],
  ];
  for (const spec of settings) {
    for (const [n, w, r] of quorums) {
      it(`${spec}, N=${n} W=${w} R=${r}: P = 1 at every t >= 0`, () => {
        const res = warsCurve({ n, w, r, delays: same(spec), tGridMs: [0, 1e-9, 0.5, 10, 1000], trials: 20_000, seed: 7 });
        expect(res.strict).toBe(true);
        expect(res.pAt0).toBe(1);
        expect(res.curve.every((pt) => pt.p === 1 && pt.se === 0)).toBe(true);
        expect(res.thresholdsMs[res.thresholdsMs.length - 1]).toBeLessThanOrEqual(0);
        expect(res.windows.p99.tMs).toBe(0);
        expect(res.windows.p999.tMs).toBe(0);
      });
    }
  }

  it('the same settings with W + R = N are not always consistent at t = 0 (the test above can fail)', () => {
    for (const spec of settings.slice(0, 4)) {
      const res = warsCurve({ n: 3, w: 1, r: 2, delays: same(spec), tGridMs: [0], trials: 20_000, seed: 7 });
      expect(res.strict).toBe(false);
      expect(res.pAt0).toBeLessThan(1);
    }
  });
});

describe('constant and two-point delays: step functions by hand', () => {
  it('N=3, W=R=1, W_i=10, A_i=R_i=S_i=1: commit at 11, the read lands at 12 + t >= 10, so P = 1 for t >= 0', () => {
    const res = warsCurve({
      n: 3,
      w: 1,
      r: 1,
      delays: { w: 'const:10', a: 'const:1', r: 'const:1', s: 'const:1' },
      tGridMs: [-3, -2.001, -2, 0, 5],
      trials: 1000,
      seed: 1,
    });
    expect(res.pAt0).toBe(1);
    // Every trial has T* = W_i - R_i - c = 10 - 1 - 11 = -2: a read starting more than 2 ms
    // before the commit reaches a replica before the write does.
    expect(res.thresholdsMs.every((t) => t === -2)).toBe(true);
    expect(res.curve.map((pt) => pt.p)).toEqual([0, 0, 1, 1, 1]);
    expect(res.windows.p99.tMs).toBe(0);
  });

  it('identical constants can never be stale at t >= 0, however slow W_i is: the 0 -> 1 step sits at t = -(A + R)', () => {
    // A replica acks only after it has the write, and commit waits for an ack; with the same W
    // everywhere every replica has the write by W <= c. So the step the brief imagined ("A tiny,
    // W_i large": 0 below a positive threshold) cannot happen with i.i.d. replicas; it is at
    // t = W - R - (W + A) = -(A + R) = -3/128 ms here (powers of two, so the arithmetic is exact).
    const res = warsCurve({
      n: 3,
      w: 1,
      r: 1,
      delays: { w: 'const:50', a: 'const:0.015625', r: 'const:0.0078125', s: 'const:0.0078125' },
      tGridMs: [-1, -0.0235, -0.0234375, 0],
      trials: 1000,
      seed: 2,
    });
    expect(res.curve.map((pt) => pt.p)).toEqual([0, 0, 1, 1]);
  });

  // W_i is 0 or 100 ms with probability 1/2 each; A = R = S = 0. All answers tie (R_i + S_i = 0),
  // so the read's replicas are a uniformly random R-subset: the tie-breaking is what is tested.
  const twoPoint: WarsDelays = { w: 'mix:1*const:0,1*const:100', a: 'const:0', r: 'const:0', s: 'const:0' };

  it('N=2, W=R=1, two-point W_i: P = 0 for t < 0, 3/4 on [0, 100), 1 from 100 (inclusive)', () => {
    // Both replicas fast or both slow (1/2): every replica has the write at c, consistent for
    // t >= 0, stale for t < 0. One of each (1/2): c = 0; the read picks the fast one with 1/2
    // (consistent for t >= 0), the slow one with 1/2 (consistent iff 100 <= 0 + t).
    // P = 1/2 + 1/2 * 1/2 = 3/4 on [0, 100).
    const trials = 40_000;
    const res = warsCurve({ n: 2, w: 1, r: 1, delays: twoPoint, tGridMs: [-50, -1e-9, 0, 50, 99.999, 100, 150], trials, seed: 3 });
    const [m50, m0, p0, p50, p99, p100, p150] = res.curve.map((pt) => pt.p) as [number, number, number, number, number, number, number];
    expect(m50).toBe(0);
    expect(m0).toBe(0);
    near(p0, 3 / 4, trials);
    expect(p50).toBe(p0);
    expect(p99).toBe(p0);
    expect(p100).toBe(1);
    expect(p150).toBe(1);
    // Both windows are at the jump, t = 100: exact from the order statistic, within one fine
    // grid step (100/4000) from the interpolation.
    for (const win of [res.windows.p99, res.windows.p999]) {
      expect(win.exact).toBe(100);
      expect(win.tMs).toBeGreaterThan(100 - res.windowStepMs);
      expect(win.tMs).toBeLessThanOrEqual(100);
    }
  });

  it('N=3 with two-point W_i: 5/8 for (W,R)=(1,1), 7/8 for (1,2) and (2,1), on [0, 100)', () => {
    // k = number of fast (W_i = 0) replicas, Binomial(3, 1/2). k = 0 or 3 (1/4): consistent.
    // (1,1): c = 0 when k >= 1; the read picks one random replica: fast w.p. k/3.
    //   P = 1/4 + 3/8 * 1/3 + 3/8 * 2/3 = 5/8.
    // (1,2): c = 0 when k >= 1; stale only if both read replicas are slow: k = 1 and the pair
    //   is the slow pair, 1 of 3 pairs. P = 1 - 3/8 * 1/3 = 7/8.
    // (2,1): c = the 2nd smallest ack. k = 1: c = 100, everyone has the write. k = 2: c = 0 and
    //   the read picks the slow replica w.p. 1/3. P = 1 - 3/8 * 1/3 = 7/8.
    const trials = 40_000;
    for (const [w, r, want] of [
      [1, 1, 5 / 8],
      [1, 2, 7 / 8],
      [2, 1, 7 / 8],
    ] as const) {
      const res = warsCurve({ n: 3, w, r, delays: twoPoint, tGridMs: [0, 99.9, 100], trials, seed: 10 + w * 3 + r });
      near(res.curve[0]!.p, want, trials);
      expect(res.curve[1]!.p).toBe(res.curve[0]!.p);
      expect(res.curve[2]!.p).toBe(1);
    }
  });
});

describe('N=2, W=R=1, exponential delays: the curve in closed form', () => {
  // Rates: W_i ~ Exp(α), A_i ~ Exp(β), R_i, S_i ~ Exp(μ) (means 1/α, 1/β, 1/μ).
  //
  // Let J be the replica whose answer comes first (smaller R_i + S_i), O the other one, and
  // X_i = W_i + A_i. The commit is c = min(X_J, X_O). The read at c + t (t >= 0) is stale iff
  // W_J > c + t + R_J. If c = X_J that is impossible (W_J <= X_J). So stale iff
  // W_J > X_O + R_J + t, and that already forces X_O < W_J <= X_J, i.e. c = X_O. Hence
  //
  //   P(stale | t) = P(W_J > W_O + A_O + R' + t),  with R' = R_J.
  //
  // J depends only on the read's draws, so W_J, W_O, A_O are fresh independent draws and R' is
  // independent of them. With W_J ~ Exp(α) memoryless: P(W_J > Y) = E[e^{-αY}] for Y >= 0, so
  //
  //   P(stale | t) = e^{-αt} · α/(α+α) · β/(β+α) · L(α),   L(α) = E[e^{-αR'}].
  //
  // R' is the request delay of the faster of two responders. Its density is
  //   f(r) = 2 μe^{-μr} ∫_0^∞ μe^{-μs} P(Z > r+s) ds,  Z = R + S ~ Gamma(2, μ), P(Z > z) = e^{-μz}(1+μz),
  // so with a = α+2μ, b = 2μ, and ∫∫e^{-ar-bs} = 1/(ab), ∫∫r e^{..} = 1/(a²b), ∫∫s e^{..} = 1/(ab²):
  //   L(α) = 2μ² [1/(ab) + μ/(a²b) + μ/(ab²)].      (Check: α = 0 gives 1.)
  //
  // With α = 1, β = 2, μ = 2: a = 5, b = 4, L = 8·(1/20 + 2/100 + 2/80) = 0.76,
  // K = 1/2 · 2/3 · 0.76 = 0.253333..., P(consistent | t) = 1 - K e^{-t}, P(0) = 0.746667,
  // and the window at level q is t_q = ln(K / (1 - q)): 3.2321 (99%), 5.5347 (99.9%).
  const alpha = 1;
  const beta = 2;
  const mu = 2;
  const delays: WarsDelays = { w: `exp:${1 / alpha}`, a: `exp:${1 / beta}`, r: `exp:${1 / mu}`, s: `exp:${1 / mu}` };
  const a = alpha + 2 * mu;
  const b = 2 * mu;
  const L = 2 * mu * mu * (1 / (a * b) + mu / (a * a * b) + mu / (a * b * b));
  const K = (1 / 2) * (beta / (beta + alpha)) * L;
  const exact = (t: number) => 1 - K * Math.exp(-alpha * t);

  it('the closed form for L agrees with a numerical integration of the density of R', () => {
    // Midpoint rule on [0, 12]² (μ = 2: the tails beyond are below e^-24), at two step sizes,
    // Richardson-extrapolated (the midpoint rule's error is O(h²)).
    const midpoint = (steps: number): number => {
      const h = 12 / steps;
      let sum = 0;
      for (let i = 0; i < steps; i++) {
        const r = (i + 0.5) * h;
        for (let j = 0; j < steps; j++) {
          const s = (j + 0.5) * h;
          const z = r + s;
          sum += Math.exp(-alpha * r) * 2 * mu * Math.exp(-mu * r) * mu * Math.exp(-mu * s) * Math.exp(-mu * z) * (1 + mu * z);
        }
      }
      return sum * h * h;
    };
    const coarse = midpoint(400);
    const fine = midpoint(800);
    expect(fine).toBeCloseTo(L, 3);
    expect((4 * fine - coarse) / 3).toBeCloseTo(L, 6);
    expect(L).toBeCloseTo(0.76, 12);
  });

  it('P(consistent | t = 0) and the curve match 1 - K e^{-αt} within 3 standard errors', () => {
    const trials = 400_000;
    const grid = [0, 0.5, 1, 2, 4];
    const res = warsCurve({ n: 2, w: 1, r: 1, delays, tGridMs: grid, trials, seed: 2012 });
    expect(exact(0)).toBeCloseTo(0.746667, 6);
    near(res.pAt0, exact(0), trials);
    grid.forEach((t, i) => near(res.curve[i]!.p, exact(t), trials));
    // The reported SE is the binomial one.
    const p0 = res.curve[0]!;
    expect(p0.se).toBeCloseTo(Math.sqrt((p0.p * (1 - p0.p)) / trials), 12);
  });

  it('the 99% and 99.9% windows match ln(K / (1 - q))', () => {
    const trials = 400_000;
    const res = warsCurve({ n: 2, w: 1, r: 1, delays, tGridMs: [], trials, seed: 99 });
    for (const win of [res.windows.p99, res.windows.p999]) {
      const want = Math.log(K / (1 - win.level)) / alpha;
      // Delta method: an error dP in P moves the window by dP / P'(t) = dP / (α (1 - q)).
      const seT = Math.sqrt((win.level * (1 - win.level)) / trials) / (alpha * (1 - win.level));
      expect(Math.abs(win.tMs - want), `window ${win.level}: ${win.tMs} vs ${want} ± 4×${seT}`).toBeLessThanOrEqual(4 * seT + res.windowStepMs);
      expect(Math.abs(win.tMs - win.exact)).toBeLessThanOrEqual(res.windowStepMs);
    }
    expect(Math.log(K / 0.01)).toBeCloseTo(3.2321, 4);
    expect(Math.log(K / 0.001)).toBeCloseTo(5.5347, 4);
  });
});

/**
 * The model read literally, written separately from wars.ts: for each t, fresh trials; each
 * draws every message, commits at the W-th ack, reads at c + t from the R first answers (ties
 * by a random shuffle before a stable sort) and checks W_i <= c + t + R_i.
 */
function direct(n: number, w: number, r: number, delays: WarsDelays, t: number, trials: number, seed: number): number {
  const random = new Random(seed);
  const [dw, da, dr, ds] = [delays.w, delays.a, delays.r, delays.s].map((s) => parseDelaySpec(s as string));
  let consistent = 0;
  for (let k = 0; k < trials; k++) {
    const reps = Array.from({ length: n }, () => {
      const W = sampleDelay(dw!, random);
      const A = sampleDelay(da!, random);
      const R = sampleDelay(dr!, random);
      const S = sampleDelay(ds!, random);
      return { W, ack: W + A, R, answer: R + S };
    });
    const c = reps.map((x) => x.ack).sort((x, y) => x - y)[w - 1]!;
    for (let i = reps.length - 1; i > 0; i--) {
      const j = random.int(i + 1);
      [reps[i], reps[j]] = [reps[j]!, reps[i]!];
    }
    const first = [...reps].sort((x, y) => x.answer - y.answer).slice(0, r);
    if (first.some((x) => x.W <= c + t + x.R)) consistent++;
  }
  return consistent / trials;
}

describe('against the model read literally', () => {
  const cases: { name: string; delays: WarsDelays; w: number; r: number; ts: number[] }[] = [
    { name: 'LNKD-SSD-ish mixture', delays: same('mix:0.9*exp:0.5,0.1*pareto:1:1.5'), w: 1, r: 1, ts: [0, 0.5, 2] },
    { name: 'Pareto 0.2/1.5', delays: same('pareto:0.2:1.5'), w: 1, r: 2, ts: [0, 0.3, 1] },
    { name: 'slow writes, fast acks and reads', delays: { w: 'uniform:10:50', a: 'const:0.2', r: 'const:0.2', s: 'const:0.2' }, w: 2, r: 1, ts: [0, 5, 20] },
  ];
  for (const c of cases) {
    it(`${c.name}, N=3 W=${c.w} R=${c.r}`, () => {
      const trials = 30_000;
      const res = warsCurve({ n: 3, w: c.w, r: c.r, delays: c.delays, tGridMs: c.ts, trials, seed: 5 });
      c.ts.forEach((t, i) => {
        const lit = direct(3, c.w, c.r, c.delays, t, trials, 1000 + i);
        const p = res.curve[i]!.p;
        // Two independent estimates: the difference has variance p(1-p)(2/trials).
        const se = Math.sqrt((2 * p * (1 - p)) / trials);
        expect(Math.abs(p - lit), `t=${t}: ${p} vs ${lit}`).toBeLessThanOrEqual(Math.max(4 * se, 1e-9));
      });
    });
  }
});

describe('shape and reproducibility', () => {
  const opts = { n: 3, w: 1, r: 1, delays: same('mix:0.9*exp:0.5,0.1*pareto:1:1.5'), tGridMs: Array.from({ length: 201 }, (_, i) => i * 0.05), trials: 50_000 };

  it('P(t) is non-decreasing in t (exactly: the trials are shared across the grid) and rises from pAt0 towards 1', () => {
    const res = warsCurve({ ...opts, seed: 11 });
    for (let i = 1; i < res.curve.length; i++) expect(res.curve[i]!.p).toBeGreaterThanOrEqual(res.curve[i - 1]!.p);
    expect(res.curve[0]!.p).toBe(res.pAt0);
    expect(res.pAt0).toBeGreaterThan(0);
    expect(res.pAt0).toBeLessThan(1);
    expect(res.curve[res.curve.length - 1]!.p).toBeGreaterThan(res.pAt0);
    expect(pAt(res.thresholdsMs, 1e9)).toBe(1);
    expect(res.windows.p99.tMs).toBeLessThanOrEqual(res.windows.p999.tMs);
    expect(pAt(res.thresholdsMs, res.windows.p99.exact)).toBeGreaterThanOrEqual(0.99);
  });

  it('the same seed gives the same result; another seed a different one that agrees within noise', () => {
    const a = warsCurve({ ...opts, seed: 11 });
    const b = warsCurve({ ...opts, seed: 11 });
    const c = warsCurve({ ...opts, seed: 12 });
    expect(b.curve).toEqual(a.curve);
    expect(b.windows).toEqual(a.windows);
    expect(Array.from(b.thresholdsMs)).toEqual(Array.from(a.thresholdsMs));
    expect(Array.from(c.thresholdsMs)).not.toEqual(Array.from(a.thresholdsMs));
    near(c.pAt0, a.pAt0, opts.trials, 5);
  });

  it('has no time scale of its own: delays 20 times longer, same draws, give thresholds 20 times larger', () => {
    // Exp and Pareto draws are proportional to their mean / scale for the same uniform, and the
    // model only adds, compares and subtracts times, so every T* scales by 20 and P(0) stays.
    for (const [one, twenty] of [
      ['exp:1', 'exp:20'],
      ['pareto:0.2:1.5', 'pareto:4:1.5'],
    ] as const) {
      const a = warsCurve({ n: 3, w: 1, r: 1, delays: same(one), tGridMs: [], trials: 20_000, seed: 4 });
      const b = warsCurve({ n: 3, w: 1, r: 1, delays: same(twenty), tGridMs: [], trials: 20_000, seed: 4 });
      expect(b.pAt0).toBe(a.pAt0);
      a.thresholdsMs.forEach((t, i) => expect(b.thresholdsMs[i]).toBeCloseTo(20 * t, 9));
      expect(b.windows.p99.exact).toBeCloseTo(20 * a.windows.p99.exact, 9);
    }
  });

  it('rejects impossible quorums', () => {
    expect(() => warsCurve({ ...opts, w: 4, seed: 1 })).toThrow(RangeError);
    expect(() => warsCurve({ ...opts, r: 0, seed: 1 })).toThrow(RangeError);
    expect(() => warsCurve({ ...opts, trials: 0, seed: 1 })).toThrow(RangeError);
  });
});
