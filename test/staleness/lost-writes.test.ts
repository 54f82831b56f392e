import { describe, expect, it } from 'vitest';
import { lostWrites } from '../../checkers/staleness/lost-writes.js';
import { historyOf } from '../../src/history/build.js';
import { events } from '../helpers/events.js';
import { okOp } from '../helpers/evidence.js';

type Steps = Parameters<typeof events>;
const check = (...steps: Steps) => lostWrites.check(historyOf(events(...steps)));
const finals = (...values: (number | null)[]): Steps => values.flatMap((v, i): Steps => [[10 + i, 'invoke', 'final-get', 'k'], [10 + i, 'ok', 'final-get', 'k', v]]);
const twoPuts: Steps = [
  [0, 'invoke', 'put', 'k', 1],
  [0, 'ok', 'put', 'k'],
  [0, 'invoke', 'put', 'k', 2],
  [0, 'ok', 'put', 'k'], // 3 ms
];

describe('lost-writes', () => {
  it('accepts final reads of the last write, and measures convergence from it', async () => {
    const r = await check(...twoPuts, ...finals(2, 2));
    expect(r).toMatchObject({ valid: true, lostWrites: 0, keysNotConverged: 0, finalReads: 2, acknowledgedWrites: 2 });
    expect(r.convergenceMs).toMatchObject({ count: 1, max: 1 }); // first final read at 4 ms
  });

  it('flags the last acknowledged write when every final read returns something definitely older', async () => {
    const r = await check(...twoPuts, ...finals(1, 1));
    expect(r).toMatchObject({ valid: false, lostWrites: 1 });
    expect(r.anomalies).toEqual([
      {
        kind: 'lost-write',
        key: 'k',
        ops: [2, 4, 6],
        explanation:
          'put(k, 2), acknowledged at 0.003 s and never overwritten, is lost: every final read returned a value whose every possible write completed before it was invoked (final-get(k) → 1, final-get(k) → 1)',
        evidence: {
          kind: 'lost-write',
          key: 'k',
          write: okOp(2, 0, 'put(k, 2)', 2, 3),
          finalReads: [okOp(4, 10, 'final-get(k) → 1', 4, 5), okOp(6, 11, 'final-get(k) → 1', 6, 7)],
          moreReads: 0,
        },
      },
    ]);
  });

  it('flags a put lost to not-found, and a delete lost to a resurrected value', async () => {
    expect(await check([0, 'invoke', 'put', 'k', 1], [0, 'ok', 'put', 'k'], ...finals(null))).toMatchObject({ valid: false, lostWrites: 1 });
    const resurrected = await check([0, 'invoke', 'put', 'k', 1], [0, 'ok', 'put', 'k'], [0, 'invoke', 'delete', 'k'], [0, 'ok', 'delete', 'k'], ...finals(1));
    expect(resurrected.anomalies.map((a) => [a.kind, a.ops[0]])).toEqual([['lost-write', 2]]);
    expect(await check([0, 'invoke', 'put', 'k', 1], [0, 'ok', 'put', 'k'], [0, 'invoke', 'delete', 'k'], [0, 'ok', 'delete', 'k'], ...finals(null))).toMatchObject({ valid: true });
  });

  it('counts a cas that took effect as a write of its new value, and a refused one as none', async () => {
    const created: Steps = [[0, 'invoke', 'cas', 'k', [null, 1]], [0, 'ok', 'cas', 'k'], [0, 'invoke', 'cas', 'k', [1, 2]], [0, 'ok', 'cas', 'k']];
    expect(await check(...created, ...finals(2, 2))).toMatchObject({ valid: true, acknowledgedWrites: 2 });
    const lost = await check(...created, ...finals(1, 1));
    expect(lost).toMatchObject({ valid: false, lostWrites: 1 });
    expect(lost.anomalies[0]!.explanation).toMatch(/^cas\(k, \[1,2\]\), acknowledged .* is lost/);
    const refused: Steps = [...created, [1, 'invoke', 'cas', 'k', [5, 6]], [1, 'ok', 'cas', 'k', { refused: 'PreconditionFailed' }]];
    expect(await check(...refused, ...finals(2))).toMatchObject({ valid: true, acknowledgedWrites: 2 });
  });

  it('does not flag concurrent last writes, or a survivor that an indeterminate write explains', async () => {
    const concurrent: Steps = [[0, 'invoke', 'put', 'k', 1], [1, 'invoke', 'put', 'k', 2], [0, 'ok', 'put', 'k'], [1, 'ok', 'put', 'k']];
    expect(await check(...concurrent, ...finals(1, 1))).toMatchObject({ valid: true, lostWrites: 0 });
    const info: Steps = [...twoPuts, [1, 'invoke', 'put', 'k', 3], [1, 'info', 'put', 'k']];
    expect(await check(...info, ...finals(3))).toMatchObject({ valid: true });
  });

  it('flags workers that still disagree at the end', async () => {
    const r = await check(...twoPuts, [1, 'invoke', 'put', 'k', 3], [1, 'info', 'put', 'k'], ...finals(2, 3));
    expect(r).toMatchObject({ valid: false, lostWrites: 0, keysNotConverged: 1 });
    expect(r.anomalies[0]).toMatchObject({ kind: 'not-converged', key: 'k', ops: [6, 8] });
  });

  it('measures convergence to the first read from which all agree', async () => {
    // Process 10 reads 1 (stale), process 11 reads 2, then process 10 reads 2: they agree from the second read (at 6 ms).
    const r = await check(
      ...twoPuts,
      ...finals(1, 2),
      [10, 'invoke', 'final-get', 'k'],
      [10, 'ok', 'final-get', 'k', 2],
    );
    expect(r).toMatchObject({ valid: true, keysNotConverged: 0 });
    expect(r.convergenceMs).toMatchObject({ max: 3 });
  });

  it('takes plain reads after finalPhaseStart as final reads, and is unknown without any', async () => {
    const steps: Steps = [...twoPuts, [1, 'invoke', 'get', 'k'], [1, 'ok', 'get', 'k', 1]];
    expect(await check(...steps)).toMatchObject({ valid: 'unknown', finalReads: 0 });
    const r = await lostWrites.check(historyOf(events(...steps)), { finalPhaseStart: 4_000_000 });
    expect(r).toMatchObject({ valid: false, lostWrites: 1 });
  });
});
