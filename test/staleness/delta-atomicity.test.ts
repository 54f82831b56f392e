import { describe, expect, it } from 'vitest';
import { deltaAtomicityChecker } from '../../checkers/delta-atomicity.js';
import { historyOf } from '../../src/history/build.js';
import { events } from '../helpers/events.js';

type Steps = Parameters<typeof events>;
const check = (...steps: Steps) => deltaAtomicityChecker.check(historyOf(events(...steps)));
const worstMs = async (...steps: Steps) => ((await check(...steps)).worst as { deltaMs: number }).deltaMs;

describe('delta-atomicity', () => {
  it('is 0 for a linearizable history, concurrent writes and null before any write included', async () => {
    const r = await check(
      [0, 'invoke', 'get', 'k'],
      [0, 'ok', 'get', 'k', null],
      [0, 'invoke', 'put', 'k', 1],
      [1, 'invoke', 'put', 'k', 2],
      [0, 'ok', 'put', 'k'],
      [1, 'ok', 'put', 'k'],
      [2, 'invoke', 'get', 'k'],
      [2, 'ok', 'get', 'k', 1],
    );
    expect(r).toMatchObject({ valid: true, keys: 1, keysStale: 0 });
    expect(r.worst).toMatchObject({ key: 'k', deltaMs: 0 });
  });

  it('equals the age of a lone stale read', async () => {
    const ms = await worstMs(
      [0, 'invoke', 'put', 'k', 1],
      [0, 'ok', 'put', 'k'],
      [0, 'invoke', 'put', 'k', 2],
      [0, 'ok', 'put', 'k'], // 3 ms
      [1, 'invoke', 'get', 'k'], // 4 ms
      [1, 'ok', 'get', 'k', 1],
    );
    expect(ms).toBe(1);
  });

  it('moves whichever read is cheaper to move', async () => {
    // get → 2 (9 ms) and get → 1 (11 ms), after both puts: the later read of 1 must move before put 2 completed (3 ms): 8 ms;
    // moving the read of 2 cannot help, since put 2 started after put 1 completed.
    const r = await check(
      [0, 'invoke', 'put', 'k', 1],
      [0, 'ok', 'put', 'k'],
      [0, 'invoke', 'put', 'k', 2],
      [0, 'ok', 'put', 'k'],
      [1, 'invoke', 'get', 'a'],
      [1, 'ok', 'get', 'a', null],
      [1, 'invoke', 'get', 'a'],
      [1, 'ok', 'get', 'a', null],
      [1, 'invoke', 'get', 'a'],
      [2, 'invoke', 'get', 'k'], // 9 ms
      [2, 'ok', 'get', 'k', 2],
      [2, 'invoke', 'get', 'k'], // 11 ms
      [2, 'ok', 'get', 'k', 1],
      [1, 'ok', 'get', 'a', null],
    );
    expect(r.worst).toMatchObject({ key: 'k', deltaMs: 8, ops: [11, 2] });
    expect((r.worst as { explanation: string }).explanation).toBe(
      'k needs Δ = 8.000 ms: get(k) → 1, started at 0.011 s, is linearizable only if it started before put(k, 2) completed at 0.003 s',
    );
    expect(r).toMatchObject({ keys: 2, keysStale: 1 });
  });

  it('measures not-found after a put from the put, and flags the bound as approximate when deletes make null ambiguous', async () => {
    expect(await worstMs([0, 'invoke', 'put', 'k', 1], [0, 'ok', 'put', 'k'], [1, 'invoke', 'get', 'k'], [1, 'ok', 'get', 'k', null])).toBe(1);
    const r = await check(
      [0, 'invoke', 'put', 'k', 1],
      [0, 'ok', 'put', 'k'],
      [0, 'invoke', 'delete', 'k'],
      [0, 'ok', 'delete', 'k'],
      [0, 'invoke', 'put', 'k', 2],
      [0, 'ok', 'put', 'k'], // 5 ms
      [1, 'invoke', 'get', 'k'], // 6 ms
      [1, 'ok', 'get', 'k', null],
    );
    expect(r.worst).toMatchObject({ deltaMs: 1, approximate: true });
    expect(r.keysApproximate).toBe(1);
  });

  it('is unknown without reads', async () => {
    expect(await check([0, 'invoke', 'put', 'k', 1], [0, 'ok', 'put', 'k'])).toMatchObject({ valid: true, keys: 0 });
  });
});
