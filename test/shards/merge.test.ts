import { describe, expect, it } from 'vitest';
import { applyClockBound, applyLostShardWrites } from '../../src/check/clock-bound.js';
import { runCheckers } from '../../src/check/run-checkers.js';
import type { ClockRecord } from '../../src/history/clock.js';
import { historyOf as buildHistory } from '../../src/history/build.js';
import type { HistoryEvent } from '../../src/history/event.js';
import { mergeHistories, type ShardHistory } from '../../src/history/merge.js';
import { checkers } from '../../checkers/registry.js';

const MS = 1_000_000;
type Step = [timeMs: number, process: number | 'nemesis', type: HistoryEvent['type'], f: string, key?: string, value?: unknown];

function shard(name: string, wallMs: number, epsilonMs: number, steps: Step[], extra: Partial<ShardHistory> = {}): ShardHistory {
  const clock: ClockRecord = { anchor: { wallMs, monoNs: 0 }, epsilonMs, source: 'flag', detail: '' };
  const events = steps.map(([t, process, type, f, key, value], index) => ({ index, time: t * MS, process, type, f, ...(key !== undefined ? { key } : {}), ...(value !== undefined ? { value } : {}) }) as HistoryEvent);
  return { name, clock, epsilonMs, events, ...extra };
}

const order = (events: HistoryEvent[]) => events.map((e) => `${e.process}:${e.type}:${e.f}`);

describe('mergeHistories', () => {
  it('puts shards on one timeline through their anchors, each op widened by its ε on both sides', () => {
    // Shard 1's clock started 5 ms after shard 0's: its put at 2.5 ms is at 7.5 ms on shard 0's.
    const a = shard('a', 1000, 0, [[0, 0, 'invoke', 'get', 'k'], [6, 0, 'ok', 'get', 'k', null]]);
    const b = shard('b', 1005, 0, [[2.5, 1, 'invoke', 'put', 'k', 1], [4, 1, 'ok', 'put', 'k']]);
    const exact = mergeHistories([a, b]);
    expect(order(exact.events)).toEqual(['0:invoke:get', '0:ok:get', '1:invoke:put', '1:ok:put']);
    expect(exact.events.map((e) => e.index)).toEqual([0, 1, 2, 3]);
    expect(exact.events.map((e) => e.time / MS)).toEqual([0, 6, 7.5, 9]);
    // With ε = 1 ms each, 1.5 ms between the get's end and the put's start is not certain: they overlap.
    const widened = mergeHistories([{ ...a, epsilonMs: 1 }, { ...b, epsilonMs: 1 }]);
    expect(order(widened.events)).toEqual(['0:invoke:get', '1:invoke:put', '0:ok:get', '1:ok:put']);
    // The unwidened times are kept beside, for the clock bound.
    expect(widened.sources.map((s) => [s.shard, s.timeNs / MS - widened.sources[0]!.timeNs / MS])).toEqual([[0, 0], [1, 7.5], [0, 6], [1, 9]]);
    expect(widened.events.every((e, i) => i === 0 || e.time >= widened.events[i - 1]!.time)).toBe(true);
  });

  it('keeps the end marker only when every shard has one, and the latest final-phase marker only', () => {
    const end: Step = [9, 'nemesis', 'info', 'end'];
    const a = shard('a', 0, 0, [[0, 0, 'invoke', 'get', 'k'], [1, 0, 'ok', 'get', 'k', null], [2, 'nemesis', 'info', 'final-phase'], end]);
    const b = shard('b', 0, 0, [[0, 1, 'invoke', 'get', 'k'], [1, 1, 'ok', 'get', 'k', null], [3, 'nemesis', 'info', 'final-phase'], end]);
    const both = mergeHistories([a, b]).events;
    expect(both.filter((e) => e.f === 'end')).toHaveLength(1);
    expect(both.at(-1)!.f).toBe('end');
    expect(both.filter((e) => e.f === 'final-phase').map((e) => e.time / MS)).toEqual([3]);
    const killed = mergeHistories([a, { ...b, events: b.events.slice(0, 1) }]).events;
    expect(killed.some((e) => e.f === 'end')).toBe(false);
    // The killed shard's op stays open: indeterminate, as any op a history ends before.
    expect(buildHistory(killed).ops.find((o) => o.process === 1)!.type).toBe('open');
  });

  it("gives a process's op that, widened, begins before its last op ends a new number with the same shard residue", () => {
    const a = shard('a', 0, 1, [[0, 2, 'invoke', 'put', 'k', 1], [1, 2, 'ok', 'put', 'k'], [1.5, 2, 'invoke', 'get', 'k'], [2, 2, 'ok', 'get', 'k', 1], [10, 2, 'invoke', 'get', 'k'], [11, 2, 'ok', 'get', 'k', 1]], { shard: { index: 2, count: 3 } });
    const m = mergeHistories([a]);
    const h = buildHistory(m.events);
    expect(h.ops.map((o) => o.process)).toEqual([2, 5, 5]);
    expect(m.splitOps).toBe(1);
    expect(h.ops.every((o) => o.process % 3 === 2)).toBe(true);
  });

  it('renumbers processes when two shards used the same numbers, and keeps disjoint shards\' keys apart', () => {
    const steps: Step[] = [[0, 0, 'invoke', 'list', 'l/'], [1, 0, 'ok', 'list', 'l/', ['l/k1']]];
    const m = mergeHistories([shard('a', 0, 0, steps, { keyPrefix: 'shard-0/' }), shard('b', 0, 0, steps, { keyPrefix: 'shard-1/' })]);
    expect(m.renumbered).toBe(true);
    expect(new Set(m.events.map((e) => e.process))).toEqual(new Set([0, 1]));
    expect(m.events.filter((e) => e.type === 'ok').map((e) => e.value)).toEqual([['shard-0/l/k1'], ['shard-1/l/k1']]);
    expect(new Set(m.events.map((e) => e.key))).toEqual(new Set(['shard-0/l/', 'shard-1/l/']));
  });
});

