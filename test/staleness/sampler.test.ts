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

describe('Sampler.poissonInto', () => {
  it('fills with the draws poisson() gives one by one, and returns the largest', () => {
    const one = new Sampler(8);
    const many = new Sampler(8);
    const out = new Uint8Array(50_000);
    const max = many.poissonInto(1, out);
    const expected = Array.from({ length: out.length }, () => one.poisson(1));
    expect([...out]).toEqual(expected);
    expect(max).toBe(Math.max(...expected));
    // And on from there, as one sequence.
    expect(many.poisson(1)).toBe(one.poisson(1));
  });
});
