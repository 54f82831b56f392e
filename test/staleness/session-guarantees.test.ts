import { describe, expect, it } from 'vitest';
import { sessionGuarantees } from '../../checkers/session-guarantees.js';
import { historyOf } from '../../src/history/build.js';
import { events } from '../helpers/events.js';
import { okOp } from '../helpers/evidence.js';

const check = (...steps: Parameters<typeof events>) => sessionGuarantees.check(historyOf(events(...steps)));
const verdicts = (r: Awaited<ReturnType<typeof check>>) =>
  Object.fromEntries(Object.entries(r.guarantees as Record<string, { valid: unknown; violations: number }>).map(([g, v]) => [g, v.violations]));

describe('session-guarantees', () => {
  it('read-your-writes: flags a read older than the session’s own completed write', async () => {
    const r = await check(
      [0, 'invoke', 'put', 'k', 1],
      [0, 'ok', 'put', 'k'],
      [0, 'invoke', 'put', 'k', 2],
      [0, 'ok', 'put', 'k'],
      [0, 'invoke', 'get', 'k'],
      [0, 'ok', 'get', 'k', 1],
    );
    expect(r.valid).toBe(false);
    expect(verdicts(r)).toEqual({ 'read-your-writes': 1, 'monotonic-reads': 0, 'monotonic-writes': 0, 'writes-follow-reads': 0 });
    expect(r.anomalies).toEqual([
      {
        kind: 'read-your-writes',
        key: 'k',
        ops: [2, 4, 0],
        explanation: 'process 0 wrote put(k, 2), then get(k) → 1 at 0.004 s returned a value definitely older: put(k, 1) completed at 0.001 s, before put(k, 2) was invoked at 0.002 s',
        evidence: {
          kind: 'read-your-writes',
          key: 'k',
          read: okOp(4, 0, 'get(k) → 1', 4, 5),
          notFound: false,
          source: okOp(0, 0, 'put(k, 1)', 0, 1),
          floor: okOp(2, 0, 'put(k, 2)', 2, 3),
        },
      },
    ]);
  });

  it('read-your-writes: a concurrent write from another session is not older', async () => {
    const r = await check(
      [1, 'invoke', 'put', 'k', 9],
      [0, 'invoke', 'put', 'k', 1],
      [1, 'ok', 'put', 'k'], // put 9 overlaps put 1
      [0, 'ok', 'put', 'k'],
      [0, 'invoke', 'get', 'k'],
      [0, 'ok', 'get', 'k', 9],
    );
    expect(r.valid).toBe(true);
    expect((r.guarantees as Record<string, { checked: number }>)['read-your-writes']!.checked).toBe(1);
  });

  it('read-your-writes: not-found after my put is a violation unless a delete could explain it', async () => {
    const violated = await check([0, 'invoke', 'put', 'k', 1], [0, 'ok', 'put', 'k'], [0, 'invoke', 'get', 'k'], [0, 'ok', 'get', 'k', null]);
    expect(verdicts(violated)['read-your-writes']).toBe(1);
    expect(violated.anomalies[0]!.explanation).toContain('no delete could explain the null');
    const explained = await check(
      [0, 'invoke', 'put', 'k', 1],
      [1, 'invoke', 'delete', 'k'],
      [0, 'ok', 'put', 'k'],
      [1, 'ok', 'delete', 'k'],
      [0, 'invoke', 'get', 'k'],
      [0, 'ok', 'get', 'k', null],
    );
    expect(explained.valid).toBe(true);
  });

  it('read-your-writes: reading the value my delete removed is a violation', async () => {
    const r = await check([1, 'invoke', 'put', 'k', 1], [1, 'ok', 'put', 'k'], [0, 'invoke', 'delete', 'k'], [0, 'ok', 'delete', 'k'], [0, 'invoke', 'get', 'k'], [0, 'ok', 'get', 'k', 1]);
    expect(verdicts(r)['read-your-writes']).toBe(1);
  });

  it('monotonic reads: flags going back to a definitely older value, not to a concurrent one', async () => {
    const back = await check(
      [1, 'invoke', 'put', 'k', 1],
      [1, 'ok', 'put', 'k'],
      [1, 'invoke', 'put', 'k', 2],
      [1, 'ok', 'put', 'k'],
      [0, 'invoke', 'get', 'k'],
      [0, 'ok', 'get', 'k', 2],
      [0, 'invoke', 'get', 'k'],
      [0, 'ok', 'get', 'k', 1],
    );
    expect(verdicts(back)['monotonic-reads']).toBe(1);
    expect(back.anomalies[0]).toMatchObject({ kind: 'monotonic-reads', ops: [4, 6, 2, 0] });
    const concurrent = await check(
      [1, 'invoke', 'put', 'k', 1],
      [2, 'invoke', 'put', 'k', 2],
      [1, 'ok', 'put', 'k'],
      [2, 'ok', 'put', 'k'],
      [0, 'invoke', 'get', 'k'],
      [0, 'ok', 'get', 'k', 2],
      [0, 'invoke', 'get', 'k'],
      [0, 'ok', 'get', 'k', 1],
    );
    expect(concurrent.valid).toBe(true);
  });

  it('monotonic reads: nothing is definitely older than not-found, which may be the initial state', async () => {
    const r = await check(
      [1, 'invoke', 'put', 'k', 1],
      [1, 'ok', 'put', 'k'],
      [0, 'invoke', 'get', 'k'],
      [0, 'ok', 'get', 'k', null], // stale, but not a monotonic-reads matter
      [0, 'invoke', 'get', 'k'],
      [0, 'ok', 'get', 'k', 1],
    );
    expect(verdicts(r)['monotonic-reads']).toBe(0);
  });

  it('monotonic writes: an observer that saw my second write must not see older than my first', async () => {
    const steps: Parameters<typeof events> = [
      [0, 'invoke', 'put', 'x', 1],
      [0, 'ok', 'put', 'x'],
      [0, 'invoke', 'put', 'y', 2],
      [0, 'ok', 'put', 'y'],
      [1, 'invoke', 'get', 'y'],
      [1, 'ok', 'get', 'y', 2],
      [1, 'invoke', 'get', 'x'],
    ];
    const bad = await check(...steps, [1, 'ok', 'get', 'x', null]);
    expect(verdicts(bad)).toEqual({ 'read-your-writes': 0, 'monotonic-reads': 0, 'monotonic-writes': 1, 'writes-follow-reads': 0 });
    expect(bad.anomalies[0]).toMatchObject({ kind: 'monotonic-writes', ops: [0, 2, 4, 6] });
    expect(bad.anomalies[0]!.explanation).toBe(
      'process 0 wrote put(x, 1) before put(y, 2); process 1 saw the latter (get(y) → 2 at 0.004 s), then get(x) → null at 0.006 s returned a value definitely older than the former: no delete could explain the null, and put(x, 1) was invoked at 0.000 s',
    );
    const good = await check(...steps, [1, 'ok', 'get', 'x', 1]);
    expect(good.valid).toBe(true);
    expect((good.guarantees as Record<string, { checked: number }>)['monotonic-writes']!.checked).toBe(1);
  });

  it('writes-follow-reads: an observer of my write must not see older than what I had read', async () => {
    const steps: Parameters<typeof events> = [
      [0, 'invoke', 'put', 'x', 1],
      [0, 'ok', 'put', 'x'],
      [1, 'invoke', 'get', 'x'],
      [1, 'ok', 'get', 'x', 1],
      [1, 'invoke', 'put', 'y', 2],
      [1, 'ok', 'put', 'y'],
      [2, 'invoke', 'get', 'y'],
      [2, 'ok', 'get', 'y', 2],
      [2, 'invoke', 'get', 'x'],
    ];
    const bad = await check(...steps, [2, 'ok', 'get', 'x', null]);
    expect(verdicts(bad)).toEqual({ 'read-your-writes': 0, 'monotonic-reads': 0, 'monotonic-writes': 0, 'writes-follow-reads': 1 });
    expect(bad.anomalies[0]).toMatchObject({ kind: 'writes-follow-reads', ops: [2, 4, 6, 8] });
    const good = await check(...steps, [2, 'ok', 'get', 'x', 1]);
    expect(good.valid).toBe(true);
  });

  it('reports a same-key reversal seen through another session’s write as monotonic reads only', async () => {
    const r = await check(
      [0, 'invoke', 'put', 'x', 1],
      [0, 'ok', 'put', 'x'],
      [0, 'invoke', 'put', 'x', 2],
      [0, 'ok', 'put', 'x'],
      [1, 'invoke', 'get', 'x'],
      [1, 'ok', 'get', 'x', 2],
      [1, 'invoke', 'get', 'x'],
      [1, 'ok', 'get', 'x', 1],
    );
    expect(verdicts(r)).toEqual({ 'read-your-writes': 0, 'monotonic-reads': 1, 'monotonic-writes': 0, 'writes-follow-reads': 0 });
  });

  it('a session ends at an info: the worker’s next process number owes nothing to the old one', async () => {
    const r = await check(
      [0, 'invoke', 'put', 'k', 1],
      [0, 'ok', 'put', 'k'],
      [0, 'invoke', 'put', 'k', 2],
      [0, 'info', 'put', 'k'],
      [3, 'invoke', 'get', 'k'],
      [3, 'ok', 'get', 'k', null],
    );
    expect(r).toMatchObject({ valid: true, sessions: 2 });
  });
});
