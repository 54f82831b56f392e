/**
 * A column of integers (invoke indices, process numbers, nanosecond spans) as 32 bits each when
 * every one fits, and as they came (64-bit floats) when one does not: exact either way, and half
 * the bytes in the usual case. A big history's key-by-key parts are held until merged: their
 * columns are what bounds the check's memory.
 */
export type IntColumn = Int32Array | Float64Array;

const MIN = -(2 ** 31);
const MAX = 2 ** 31 - 1;

/** The first `n` of `values` as an IntColumn (a copy: `values` may be reused). */
export function intColumn(values: ArrayLike<number>, n = values.length): IntColumn {
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    if (!(v >= MIN && v <= MAX && Math.floor(v) === v)) return Float64Array.from({ length: n }, (_, j) => values[j]!);
  }
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = values[i]!;
  return out;
}
