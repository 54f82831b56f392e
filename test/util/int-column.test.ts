import { describe, expect, it } from 'vitest';
import { intColumn } from '../../src/util/int-column.js';

describe('intColumn: integers in 32 bits where they fit, exact either way', () => {
  it('32-bit for integers in [-2^31, 2^31), the first n only', () => {
    const c = intColumn([-(2 ** 31), -1, 0, 2 ** 31 - 1, 7], 4);
    expect(c).toBeInstanceOf(Int32Array);
    expect(Array.from(c)).toEqual([-(2 ** 31), -1, 0, 2 ** 31 - 1]);
  });

  it('64-bit, every value as given, when one does not fit', () => {
    for (const odd of [2 ** 31, -(2 ** 31) - 1, 2 ** 53, 0.5, Infinity, -Infinity, NaN]) {
      const c = intColumn(new Float64Array([1, odd, -1]));
      expect(c, String(odd)).toBeInstanceOf(Float64Array);
      expect(Array.from(c)).toEqual([1, odd, -1]);
    }
  });

  it('a copy: the values given may be reused', () => {
    const values = new Float64Array([1, 2, 3]);
    const c = intColumn(values);
    values.fill(0);
    expect(Array.from(c)).toEqual([1, 2, 3]);
  });
});