describe('the clock bound (applyClockBound)', () => {
  // A stale read: shard 1 reads the old value 1 ms after shard 0's overwrite ended, by the clocks.
  const steps0: Step[] = [[0, 0, 'invoke', 'put', 'k', 1], [1, 0, 'ok', 'put', 'k'], [2, 0, 'invoke', 'put', 'k', 2], [3, 0, 'ok', 'put', 'k']];
  const steps1: Step[] = [[4, 1, 'invoke', 'get', 'k'], [5, 1, 'ok', 'get', 'k', 1]];
  const check = async (epsMerge: number, epsBound: number) => {
    const m = mergeHistories([shard('a', 0, epsMerge, steps0), shard('b', 0, epsMerge, steps1)]);
    const h = buildHistory(m.events);
    const results = await runCheckers(h, [checkers.get('stale-reads')!], true);
    return { results, bounded: applyClockBound(results, h, m.sources, [epsBound, epsBound]) };
  };

  it('keeps an anomaly whose ops lie further apart than 2ε', async () => {
    const { bounded } = await check(0, 1);
    expect(bounded.valid).toBe(false);
    expect(bounded.checkers['stale-reads']!.anomalies.length).toBeGreaterThan(0);
  });

  it('sets apart an anomaly of several shards within 2ε: not decidable, the verdict unknown, not invalid', async () => {
    const { results, bounded } = await check(0, 3);
    expect(results.valid).toBe(false);
    const r = bounded.checkers['stale-reads']!;
    expect(r.anomalies).toEqual([]);
    expect(r.valid).toBe('unknown');
    expect(r.reason).toMatch(/not decidable at this clock bound/);
    expect((r.undecidable as { undecidable: string }[])[0]!.undecidable).toMatch(/within 2ε = 6\.00 ms/);
    expect(bounded.valid).toBe('unknown');
  });

  it('never sets apart an anomaly of one shard: its ops are on one clock', async () => {
    const m = mergeHistories([shard('a', 0, 0, [...steps0, [4, 1, 'invoke', 'get', 'k'], [5, 1, 'ok', 'get', 'k', 1]]), shard('b', 0, 0, [])]);
    const h = buildHistory(m.events);
    const results = await runCheckers(h, [checkers.get('stale-reads')!], true);
    expect(applyClockBound(results, h, m.sources, [100, 100]).valid).toBe(false);
  });
});

