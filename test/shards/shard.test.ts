import { describe, expect, it } from 'vitest';
import { firstProcess, msUntilStart, parseShard, parseStartAt, processStride, shardGenerator, shardValue, START_AT_GRACE_MS } from '../../src/runner/shard.js';
import { UserError } from '../../src/util/errors.js';

describe('--shard I/N', () => {
  it('parses I/N with 0 <= I < N, and refuses anything else in one line', () => {
    expect(parseShard('0/1')).toEqual({ index: 0, count: 1 });
    expect(parseShard('2/3')).toEqual({ index: 2, count: 3 });
    for (const bad of ['3/3', '1/0', '-1/3', '1', 'a/b', '1/3/4', '']) expect(() => parseShard(bad)).toThrow(UserError);
  });

  it('gives every worker of every shard process numbers no other shard uses, after any number of infos', () => {
    const count = 3;
    const concurrency = 4;
    const owner = new Map<number, string>();
    for (let index = 0; index < count; index++) {
      for (let w = 0; w < concurrency; w++) {
        // A worker's numbers: its first, then + stride after each info.
        for (let p = firstProcess(w, { index, count }), i = 0; i < 5; i++, p += processStride(concurrency, { index, count })) {
          const who = `${index}:${w}`;
          expect(owner.get(p) ?? who).toBe(who);
          owner.set(p, who);
          expect(p % count).toBe(index);
        }
      }
    }
    expect(owner.size).toBe(count * concurrency * 5);
    // Without shards: Jepsen's own numbering.
    expect(firstProcess(3, undefined)).toBe(3);
    expect(processStride(5, undefined)).toBe(5);
  });

  it('makes the values 1, 2, 3… of each shard unique across shards, positive, and untouched otherwise', () => {
    const seen = new Set<number>();
    for (let index = 0; index < 4; index++) for (let v = 1; v <= 50; v++) seen.add(shardValue(v, { index, count: 4 }));
    expect(seen.size).toBe(200);
    expect(Math.min(...seen)).toBe(1);
    const g = shardGenerator({ next: (() => { let n = 0; return () => (n < 3 ? (n++ % 2 === 0 ? { f: 'put', key: 'k', value: n } : { f: 'get', key: 'k' }) : undefined); })() }, { index: 1, count: 3 });
    expect([g.next(), g.next(), g.next(), g.next()]).toEqual([{ f: 'put', key: 'k', value: 2 }, { f: 'get', key: 'k' }, { f: 'put', key: 'k', value: 8 }, undefined]);
  });
});

describe('--start-at', () => {
  it('takes an ISO time with its zone only', () => {
    expect(parseStartAt('2026-12-07T05:30:00Z')).toBe(Date.UTC(2026, 11, 7, 5, 30));
    expect(parseStartAt('2026-12-07T06:30:00.500+01:00')).toBe(Date.UTC(2026, 11, 7, 5, 30, 0, 500));
    for (const bad of ['2026-12-07', '2026-12-07T05:30:00', 'tomorrow', '1765085400000']) expect(() => parseStartAt(bad)).toThrow(/ISO time with its zone/);
  });

  it('waits until then; a moment late starts at once; well past is a usage error', () => {
    expect(msUntilStart(10_000, 4_000)).toBe(6_000);
    expect(msUntilStart(10_000, 10_000 + START_AT_GRACE_MS)).toBe(0);
    expect(() => msUntilStart(10_000, 10_001 + START_AT_GRACE_MS)).toThrow(/s in the past/);
  });
});
