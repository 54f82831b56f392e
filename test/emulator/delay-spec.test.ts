import { describe, expect, it } from 'vitest';
import { DelaySpecError, meanDelay, parseDelaySpec, sampleDelay } from '../../src/emulator/delay-spec.js';
import { Random } from '../../src/util/random.js';

function mean(spec: string, n = 20000, seed = 3): { mean: number; min: number; max: number } {
  const d = parseDelaySpec(spec);
  const r = new Random(seed);
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    const x = sampleDelay(d, r);
    sum += x;
    min = Math.min(min, x);
    max = Math.max(max, x);
  }
  return { mean: sum / n, min, max };
}

describe('delay specs', () => {
  it('parses every form of the grammar', () => {
    expect(parseDelaySpec('5')).toEqual({ kind: 'const', ms: 5 });
    expect(parseDelaySpec('const:2.5')).toEqual({ kind: 'const', ms: 2.5 });
    expect(parseDelaySpec('uniform:1:10')).toEqual({ kind: 'uniform', lo: 1, hi: 10 });
    expect(parseDelaySpec('exp:5')).toEqual({ kind: 'exp', mean: 5 });
    expect(parseDelaySpec('pareto:1:1.5')).toEqual({ kind: 'pareto', scale: 1, shape: 1.5 });
    expect(parseDelaySpec('mix:0.9*const:1,0.1*exp:50')).toEqual({
      kind: 'mix',
      parts: [
        { weight: 0.9, dist: { kind: 'const', ms: 1 } },
        { weight: 0.1, dist: { kind: 'exp', mean: 50 } },
      ],
    });
  });

  it.each(['', 'exp', 'exp:-1', 'uniform:5:1', 'uniform:1', 'pareto:1:0', 'gauss:1', 'mix:', 'mix:const:1', 'mix:0*const:1', 'mix:1*mix:1*const:1', 'exp:abc'])(
    'refuses %j',
    (spec) => {
      expect(() => parseDelaySpec(spec)).toThrow(DelaySpecError);
    },
  );

  it('samples with the stated means and bounds', () => {
    expect(mean('const:3')).toEqual({ mean: 3, min: 3, max: 3 });
    const u = mean('uniform:2:4');
    expect(u.mean).toBeCloseTo(3, 1);
    expect(u.min).toBeGreaterThanOrEqual(2);
    expect(u.max).toBeLessThanOrEqual(4);
    expect(mean('exp:5').mean).toBeGreaterThan(4.7);
    expect(mean('exp:5').mean).toBeLessThan(5.3);
    const p = mean('pareto:1:3');
    expect(p.min).toBeGreaterThanOrEqual(1);
    expect(p.mean).toBeGreaterThan(1.4);
    expect(p.mean).toBeLessThan(1.6);
    const m = mean('mix:0.9*const:1,0.1*const:51');
    expect(m.mean).toBeGreaterThan(5.5);
    expect(m.mean).toBeLessThan(6.5);
    expect(meanDelay(parseDelaySpec('mix:0.9*const:1,0.1*const:51'))).toBeCloseTo(6, 6);
    expect(meanDelay(parseDelaySpec('pareto:1:1'))).toBe(Infinity);
  });

  it('is seeded: the same seed gives the same draws', () => {
    const d = parseDelaySpec('mix:0.5*exp:3,0.5*pareto:1:2');
    const draws = (seed: number) => {
      const r = new Random(seed);
      return Array.from({ length: 50 }, () => sampleDelay(d, r));
    };
    expect(draws(9)).toEqual(draws(9));
    expect(draws(9)).not.toEqual(draws(10));
  });
});
