import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mergeByIndex } from '../../src/util/merge-by-index.js';

describe('mergeByIndex: several ascending lists of distinct numbers, visited as one in order', () => {
  it('visits every entry once, in ascending order, and lets each list go once visited', () => {
    // Distinct numbers, dense or with gaps far wider than a window (up to 2^40), dealt to lists.
    const arb = fc.record({
      numbers: fc.uniqueArray(fc.oneof(fc.integer({ min: 0, max: 3000 }), fc.integer({ min: 0, max: 2 ** 40 })), { maxLength: 400 }),
      lists: fc.integer({ min: 1, max: 9 }),
      seed: fc.integer(),
    });
    fc.assert(
      fc.property(arb, ({ numbers, lists, seed }) => {
        const dealt: number[][] = Array.from({ length: lists }, () => []);
        [...numbers].sort((a, b) => a - b).forEach((x, i) => dealt[Math.abs(seed + i * 7919) % lists]!.push(x));
        const columns: (Float64Array | undefined)[] = dealt.map((l) => Float64Array.from(l));
        const seen: number[] = [];
        const done: number[] = [];
        mergeByIndex(
          columns,
          (k, at) => {
            // Its list is still there while its entries are visited.
            seen.push(columns[k]![at]!);
            expect(done).not.toContain(k);
          },
          (k) => done.push(k),
        );
        expect(seen).toEqual([...numbers].sort((a, b) => a - b));
        const nonEmpty = dealt.flatMap((l, k) => (l.length > 0 ? [k] : []));
        expect([...done].sort()).toEqual(nonEmpty);
        for (const k of nonEmpty) expect(columns[k]).toBeUndefined();
      }),
      { numRuns: 300 },
    );
  });
});
