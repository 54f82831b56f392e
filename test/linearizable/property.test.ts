// Property tests: a history made by running a model sequentially and then widening each op
// into a random interval around its linearization point is linearizable; changing one read to a
// value never written makes it not linearizable.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createLinearizableChecker } from '../../checkers/linearizable/index.js';
import { genRegister, rng, toHistory, widened, type GenOp } from './helpers.js';

const params = fc.record({
  seed: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
  ops: fc.integer({ min: 1, max: 60 }),
  keys: fc.integer({ min: 1, max: 4 }),
  spread: fc.double({ min: 0.1, max: 4, noNaN: true }),
  pInfo: fc.constantFrom(0, 0.1, 0.3),
  pApplied: fc.constantFrom(0, 0.5, 1),
});

const verdict = async (model: string, ops: GenOp[]) => (await createLinearizableChecker({ model }).check(toHistory(ops))).valid;

/** Replaces one read's result by `bogus`; false when there is no read to change. */
function corruptOneRead(r: () => number, ops: GenOp[], f: string, bogus: unknown): boolean {
  const reads = ops.filter((o) => o.f === f && o.type === 'ok');
  if (reads.length === 0) return false;
  reads[Math.floor(r() * reads.length)]!.value = bogus;
  return true;
}

describe('register: widened sequential histories', () => {
  it('are linearizable (with info puts applied or not)', async () => {
    await fc.assert(
      fc.asyncProperty(params, async (p) => {
        const ops = genRegister(rng(p.seed), { ...p, pPut: 0.4, pDelete: 0.1 });
        expect(await verdict('register', ops)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('are not linearizable once a read returns a value never written', async () => {
    await fc.assert(
      fc.asyncProperty(params, async (p) => {
        const r = rng(p.seed);
        const ops = genRegister(r, { ...p, pPut: 0.4, pDelete: 0.1 });
        fc.pre(corruptOneRead(r, ops, 'get', 1_000_000));
        expect(await verdict('register', ops)).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it('with info puts never applied, a read of such a value later than all others is still fine only if nothing else was read after', async () => {
    // An info put that was not applied, then read by a late get: linearizable (it may take effect late)
    // iff no read after that get sees an older value.
    await fc.assert(
      fc.asyncProperty(params, async (p) => {
        const r = rng(p.seed);
        const ops = genRegister(r, { ...p, keys: 1, pPut: 0.4, pDelete: 0, pInfo: 0, pApplied: 0 });
        const end = Math.max(0, ...ops.map((o) => o.end)) + 10;
        ops.push({ f: 'put', key: 'k0', invokeValue: 999_999, type: 'info', lin: end, start: end, end: end + 1 });
        ops.push({ f: 'get', key: 'k0', value: 999_999, type: 'ok', lin: end + 20, start: end + 20, end: end + 21 });
        expect(await verdict('register', ops)).toBe(true);
        const before = ops.filter((o) => o.f === 'put' && o.type === 'ok');
        fc.pre(before.length > 0);
        ops.push({ f: 'get', key: 'k0', value: before[before.length - 1]!.invokeValue, type: 'ok', lin: end + 30, start: end + 30, end: end + 31 });
        expect(await verdict('register', ops)).toBe(false);
      }),
      { numRuns: 200 },
    );
  });
});

/** cas-register: values from a small range (not unique); a cas that does not match fails. */
function genCas(r: () => number, n: number, spread: number, pInfo: number, pApplied: number): GenOp[] {
  let state: number | null = null;
  const ops: GenOp[] = [];
  for (let i = 0; i < n; i++) {
    const { lin, start, end } = widened(r, i, spread);
    const x = r();
    const info = r() < pInfo;
    const applied = !info || r() < pApplied;
    if (x < 0.3) {
      const v = Math.floor(r() * 5);
      if (applied) state = v;
      ops.push({ f: 'write', key: '', invokeValue: v, type: info ? 'info' : 'ok', lin, start, end });
    } else if (x < 0.6) {
      const e = r() < 0.5 && state !== null ? state : Math.floor(r() * 5);
      const v = Math.floor(r() * 5);
      const matches = state === e;
      if (matches && applied) state = v;
      ops.push({ f: 'cas', key: '', invokeValue: [e, v], type: info ? 'info' : matches ? 'ok' : 'fail', lin, start, end });
    } else {
      ops.push({ f: 'read', key: '', value: state, type: 'ok', lin, start, end });
    }
  }
  return ops.map((o) => {
    const { key: _k, ...rest } = o;
    return rest as GenOp;
  });
}

describe('cas-register: widened sequential histories', () => {
  it('are linearizable, and not once a read returns a never-written value', async () => {
    await fc.assert(
      fc.asyncProperty(params, fc.boolean(), async (p, corrupt) => {
        const r = rng(p.seed);
        const ops = genCas(r, Math.min(p.ops, 30), Math.min(p.spread, 1.5), p.pInfo, p.pApplied);
        if (corrupt) fc.pre(corruptOneRead(r, ops, 'read', 77));
        expect(await verdict('cas-register', ops)).toBe(!corrupt);
      }),
      { numRuns: 300 },
    );
  });
});

/** kv: get / put / append of unique tokens. */
function genKv(r: () => number, n: number, keys: number, spread: number, pInfo: number, pApplied: number): GenOp[] {
  const state = new Map<string, string>();
  const ops: GenOp[] = [];
  for (let i = 0; i < n; i++) {
    const key = String(Math.floor(r() * keys));
    const { lin, start, end } = widened(r, i, spread);
    const x = r();
    const info = r() < pInfo;
    const applied = !info || r() < pApplied;
    const token = `<${i}>`;
    if (x < 0.35) {
      if (applied) state.set(key, (state.get(key) ?? '') + token);
      ops.push({ f: 'append', key, invokeValue: token, type: info ? 'info' : 'ok', lin, start, end });
    } else if (x < 0.45) {
      if (applied) state.set(key, token);
      ops.push({ f: 'put', key, invokeValue: token, type: info ? 'info' : 'ok', lin, start, end });
    } else {
      ops.push({ f: 'get', key, value: state.get(key) ?? '', type: 'ok', lin, start, end });
    }
  }
  return ops;
}

describe('kv: widened sequential histories', () => {
  it('are linearizable, and not once a get returns a never-written string', async () => {
    await fc.assert(
      fc.asyncProperty(params, fc.boolean(), async (p, corrupt) => {
        const r = rng(p.seed);
        const ops = genKv(r, Math.min(p.ops, 30), p.keys, Math.min(p.spread, 1.5), p.pInfo, p.pApplied);
        if (corrupt) fc.pre(corruptOneRead(r, ops, 'get', '<never>'));
        expect(await verdict('kv', ops)).toBe(!corrupt);
      }),
      { numRuns: 300 },
    );
  });
});
