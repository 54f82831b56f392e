// The WGL search against a brute-force enumeration of every order, on small random histories full
// of crashed (info) writes and reads of random values: guards the search's prunings (reads placed
// greedily, crashed writes placed only where they can matter, the cache).

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Model, SearchHints } from '../../checkers/linearizable/model.js';
import { casRegisterHints, casRegisterModel } from '../../checkers/linearizable/models/cas-register.js';
import { fifoQueueHints, fifoQueueModel } from '../../checkers/linearizable/models/fifo-queue.js';
import { kvHints, kvModel } from '../../checkers/linearizable/models/kv.js';
import { mutexHints, mutexModel } from '../../checkers/linearizable/models/mutex.js';
import { registerHints, registerModel } from '../../checkers/linearizable/models/register.js';
import { setHints, setModel } from '../../checkers/linearizable/models/set.js';
import { unorderedQueueHints, unorderedQueueModel } from '../../checkers/linearizable/models/unordered-queue.js';
import { wglSearch } from '../../checkers/linearizable/wgl.js';
import type { Op } from '../../src/history/event.js';
import { rng, toHistory, type GenOp } from './helpers.js';

/** Linearizable iff some order of the ok ops and some of the others respects real time and the model. */
function brute<S>(model: Model<S>, ops: readonly Op[]): boolean {
  const n = ops.length;
  const mustRun = ops.map((o) => o.type === 'ok');
  const go = (placed: number, state: S): boolean => {
    let allDone = true;
    for (let i = 0; i < n; i++) if (mustRun[i] && !(placed & (1 << i))) allDone = false;
    if (allDone) return true;
    for (let i = 0; i < n; i++) {
      if (placed & (1 << i)) continue;
      // Not before an unplaced ok op that completed before this one was invoked.
      let blocked = false;
      for (let j = 0; j < n; j++) {
        if (j !== i && mustRun[j] && !(placed & (1 << j)) && ops[j]!.completeIndex! < ops[i]!.invokeIndex) blocked = true;
      }
      if (blocked) continue;
      const next = model.step(state, ops[i]!);
      if (next !== undefined && go(placed | (1 << i), next)) return true;
    }
    return false;
  };
  return go(0, model.init());
}

/** Random ops of one key: intervals anywhere, values from a tiny range, many crashes. */
function gen(r: () => number, n: number, kind: 'cas' | 'register' | 'kv' | 'mutex' | 'set' | 'queue'): GenOp[] {
  const ops: GenOp[] = [];
  const small = () => Math.floor(r() * 3);
  for (let i = 0; i < n; i++) {
    const start = r() * n * 2;
    const end = start + 0.5 + r() * 5;
    const type = r() < 0.35 ? 'info' : 'ok';
    const x = r();
    if (kind === 'cas') {
      if (x < 0.3) ops.push({ f: 'write', key: '', invokeValue: small(), type, lin: 0, start, end });
      else if (x < 0.6) ops.push({ f: 'cas', key: '', invokeValue: [small(), small()], type, lin: 0, start, end });
      else ops.push({ f: 'read', key: '', value: r() < 0.2 ? null : small(), type: 'ok', lin: 0, start, end });
    } else if (kind === 'register') {
      if (x < 0.35) ops.push({ f: 'put', key: 'k', invokeValue: small(), type, lin: 0, start, end });
      else if (x < 0.5) ops.push({ f: 'delete', key: 'k', type, lin: 0, start, end });
      else ops.push({ f: 'get', key: 'k', value: r() < 0.3 ? null : small(), type: 'ok', lin: 0, start, end });
    } else if (kind === 'mutex') {
      if (x < 0.4) ops.push({ f: 'acquire', key: '', type, lin: 0, start, end });
      else if (x < 0.8) ops.push({ f: 'release', key: '', type, lin: 0, start, end });
      else ops.push({ f: 'acquire', key: '', value: { refused: 'PreconditionFailed (HTTP 412)' }, type: 'ok', lin: 0, start, end });
    } else if (kind === 'set') {
      if (x < 0.5) ops.push({ f: 'add', key: '', invokeValue: small(), type, lin: 0, start, end });
      else ops.push({ f: 'read', key: '', value: [0, 1, 2].filter(() => r() < 0.4), type: 'ok', lin: 0, start, end });
    } else if (kind === 'queue') {
      if (x < 0.5) ops.push({ f: 'enqueue', key: '', invokeValue: small(), type, lin: 0, start, end });
      else ops.push({ f: 'dequeue', key: '', ...(type === 'ok' ? { value: r() < 0.25 ? null : small() } : {}), type, lin: 0, start, end });
    } else {
      const tok = 'ab'[Math.floor(r() * 2)]!;
      if (x < 0.3) ops.push({ f: 'append', key: 'k', invokeValue: tok, type, lin: 0, start, end });
      else if (x < 0.5) ops.push({ f: 'put', key: 'k', invokeValue: tok, type, lin: 0, start, end });
      else ops.push({ f: 'get', key: 'k', value: ['', 'a', 'b', 'ab', 'ba', 'aa'][Math.floor(r() * 6)], type: 'ok', lin: 0, start, end });
    }
  }
  return ops;
}

const budget = () => ({ deadline: performance.now() + 10_000, maxStates: 5_000_000, maxCacheBytes: 512 << 20 });

describe('WGL search and brute force agree', () => {
  for (const [kind, model, hints] of [
    ['cas', casRegisterModel, casRegisterHints],
    ['register', registerModel, registerHints],
    ['kv', kvModel, kvHints],
    ['mutex', mutexModel, mutexHints],
    ['set', setModel, setHints],
    ['queue', unorderedQueueModel, unorderedQueueHints],
    ['queue', fifoQueueModel, fifoQueueHints],
  ] as const) {
    it(`${model.name}: on random histories with crashed writes`, () => {
      let valid = 0;
      let invalid = 0;
      fc.assert(
        fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.integer({ min: 1, max: 9 }), (seed, n) => {
          const ops = toHistory(gen(rng(seed), n, kind)).ops;
          const expected = brute(model as Model<unknown>, ops);
          const got = wglSearch(model as Model<unknown>, ops, budget(), hints as SearchHints<unknown>).valid;
          expect(got).toBe(expected);
          // The hints only narrow the search: without them, the same verdict.
          expect(wglSearch(model as Model<unknown>, ops, budget()).valid).toBe(expected);
          if (expected) valid++;
          else invalid++;
        }),
        { numRuns: 3000 },
      );
      expect(valid).toBeGreaterThan(300);
      expect(invalid).toBeGreaterThan(300);
    });
  }
});
