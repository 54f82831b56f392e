// The budget: a hard history ends with a verdict or 'unknown' in time, never hangs.

import { describe, expect, it } from 'vitest';
import { createLinearizableChecker } from '../../checkers/linearizable/index.js';
import { registerHints, registerModel } from '../../checkers/linearizable/models/register.js';
import { wglSearch } from '../../checkers/linearizable/wgl.js';
import { H } from './helpers.js';

/** One key: 20 concurrent info puts, then `reads` sequential gets seeing some of those values. */
function infoStorm(reads: number, goBack: boolean): H {
  const h = new H();
  for (let p = 0; p < 20; p++) h.invoke(p, 'put', 'a', p + 1);
  for (let p = 0; p < 20; p++) h.info(p);
  const seen = [3, 7, 12, 18];
  for (let i = 0; i < reads; i++) {
    const v = seen[Math.min(seen.length - 1, Math.floor((i * seen.length) / reads))]!;
    h.get(100, 'a', v);
  }
  if (goBack) h.get(100, 'a', 3);
  return h;
}

describe('budget', () => {
  it('20 concurrent info writes and 300 reads: the register checker decides quickly', () => {
    for (const goBack of [false, true]) {
      const t = performance.now();
      const r = createLinearizableChecker({ budget: { timeoutMs: 2000 } }).check(infoStorm(300, goBack).history()) as Record<string, any>;
      expect(r.valid).toBe(!goBack);
      expect(performance.now() - t).toBeLessThan(2000);
    }
  });

  it('the raw search on the same history answers or gives up within its deadline', () => {
    for (const goBack of [false, true]) {
      const h = infoStorm(300, goBack).history();
      const t = performance.now();
      const r = wglSearch(registerModel, h.ops, { deadline: t + 500, maxStates: 1_000_000, maxCacheBytes: 256 << 20 }, registerHints);
      const ms = performance.now() - t;
      expect([true, false, 'unknown']).toContain(r.valid);
      if (r.valid !== 'unknown') expect(r.valid).toBe(!goBack);
      expect(ms).toBeLessThan(1500);
    }
  });

  it('a state cap gives unknown with a reason, not an out-of-memory', () => {
    // cas-register has no fast path: 20 info writes of distinct values then reads of many of them.
    const h = new H();
    for (let p = 0; p < 20; p++) h.invoke(p, 'write', undefined, p + 1);
    for (let p = 0; p < 20; p++) h.info(p);
    for (let i = 0; i < 200; i++) h.invoke(100, 'read').ok(100, (i % 20) + 1);
    const t = performance.now();
    const r = createLinearizableChecker({ model: 'cas-register', budget: { timeoutMs: 1000, maxStates: 20_000 } }).check(h.history()) as Record<string, any>;
    expect(performance.now() - t).toBeLessThan(3000);
    expect(['unknown', false]).toContain(r.valid);
    if (r.valid === 'unknown') {
      expect(r.reason).toMatch(/could not be decided/);
      expect(r.partitions.unknown).toBe(1);
    }
  });
});
