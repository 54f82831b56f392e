import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fastRegisterCheck } from '../../checkers/linearizable/fast-register.js';
import { prepareOps } from '../../checkers/linearizable/partition.js';
import { registerHints, registerModel } from '../../checkers/linearizable/models/register.js';
import { wglSearch } from '../../checkers/linearizable/wgl.js';
import type { History } from '../../src/history/event.js';
import { genRandomRegister, genRegister, rng, toHistory } from './helpers.js';

const budget = () => ({ deadline: performance.now() + 10_000, maxStates: 5_000_000, maxCacheBytes: 512 << 20 });

function bothVerdicts(h: History): { fast: boolean | 'n/a'; search: boolean | 'unknown' } {
  const prep = prepareOps(registerModel, registerHints, h.ops);
  const fast = fastRegisterCheck(prep.ops);
  // The search sees the ops before the register-only reduction too, to test that reduction.
  const raw = h.ops.filter((o) => o.type !== 'fail' && !(o.f === 'get' && o.type !== 'ok'));
  const search = wglSearch(registerModel, raw, budget(), registerHints).valid;
  return { fast: fast.applies ? fast.valid : 'n/a', search };
}

describe('fast path and WGL search agree', () => {
  it('on random histories with arbitrary read results (valid and invalid)', () => {
    let compared = 0;
    let valid = 0;
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.integer({ min: 2, max: 16 }), fc.boolean(), (seed, n, withDeletes) => {
        const r = rng(seed);
        const h = toHistory(genRandomRegister(r, n, withDeletes ? 0.15 : 0, 0.2));
        const { fast, search } = bothVerdicts(h);
        expect(search).not.toBe('unknown');
        if (fast !== 'n/a') {
          compared++;
          if (fast) valid++;
          expect(fast).toBe(search);
        }
      }),
      { numRuns: 3000 },
    );
    expect(compared).toBeGreaterThan(1500);
    expect(valid).toBeGreaterThan(100);
    expect(compared - valid).toBeGreaterThan(100);
  });

  it('on widened sequential histories, and the same with one read changed', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.integer({ min: 3, max: 40 }), fc.boolean(), (seed, n, mutate) => {
        const r = rng(seed);
        const ops = genRegister(r, { ops: n, keys: 1, pPut: 0.4, pDelete: 0.1, pInfo: 0.2, pApplied: 0.5, spread: 1 + r() * 3 });
        const reads = ops.filter((o) => o.f === 'get');
        if (mutate && reads.length > 0) {
          // Another value that was written somewhere (or null): may or may not stay linearizable.
          const read = reads[Math.floor(r() * reads.length)]!;
          const puts = ops.filter((o) => o.f === 'put');
          read.value = puts.length > 0 && r() < 0.8 ? puts[Math.floor(r() * puts.length)]!.invokeValue : null;
        }
        const { fast, search } = bothVerdicts(toHistory(ops));
        expect(search).not.toBe('unknown');
        if (!mutate) expect(search).toBe(true);
        if (fast !== 'n/a') expect(fast).toBe(search);
      }),
      { numRuns: 2000 },
    );
  });
});
