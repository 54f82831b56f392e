/**
 * Visits the entries of several lists as one list, in ascending order of their numbers: invoke
 * indices, integers from 0, each list in that order already, no two entries of any lists alike.
 * A window of numbers at a time, each entry goes to its own slot of the window, and the slots are
 * read out in order: no comparison sort, and no heap of the lists (a heap took ~2.6 s over a
 * 10M-op history's 5.4 million reads in 1,000 lists). A list whose entries are all visited is
 * let go (`lists[k]` set undefined) and `done(k)` told; windows with no entry are skipped.
 */
export function mergeByIndex(lists: (ArrayLike<number> | undefined)[], visit: (list: number, at: number) => void, done?: (list: number) => void): void {
  const next = new Int32Array(lists.length);
  let open: number[] = [];
  let last = -1;
  lists.forEach((l, k) => {
    if (l !== undefined && l.length > 0) {
      open.push(k);
      last = Math.max(last, l[l.length - 1]!);
    }
  });
  // Numbers a window: at most 2^16, and at least 16 windows over any lists (so that every merge crosses them).
  const window = Math.min(1 << 16, 2 ** Math.ceil(Math.log2(Math.max(2, (last + 1) / 16))));
  const slotList = new Int32Array(window).fill(-1);
  const slotAt = new Int32Array(window);
  const nextWindow = () => {
    let lowest = Infinity;
    for (const k of open) lowest = Math.min(lowest, lists[k]![next[k]!]!);
    return lowest - (lowest % window);
  };
  for (let start = nextWindow(); open.length > 0; start = nextWindow()) {
    const end = start + window;
    for (const k of open) {
      const l = lists[k]!;
      let at = next[k]!;
      for (; at < l.length && l[at]! < end; at++) {
        const slot = l[at]! - start;
        slotList[slot] = k;
        slotAt[slot] = at;
      }
      next[k] = at;
    }
    for (let slot = 0; slot < window; slot++) {
      const k = slotList[slot]!;
      if (k < 0) continue;
      slotList[slot] = -1;
      visit(k, slotAt[slot]!);
    }
    open = open.filter((k) => {
      if (next[k]! < lists[k]!.length) return true;
      lists[k] = undefined;
      done?.(k);
      return false;
    });
  }
}
