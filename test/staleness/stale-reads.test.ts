import { describe, expect, it } from 'vitest';
import { staleReads } from '../../checkers/stale-reads.js';
import { historyOf } from '../../src/history/build.js';
import { events } from '../helpers/events.js';
import { okOp } from '../helpers/evidence.js';

// events() puts event i at i ms, so ages below are read off the event indices.
const check = (...steps: Parameters<typeof events>) => staleReads.check(historyOf(events(...steps)));

describe('stale-reads', () => {
  it('flags a read of a value overwritten before the read began, with exact age and lag', async () => {
    const r = await check(
      [0, 'invoke', 'put', 'k', 1],
      [0, 'ok', 'put', 'k'],
      [0, 'invoke', 'put', 'k', 2],
      [0, 'ok', 'put', 'k'], // 3 ms
      [1, 'invoke', 'get', 'k'], // 4 ms
      [1, 'ok', 'get', 'k', 1],
    );
    expect(r.valid).toBe(false);
    expect(r).toMatchObject({ reads: 1, staleReads: 1, staleFraction: 1 });
    expect(r.ageMs).toEqual({ count: 1, p50: 1, p90: 1, p99: 1, max: 1 });
    expect(r.lag).toEqual({ count: 1, p50: 1, p90: 1, p99: 1, max: 1 });
    expect(r.anomalies).toEqual([
      {
        kind: 'stale-read',
        key: 'k',
        ops: [4, 0, 2],
        explanation:
          'get(k) → 1 at 0.004 s was 1.000 ms stale: its value came from put(k, 1), completed at 0.001 s, superseded by put(k, 2), which completed at 0.003 s; the read missed 1 completed write',
        evidence: {
          kind: 'stale-read',
          key: 'k',
          read: okOp(4, 1, 'get(k) → 1', 4, 5),
          notFound: false,
          source: okOp(0, 0, 'put(k, 1)', 0, 1),
          supersededBy: okOp(2, 0, 'put(k, 2)', 2, 3),
          ageNs: 1e6,
          missedWrites: 1,
        },
      },
    ]);
  });

  it('does not flag a read overlapping the superseding write', async () => {
    const r = await check(
      [0, 'invoke', 'put', 'k', 1],
      [0, 'ok', 'put', 'k'],
      [0, 'invoke', 'put', 'k', 2],
      [1, 'invoke', 'get', 'k'], // before put 2 completes
      [0, 'ok', 'put', 'k'],
      [1, 'ok', 'get', 'k', 1],
      [1, 'invoke', 'get', 'k'],
      [1, 'ok', 'get', 'k', 2],
    );
    expect(r).toMatchObject({ valid: true, reads: 2, staleReads: 0 });
  });

  it('does not flag concurrent writes read in either order', async () => {
    const r = await check(
      [0, 'invoke', 'put', 'k', 1],
      [1, 'invoke', 'put', 'k', 2],
      [0, 'ok', 'put', 'k'],
      [1, 'ok', 'put', 'k'],
      [2, 'invoke', 'get', 'k'],
      [2, 'ok', 'get', 'k', 2],
      [2, 'invoke', 'get', 'k'],
      [2, 'ok', 'get', 'k', 1],
    );
    expect(r).toMatchObject({ valid: true, staleReads: 0 });
  });

  it('lets an indeterminate write explain a read at any time after its invocation', async () => {
    const r = await check(
      [0, 'invoke', 'put', 'k', 1],
      [0, 'info', 'put', 'k'],
      [1, 'invoke', 'put', 'k', 2],
      [1, 'ok', 'put', 'k'],
      [2, 'invoke', 'get', 'k'],
      [2, 'ok', 'get', 'k', 1], // put 1 may have landed after put 2
      [3, 'invoke', 'put', 'k', 3], // left open
      [2, 'invoke', 'get', 'k'],
      [2, 'ok', 'get', 'k', 3],
    );
    expect(r).toMatchObject({ valid: true, reads: 2, staleReads: 0 });
  });

  it('accepts null before any write and after a delete; flags null after a completed put', async () => {
    const r = await check(
      [0, 'invoke', 'get', 'k'],
      [0, 'ok', 'get', 'k', null],
      [0, 'invoke', 'put', 'k', 1],
      [0, 'ok', 'put', 'k'], // 3 ms
      [1, 'invoke', 'get', 'k'], // 4 ms
      [1, 'ok', 'get', 'k', null],
      [0, 'invoke', 'delete', 'k'],
      [0, 'ok', 'delete', 'k'],
      [1, 'invoke', 'get', 'k'],
      [1, 'ok', 'get', 'k', null],
    );
    expect(r).toMatchObject({ valid: false, reads: 3, staleReads: 1 });
    expect(r.anomalies[0]!.ops).toEqual([4, 2]);
    expect(r.anomalies[0]!.explanation).toBe(
      'get(k) → null at 0.004 s was 1.000 ms stale: not-found came from the initial state (no k), superseded by put(k, 1), which completed at 0.003 s; the read missed 1 completed write',
    );
  });

  it('flags reads of a deleted object, and null from a delete overwritten since', async () => {
    const r = await check(
      [0, 'invoke', 'put', 'k', 1],
      [0, 'ok', 'put', 'k'],
      [0, 'invoke', 'delete', 'k'],
      [0, 'ok', 'delete', 'k'], // 3 ms
      [1, 'invoke', 'get', 'k'], // 4 ms
      [1, 'ok', 'get', 'k', 1],
      [0, 'invoke', 'put', 'k', 2],
      [0, 'ok', 'put', 'k'], // 7 ms
      [1, 'invoke', 'get', 'k'], // 8 ms
      [1, 'ok', 'get', 'k', null],
    );
    expect(r).toMatchObject({ valid: false, staleReads: 2 });
    expect(r.anomalies.map((a) => a.ops)).toEqual([
      [4, 0, 2],
      [8, 2, 6],
    ]);
    expect(r.ageMs).toMatchObject({ count: 2, max: 1 });
    expect(r.anomalies[1]!.explanation).toContain('not-found came from delete(k), completed at 0.003 s, the latest delete, superseded by put(k, 2)');
  });

  it('dates staleness from the first superseding write to complete, and counts every missed write', async () => {
    const r = await check(
      [0, 'invoke', 'put', 'k', 1],
      [0, 'ok', 'put', 'k'],
      [0, 'invoke', 'put', 'k', 2], // 2 ms
      [1, 'invoke', 'put', 'k', 3],
      [1, 'ok', 'put', 'k'], // 4 ms: put 3 completes first
      [0, 'ok', 'put', 'k'], // 5 ms
      [1, 'invoke', 'delete', 'k'],
      [1, 'ok', 'delete', 'k'],
      [2, 'invoke', 'get', 'k'], // 8 ms
      [2, 'ok', 'get', 'k', 1],
    );
    expect(r.anomalies[0]!.ops).toEqual([8, 0, 3]);
    expect(r.ageMs).toMatchObject({ max: 4 }); // 8 ms - 4 ms
    expect(r.lag).toMatchObject({ max: 3 });
  });

  it('ignores reads no write explains (read-validity reports them) and says when there were no reads', async () => {
    const r = await check([0, 'invoke', 'get', 'k'], [0, 'ok', 'get', 'k', 42]);
    expect(r).toMatchObject({ valid: true, reads: 0, unexplainedReads: 1 });
  });

  it('lists at most maxAnomalies but counts and measures them all', async () => {
    const steps: Parameters<typeof events> = [[0, 'invoke', 'put', 'k', 1], [0, 'ok', 'put', 'k'], [0, 'invoke', 'put', 'k', 2], [0, 'ok', 'put', 'k']];
    for (let i = 0; i < 5; i++) steps.push([1, 'invoke', 'get', 'k'], [1, 'ok', 'get', 'k', 1]);
    const r = await staleReads.check(historyOf(events(...steps)), { maxAnomalies: 2 });
    expect(r.anomalies).toHaveLength(2);
    expect(r.staleReads).toBe(5);
    // Reads start at 4, 6, 8, 10, 12 ms; put 2 completed at 3 ms.
    expect(r.ageMs).toEqual({ count: 5, p50: 5, p90: 9, p99: 9, max: 9 });
  });
});
