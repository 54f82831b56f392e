import { describe, expect, it } from 'vitest';
import { resample, type BootstrapInput } from '../../checkers/staleness/bootstrap.js';
import { levelCrossing, SortedCurve } from '../../checkers/staleness/monotone-curve.js';
import { Sampler } from '../../checkers/staleness/sampler.js';
import { Random } from '../../src/util/random.js';

/** Reads in t order: mostly consistent, stale ones early, ties when `tie` > 1; t's scaled by `scale` (a fraction: not integers). */
function reads(n: number, writes: number, seed: number, tie: number, scale = 1): BootstrapInput {
  const random = new Random(seed);
  const t = new Float64Array(n);
  const ok = new Uint8Array(n);
  const writeOf = new Int32Array(n);
  const binOf = new Int32Array(n);
  let x = 0;
  for (let i = 0; i < n; i++) {
    if (i % tie === 0) x += 1 + random.int(50_000);
    t[i] = x * scale;
    ok[i] = random.next() < 0.4 * Math.exp(-x / 2e5) ? 0 : 1;
    writeOf[i] = random.int(writes);
    binOf[i] = Math.floor((i * 7) / n);
  }
  return { t, ok, writeOf, writes, binOf, bins: 7, levels: [{ q: 0.99, cap: Infinity }, { q: 0.999, cap: 3e6 * scale }] };
}

/** The bootstrap read by read, as it was before it pooled stretches of consistent reads whole: each resample a weighted fit. */
function readByRead(input: BootstrapInput, seed: number, resamples: number) {
  const sampler = new Sampler(seed);
  const curve = new SortedCurve(input.t, input.ok);
  const bins = Array.from({ length: input.bins }, () => new Float64Array(resamples));
  const levels = input.levels.map(() => new Float64Array(resamples));
  for (let r = 0; r < resamples; r++) {
    const writeWeight = Array.from({ length: input.writes }, () => sampler.poisson(1));
    const weight = Float64Array.from(input.writeOf, (w) => writeWeight[w]!);
    for (let b = 0; b < input.bins; b++) {
      let n = 0;
      let k = 0;
      input.binOf.forEach((bin, i) => {
        if (bin !== b) return;
        n += weight[i]!;
        k += weight[i]! * input.ok[i]!;
      });
      bins[b]![r] = n > 0 ? k / n : NaN;
    }
    const fit = curve.fit(weight);
    input.levels.forEach((l, li) => (levels[li]![r] = Math.min(l.cap, levelCrossing(fit, l.q) ?? Infinity)));
  }
  return { bins, levels };
}

describe('the visibility bootstrap', () => {
  it('gives, bit for bit, the figures of a weighted fit a resample, with and without ties, in integer ns and not', () => {
    for (const [tie, scale] of [
      [1, 1],
      [3, 1],
      [1, 0.37],
      [4, 0.37],
    ] as const) {
      const input = reads(3000, 700, tie * 10 + (scale === 1 ? 1 : 2), tie, scale);
      expect(resample(input, 5, 40)).toEqual(readByRead(input, 5, 40));
    }
  });
});

describe('the bootstrap in ranges (split over threads)', () => {
  it('resamples [from, from + count) are exactly those of one run over all of them', () => {
    for (const [n, writes, seed] of [[2000, 300, 1], [500, 499, 2], [3000, 7, 3]] as const) {
      const input = reads(n, writes, seed, 2);
      const all = resample(input, seed, 11);
      for (const cuts of [[0, 4, 11], [0, 1, 5, 10, 11], [0, 11]]) {
        const parts = cuts.slice(1).map((end, k) => resample(input, seed, end - cuts[k]!, cuts[k]!));
        const join = (pick: (r: typeof all) => Float64Array[]) => pick(all).map((_, i) => Array.from(parts.flatMap((p) => Array.from(pick(p)[i]!))));
        expect(join((r) => r.bins)).toEqual(pick(all.bins));
        expect(join((r) => r.levels)).toEqual(pick(all.levels));
      }
    }
    function pick(columns: Float64Array[]): number[][] {
      return columns.map((c) => Array.from(c));
    }
  });

  it('Random.skip(n) is n draws', () => {
    for (const n of [0, 1, 7, 123_456, 2 ** 32 + 5]) {
      const a = new Random(99);
      const b = new Random(99);
      a.skip(n);
      // Past 2^32 draws the state has come round: n mod 2^32 draws.
      for (let i = 0; i < n % 2 ** 32 && i < 200_000; i++) b.nextUint32();
      if (n % 2 ** 32 < 200_000) expect(a.nextUint32()).toBe(b.nextUint32());
    }
  });
});