describe('writes lost with a killed shard (applyLostShardWrites)', () => {
  // Shard 0 of 2 writes 1, 3, 5…; shard 1 writes 2, 4…. Shard 1 was killed: a put of 4 reached
  // the store but not its history, and shard 0 read it.
  const steps0: Step[] = [[0, 0, 'invoke', 'put', 'k', 1], [1, 0, 'ok', 'put', 'k'], [2, 0, 'invoke', 'get', 'k'], [3, 0, 'ok', 'get', 'k', 4]];
  const steps1: Step[] = [[0, 1, 'invoke', 'put', 'k', 2], [1, 1, 'ok', 'put', 'k']];
  const check = async (phantom: number, incomplete: { index: number; count: number }[]) => {
    const read = steps0.map((s): Step => (s[2] === 'ok' && s[3] === 'get' ? [s[0], s[1], s[2], s[3], s[4], phantom] : s));
    const m = mergeHistories([shard('a', 0, 0, read), shard('b', 0, 0, steps1)]);
    const h = buildHistory(m.events);
    const results = await runCheckers(h, [checkers.get('read-validity')!], false);
    return applyLostShardWrites(results, h, incomplete.map((s) => ({ ...s, lastNs: -Infinity })), m.sources, 0);
  };

  it("sets apart a read of a value in the killed shard's space that no recorded op wrote", async () => {
    const r = await check(4, [{ index: 1, count: 2 }]);
    expect(r.checkers['read-validity']!.anomalies).toEqual([]);
    expect((r.checkers['read-validity']!.undecidable as { undecidable: string }[])[0]!.undecidable).toMatch(/^it reads 4, a value of shard-1, which did not end normally/);
    expect(r.valid).toBe('unknown');
  });

  it("keeps it when the value is another shard's, or no shard was killed", async () => {
    expect((await check(5, [{ index: 1, count: 2 }])).valid).toBe(false);
    expect((await check(4, [])).valid).toBe(false);
  });

  // Shard 1 deleted k at 10–11 ms; shard 0 put 1 at 20–21 ms and read not-found at 30–31 ms.
  // Shard 1 was killed; its last recorded event is at `last` ms (ε = 1 ms each).
  const absent = async (last: number) => {
    const a = shard('a', 0, 1, [[20, 0, 'invoke', 'put', 'k', 1], [21, 0, 'ok', 'put', 'k'], [30, 0, 'invoke', 'get', 'k'], [31, 0, 'ok', 'get', 'k', null]]);
    const b = shard('b', 0, 1, [[10, 1, 'invoke', 'delete', 'k'], [11, 1, 'ok', 'delete', 'k'], [last, 1, 'invoke', 'get', 'k']]);
    const m = mergeHistories([a, b]);
    const h = buildHistory(m.events);
    const results = await runCheckers(h, [checkers.get('linearizable')!], false);
    expect(results.checkers.linearizable!.valid).toBe(false);
    const lastNs = Math.max(...m.sources.filter((s) => s.shard === 1).map((s) => s.timeNs));
    return applyLostShardWrites(results, h, [{ index: 1, count: 2, lastNs }], m.sources, 1);
  };

  it("sets apart a read of not-found after the killed shard's last recorded event: an unrecorded delete of it explains the read", async () => {
    const r = await absent(29.5);
    expect(r.checkers.linearizable!.anomalies).toEqual([]);
    expect((r.checkers.linearizable!.undecidable as { undecidable: string }[])[0]!.undecidable).toMatch(/^its get of k found the key absent after shard-1's last recorded event/);
    expect(r.valid).toBe('unknown');
  });

  it('keeps it when the read ended more than 2ε before the killed shard last recorded anything', async () => {
    const r = await absent(40);
    expect(r.valid).toBe(false);
    expect(r.checkers.linearizable!.anomalies.length).toBeGreaterThan(0);
  });
});
