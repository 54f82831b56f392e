import { describe, expect, it } from 'vitest';
import { readValidity } from '../checkers/read-validity.js';
import { historyOf } from '../src/history/build.js';
import { events } from './helpers/events.js';
import { okOp } from './helpers/evidence.js';

const check = (...steps: Parameters<typeof events>) => readValidity.check(historyOf(events(...steps)));

describe('read-validity', () => {
  it('accepts reads of null, of completed writes, and of concurrent or crashed writes', async () => {
    const r = await check(
      [0, 'invoke', 'get', 'k'],
      [0, 'ok', 'get', 'k', null],
      [0, 'invoke', 'put', 'k', 1],
      [0, 'ok', 'put', 'k'],
      [1, 'invoke', 'put', 'k', 2],
      [0, 'invoke', 'get', 'k'],
      [0, 'ok', 'get', 'k', 2], // concurrent with the put of 2
      [1, 'info', 'put', 'k'],
      [0, 'invoke', 'get', 'k'],
      [0, 'ok', 'get', 'k', 1],
    );
    expect(r).toMatchObject({ valid: true, anomalies: [], reads: 3, invalidReads: 0 });
  });

  it('flags a value no one wrote', async () => {
    const r = await check([0, 'invoke', 'put', 'k', 1], [0, 'ok', 'put', 'k'], [1, 'invoke', 'get', 'k'], [1, 'ok', 'get', 'k', 99]);
    expect(r.valid).toBe(false);
    expect(r.anomalies).toEqual([
      {
        kind: 'phantom-value',
        key: 'k',
        ops: [2],
        explanation: 'get(k) → 99 at 0.002 s returned a value that no operation ever wrote',
        evidence: { kind: 'phantom-value', key: 'k', read: okOp(2, 1, 'get(k) → 99', 2, 3) },
      },
    ]);
  });

  it('flags a value written to another key', async () => {
    const r = await check([0, 'invoke', 'put', 'a', 1], [0, 'ok', 'put', 'a'], [1, 'invoke', 'get', 'b'], [1, 'ok', 'get', 'b', 1]);
    expect(r.anomalies.map((a) => [a.kind, a.ops])).toEqual([['value-from-other-key', [2, 0]]]);
    expect(r.anomalies[0]!.explanation).toContain('written to a by put(a, 1), not one written to b');
  });

  it('flags a value whose write definitely failed', async () => {
    const r = await check([0, 'invoke', 'put', 'k', 5], [0, 'fail', 'put', 'k', undefined, 'PreconditionFailed'], [1, 'invoke', 'get', 'k'], [1, 'ok', 'get', 'k', 5]);
    expect(r.anomalies.map((a) => a.kind)).toEqual(['value-of-failed-write']);
    expect(r.anomalies[0]!.explanation).toContain('definitely failed (PreconditionFailed)');
  });

  it('flags a read that returned a value before its write was invoked', async () => {
    const r = await check([1, 'invoke', 'get', 'k'], [1, 'ok', 'get', 'k', 3], [0, 'invoke', 'put', 'k', 3], [0, 'ok', 'put', 'k']);
    expect(r.anomalies.map((a) => a.kind)).toEqual(['value-from-the-future']);
  });

  it('ignores failed and crashed reads, and says when nothing was read', async () => {
    const r = await check([0, 'invoke', 'get', 'k'], [0, 'fail', 'get', 'k'], [1, 'invoke', 'get', 'k'], [1, 'info', 'get', 'k']);
    expect(r).toMatchObject({ valid: true, reads: 0, summary: 'no successful reads to check' });
  });

  it('lists at most maxAnomalies but counts them all', async () => {
    const steps: Parameters<typeof events> = [];
    for (let i = 0; i < 5; i++) steps.push([0, 'invoke', 'get', 'k'], [0, 'ok', 'get', 'k', 100 + i]);
    const r = await readValidity.check(historyOf(events(...steps)), { maxAnomalies: 2 });
    expect(r.anomalies).toHaveLength(2);
    expect(r.invalidReads).toBe(5);
  });
});
