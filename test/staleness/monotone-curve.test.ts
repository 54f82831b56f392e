// The isotonic fit of the t-visibility curve against the min-max formula of isotonic regression
// (an independent definition: the fitted value at i is max over a <= i of min over b >= i of the
// mean of samples a..b), and the level crossing on curves whose answer is known.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { curveAt, isotonicFit, levelCrossing, radixOrder, sortOrder, SortedSamples, type CurveSample } from '../../checkers/staleness/monotone-curve.js';
import { Random } from '../../src/util/random.js';

/** Fitted value of each distinct t (in t order) by the min-max formula, O(n^3). */
function minMax(samples: readonly CurveSample[]): number[] {
  const ts = [...new Set(samples.map((s) => s.t))].sort((a, b) => a - b);
  const n = ts.map((t) => samples.filter((s) => s.t === t).length);
  const k = ts.map((t) => samples.filter((s) => s.t === t && s.consistent).length);
  return ts.map((_, i) => {
    let best = -Infinity;
    for (let a = 0; a <= i; a++) {
      let worst = Infinity;
      for (let b = i; b < ts.length; b++) {
        let nn = 0;
        let kk = 0;
        for (let j = a; j <= b; j++) {
          nn += n[j]!;
          kk += k[j]!;
        }
        worst = Math.min(worst, kk / nn);
      }
      best = Math.max(best, worst);
    }
    return best;
  });
}

describe('isotonic fit of the visibility curve', () => {
  it('pools a violation: [F, T, F, T] at t 1..4 fits 0, ½, ½, 1', () => {
    const blocks = isotonicFit([1, 2, 3, 4].map((t, i) => ({ t, consistent: i % 2 === 1 })));
    expect(blocks.map((b) => [b.tFrom, b.tTo, b.p])).toEqual([
      [1, 1, 0],
      [2, 3, 0.5],
      [4, 4, 1],
    ]);
  });

  it('equals the min-max formula on 500 random small sample sets, ties in t included', () => {
    const r = new Random(3);
    for (let trial = 0; trial < 500; trial++) {
      const samples = Array.from({ length: 1 + r.int(12) }, () => ({ t: r.int(8), consistent: r.next() < 0.6 }));
      const blocks = isotonicFit(samples);
      const ts = [...new Set(samples.map((s) => s.t))].sort((a, b) => a - b);
      const fitted = ts.map((t) => blocks.find((b) => b.tFrom <= t && t <= b.tTo)!.p);
      const want = minMax(samples);
      fitted.forEach((p, i) => expect(p, `trial ${trial}, t ${ts[i]}`).toBeCloseTo(want[i]!, 12));
      expect(blocks.reduce((a, b) => a + b.samples, 0)).toBe(samples.length);
    }
  });

  it('reads a level off by interpolation: a known linear curve, and the edge cases', () => {
    // Consistent iff u < t/100 for u uniform: P(t) = t/100 on [0, 100]; 20,000 samples.
    const r = new Random(9);
    const samples = Array.from({ length: 20_000 }, () => {
      const t = r.next() * 100;
      return { t, consistent: r.next() < t / 100 };
    });
    const blocks = isotonicFit(samples);
    expect(levelCrossing(blocks, 0.5)).toBeGreaterThan(47);
    expect(levelCrossing(blocks, 0.5)).toBeLessThan(53);
    expect(curveAt(blocks, 25)).toBeCloseTo(0.25, 1);
    expect(levelCrossing(isotonicFit([{ t: 5, consistent: true }]), 0.99)).toBe(0);
    expect(levelCrossing(isotonicFit([{ t: 5, consistent: false }]), 0.99)).toBeNull();
  });

  it('weighs samples: integer weights fit as the samples repeated, weight 0 as left out', () => {
    const r = new Random(4);
    for (let trial = 0; trial < 300; trial++) {
      const samples = Array.from({ length: 1 + r.int(15) }, () => ({ t: r.int(10), consistent: r.next() < 0.7 }));
      const sorted = new SortedSamples(samples);
      const weights = sorted.samples.map(() => r.int(3));
      const repeated = sorted.samples.flatMap((x, i) => Array.from({ length: weights[i]! }, () => x));
      const want = isotonicFit(repeated);
      expect(sorted.fit(weights), `trial ${trial}`).toEqual(want);
    }
  });
});

describe('SortedSamples', () => {
  it('orders samples by t, those of equal t as given, whether their t fit the native sort or not', () => {
    const random = new Random(5);
    for (const scale of [1, 1e3, 1e9, 2 ** 45, 0.5]) {
      const samples = Array.from({ length: 3000 }, (_, i) => ({ t: Math.floor(random.next() * 50) * scale, consistent: i % 3 === 0, i }));
      expect(new SortedSamples(samples).samples.map((s) => s.i)).toEqual([...samples].sort((a, b) => a.t - b.t).map((s) => s.i));
    }
  });
});

describe('sortOrder', () => {
  const byComparison = (t: Float64Array) => Array.from({ length: t.length }, (_, i) => i).sort((a, b) => t[a]! - t[b]!);

  it('radixOrder gives the comparison sort\'s order (stable: ties in the order given), for any integers to 2^53', () => {
    const t = fc.oneof(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 2 ** 31 }), fc.maxSafeNat());
    fc.assert(
      fc.property(fc.array(t, { maxLength: 300 }), (xs) => {
        const ts = Float64Array.from(xs);
        expect(Array.from(radixOrder(ts))).toEqual(byComparison(ts));
        expect(Array.from(sortOrder(ts))).toEqual(byComparison(ts));
      }),
      { numRuns: 300 },
    );
  });

  it('sorts more samples than its 64-bit keys hold positions for (2^20), stably', () => {
    const random = new Random(5);
    const n = 2 ** 20 + 1000;
    // ns up to ~5 hours, many ties.
    const ts = Float64Array.from({ length: n }, () => (random.int(4) === 0 ? 1_000_000 : random.int(2 ** 44)));
    const order = sortOrder(ts);
    const seen = new Uint8Array(n);
    let outOfOrder = 0;
    for (let i = 0; i < n; i++) {
      seen[order[i]!] = 1;
      const [a, b] = [order[i - 1]!, order[i]!];
      if (i > 0 && !(ts[a]! < ts[b]! || (ts[a] === ts[b] && a < b))) outOfOrder++;
    }
    expect(outOfOrder).toBe(0);
    expect(seen.every((x) => x === 1)).toBe(true);
  });
});
