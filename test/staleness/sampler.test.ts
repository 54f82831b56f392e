import { describe, expect, it } from 'vitest';
import { Sampler } from '../../checkers/staleness/sampler.js';

describe('Sampler', () => {
  it('draws Poisson(1): mean 1, variance 1, P(0) = 1/e, the same draws from the same seed', () => {
    const s = new Sampler(3);
    const n = 100_000;
    const xs = Array.from({ length: n }, () => s.poisson(1));
    const mean = xs.reduce((a, x) => a + x, 0) / n;
    const variance = xs.reduce((a, x) => a + (x - mean) ** 2, 0) / n;
    // Standard errors: about 0.003 for the mean, 0.005 for the variance, 0.0015 for P(0).
    expect(Math.abs(mean - 1)).toBeLessThan(0.015);
    expect(Math.abs(variance - 1)).toBeLessThan(0.03);
    expect(Math.abs(xs.filter((x) => x === 0).length / n - Math.exp(-1))).toBeLessThan(0.008);
    const again = new Sampler(3);
    expect(xs.slice(0, 100)).toEqual(Array.from({ length: 100 }, () => again.poisson(1)));
  });
});
