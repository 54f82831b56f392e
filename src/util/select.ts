// Order statistics without sorting: a few quantiles of a million latencies are the values a
// sort would put at those ranks, found in linear time (quickselect) instead of n log n.

/**
 * The values at the given ranks (0-based, ascending) of `values` sorted ascending, as
 * Float64Array.prototype.sort orders them; `values` is reordered. Ranks outside it give
 * undefined. A NaN among the values (sorted last) or a selection that degrades is sorted instead.
 */
export function valuesAtRanks(values: Float64Array, ranks: readonly number[]): (number | undefined)[] {
  const n = values.length;
  const wanted = [...ranks].filter((r) => r >= 0 && r < n).sort((a, b) => a - b);
  let sorted = false;
  for (let i = 0; i < n; i++) {
    if (Number.isNaN(values[i]!)) {
      values.sort();
      sorted = true;
      break;
    }
  }
  // Each rank selected within what lies right of the one before it: the part left of it is all smaller.
  let from = 0;
  for (const r of wanted) {
    if (sorted) break;
    if (!select(values, from, n - 1, r)) {
      values.sort();
      sorted = true;
      break;
    }
    from = r;
  }
  return ranks.map((r) => (r >= 0 && r < n ? canonical(values, r) : undefined));
}

/**
 * The nearest-rank q-quantiles of `values` (the smallest value with at least q of them at or
 * below it; q = 1 the largest), selected, not sorted for; `values` is reordered. Undefined for none.
 */
export function nearestRankQuantiles(values: Float64Array, qs: readonly number[]): (number | undefined)[] {
  const n = values.length;
  return valuesAtRanks(values, qs.map((q) => Math.min(Math.max(1, Math.ceil(q * n)), n) - 1));
}

/** -0 and 0 are equal to a comparison but not to a sort, which puts -0 first: the zero a sort would have at rank r. */
function canonical(values: Float64Array, r: number): number {
  const x = values[r]!;
  return x === 0 ? zeroAt(values, r) : x;
}

/** Which zero rank r holds in sorted order: the -0's come first. */
function zeroAt(values: Float64Array, r: number): number {
  let below = 0;
  let negative = 0;
  for (let i = 0; i < values.length; i++) {
    const x = values[i]!;
    if (x < 0) below++;
    else if (Object.is(x, -0)) negative++;
  }
  return r - below < negative ? -0 : 0;
}

/** Puts the value of rank k into place k within [lo, hi] (smaller left, larger right); false when it took too many rounds. */
function select(a: Float64Array, lo: number, hi: number, k: number): boolean {
  let rounds = 0;
  while (hi > lo) {
    if (++rounds > 64) return false;
    // Median of three as the pivot, Hoare's partition.
    const mid = (lo + hi) >>> 1;
    if (a[mid]! < a[lo]!) swap(a, mid, lo);
    if (a[hi]! < a[lo]!) swap(a, hi, lo);
    if (a[hi]! < a[mid]!) swap(a, hi, mid);
    const pivot = a[mid]!;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) {
        swap(a, i, j);
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return true;
  }
  return true;
}

function swap(a: Float64Array, i: number, j: number): void {
  const t = a[i]!;
  a[i] = a[j]!;
  a[j] = t;
}
