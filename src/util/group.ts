/**
 * The places 0..n-1 grouped by `groupOf` (a stable counting sort): group g's places are
 * members[start[g]..start[g + 1]), in order. A place whose group is negative is in none.
 * `alloc` makes the members' array (on a SharedArrayBuffer, say, for threads to read).
 */
export function groupPlaces(groupOf: Int32Array, groups: number, alloc: (n: number) => Int32Array<ArrayBufferLike> = (n) => new Int32Array(n)): { start: Int32Array; members: Int32Array<ArrayBufferLike> } {
  const start = new Int32Array(groups + 1);
  for (let i = 0; i < groupOf.length; i++) if (groupOf[i]! >= 0) start[groupOf[i]! + 1]!++;
  for (let g = 0; g < groups; g++) start[g + 1]! += start[g]!;
  const next = start.slice(0, groups);
  const members = alloc(start[groups]!);
  for (let i = 0; i < groupOf.length; i++) {
    const g = groupOf[i]!;
    if (g >= 0) members[next[g]!++] = i;
  }
  return { start, members };
}
