import { describe, expect, it } from 'vitest';
import { nearestRankQuantiles, valuesAtRanks } from '../../src/util/select.js';
import { quantile } from '../../checkers/staleness/stats.js';
import { Random } from '../../src/util/random.js';

/** What a sort puts at each rank. */
const bySort = (values: Float64Array, ranks: number[]) => {
  const sorted = Float64Array.from(values).sort();
  return ranks.map((r) => (r >= 0 && r < sorted.length ? sorted[r] : undefined));
};

describe('valuesAtRanks', () => {
  it('gives the values a sort puts at the ranks: random, sorted, reversed, few distinct, with -0 and NaN', () => {
    const random = new Random(4);
    const cases: Float64Array[] = [
      Float64Array.from({ length: 10_001 }, () => random.next() * 1e6),
      Float64Array.from({ length: 5000 }, (_, i) => i),
      Float64Array.from({ length: 5000 }, (_, i) => 5000 - i),
      Float64Array.from({ length: 7777 }, () => random.int(3)),
      Float64Array.from({ length: 1000 }, () => [0, -0, 1, -1][random.int(4)]!),
      Float64Array.from({ length: 999 }, () => (random.next() < 0.01 ? NaN : random.next())),
      Float64Array.of(),
      Float64Array.of(3),
    ];
    for (const values of cases) {
      const n = values.length;
      const ranks = [Math.ceil(0.5 * n) - 1, Math.ceil(0.9 * n) - 1, Math.ceil(0.99 * n) - 1, n - 1, 0, ...Array.from({ length: 20 }, (_, i) => Math.floor((i * n) / 20))];
      const got = valuesAtRanks(Float64Array.from(values), ranks);
      const want = bySort(values, ranks);
      // Object.is: -0 and 0 told apart, NaN equal to itself.
      got.forEach((x, i) => expect(Object.is(x, want[i]), `rank ${ranks[i]} of ${n}: ${x} vs ${want[i]}`).toBe(true));
    }
  });
});

describe('nearestRankQuantiles', () => {
  it('gives what quantile() gives of the sorted values, at 0, the usual levels and 1, for sizes 1 to 50', () => {
    const random = new Random(9);
    const qs = [0, 0.5, 0.9, 0.99, 1];
    for (let n = 1; n <= 50; n++) {
      const values = Float64Array.from({ length: n }, () => random.int(20));
      const sorted = Float64Array.from(values).sort();
      expect(nearestRankQuantiles(Float64Array.from(values), qs)).toEqual(qs.map((q) => quantile(sorted, q)));
    }
    expect(nearestRankQuantiles(Float64Array.of(), qs)).toEqual(qs.map(() => undefined));
  });
});
