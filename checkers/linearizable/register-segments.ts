// Exact linearizability of a register history whose puts write unique values but whose reads of
// null have several possible sources (the initial state, any delete): the case where the zones
// of fast-register.ts would have to guess. Repeated values make the general problem NP-hard
// (Gibbons & Korach 1997); what keeps this one small is time:
//
// - A quiescent point, where no op that must take effect is in progress, splits the history:
//   every op before it precedes every op after it in any linearization, so the history is a
//   chain of segments and the only thing one segment passes to the next is the register's
//   value (P-compositionality in time rather than by key). Each segment is searched alone,
//   from each value the segments before may have left; the values a segment may leave are at
//   most its writes and null.
// - A crashed (info/open) put whose value was read did happen, and before every read of it (its
//   value is unique): it is an op that completes at the earliest completion of those reads. One
//   nobody read may as well never have happened (reduceRegisterOps): it is left out.
// - A crashed delete may take effect at any time after its invocation, or never, so it never
//   completes and would keep every later point from being quiescent. But all deletes write the
//   same thing, so crashed deletes are interchangeable: what matters is how many are available
//   (invoked) and how many were used. One is worth using only right before a read of null when
//   the register holds a value (anywhere else it changes nothing a read sees), and a usage right
//   before op r is legal when the delete was invoked before every op still to be placed
//   completes. Those bounds only grow along a linearization, so "the i-th usage has at least i
//   deletes invoked before its bound" is all that is needed (Hall's condition for nested sets),
//   and for a value left at a quiescent point, fewer deletes used is always at least as good.
//
// The search inside a segment is exhaustive (configurations: ops placed, value, deletes used), so
// the verdict is exact both ways; only a segment of too many overlapping ops makes it give up.

import type { Op } from '../../src/history/event.js';

export type SegmentOutcome =
  | { decided: true; valid: boolean; segments: number; largest: number; configurations: number }
  | { decided: false; reason: string };

export interface SegmentLimits {
  /** Ops that must take effect, in one segment (overlapping one another, directly or not). */
  maxSegmentOps: number;
  /** Configurations over all segments' searches, beyond 16 an op (so that a long history of short segments is never cut short). */
  maxConfigurations: number;
}

export const DEFAULT_SEGMENT_LIMITS: SegmentLimits = { maxSegmentOps: 24, maxConfigurations: 2_000_000 };

/** Value ids (one per put, and null) stay below it; the search packs one with up to 24 bits of ops placed. */
const SHIFT = 2 ** 29;

const PUT = 0;
const DELETE = 1;
const GET = 2;
/** The value id of null (no object); a put's value gets its put's number plus one. */
const NULL = 0;
/** The value id of a read of a value no put wrote: no state matches it. */
const NOWHERE = -1;

/** Primitive identity of a value, as the register compares them (objects through their JSON). */
function valueKey(v: unknown): unknown {
  if (typeof v === 'object' && v !== null) return `\u0000json:${JSON.stringify(v)}`;
  return v;
}

interface Mandatory {
  kind: number;
  /** The value written (PUT) or read (GET), as an id. */
  value: number;
  inv: number;
  /** By when it took effect: its completion, or for a crashed put that was read, its readers' earliest completion. */
  dl: number;
}

/**
 * Decides a prepared register partition (failed ops and indeterminate gets removed) whose puts
 * write unique, non-null values. Says `decided: false` when that does not hold or a segment is
 * too large to search.
 */
export function segmentedRegisterCheck(ops: readonly Op[], limits: SegmentLimits = DEFAULT_SEGMENT_LIMITS): SegmentOutcome {
  // ---- values, and when each crashed put must have taken effect by ----
  const idOf = new Map<unknown, number>();
  let puts = 0;
  for (const op of ops) {
    if (op.f !== 'put') continue;
    if (op.invokeValue === null || op.invokeValue === undefined) return { decided: false, reason: 'a put without a value' };
    const k = valueKey(op.invokeValue);
    if (idOf.has(k)) return { decided: false, reason: 'a value is written more than once' };
    idOf.set(k, ++puts);
  }
  if (puts >= SHIFT - 1) return { decided: false, reason: 'too many puts to number' };
  if (limits.maxSegmentOps > 24) throw new RangeError('at most 24 ops a segment can be searched');
  const firstRead = new Float64Array(puts + 1).fill(Infinity);
  for (const op of ops) {
    if (op.f !== 'get' || op.type !== 'ok' || op.value === null || op.value === undefined) continue;
    const id = idOf.get(valueKey(op.value));
    if (id !== undefined) firstRead[id] = Math.min(firstRead[id]!, op.completeIndex!);
  }

  const must: Mandatory[] = [];
  const crashedDeletes: number[] = [];
  for (const op of ops) {
    const done = op.type === 'ok' && op.completeIndex !== null;
    if (op.f === 'get') {
      if (!done) continue; // an indeterminate read proves nothing
      const value = op.value === null || op.value === undefined ? NULL : (idOf.get(valueKey(op.value)) ?? NOWHERE);
      must.push({ kind: GET, value, inv: op.invokeIndex, dl: op.completeIndex! });
    } else if (op.f === 'put') {
      const value = idOf.get(valueKey(op.invokeValue))!;
      const dl = done ? op.completeIndex! : firstRead[value]!;
      if (dl !== Infinity) must.push({ kind: PUT, value, inv: op.invokeIndex, dl });
    } else if (op.f === 'delete') {
      if (done) must.push({ kind: DELETE, value: NULL, inv: op.invokeIndex, dl: op.completeIndex! });
      else crashedDeletes.push(op.invokeIndex);
    } else {
      return { decided: false, reason: `op ${op.f} is not put/get/delete` };
    }
  }
  crashedDeletes.sort((a, b) => a - b);
  /** Crashed deletes invoked before event index t. */
  const invokedBefore = (t: number): number => {
    let lo = 0;
    let hi = crashedDeletes.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (crashedDeletes[mid]! < t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  must.sort((a, b) => a.inv - b.inv);

  // ---- the segments, one after another; `states`: value id -> fewest crashed deletes used ----
  let states = new Map<number, number>([[NULL, 0]]);
  let segments = 0;
  let largest = 0;
  let configurations = 0;
  const budget = limits.maxConfigurations + 16 * must.length;
  const verdict = (valid: boolean): SegmentOutcome => ({ decided: true, valid, segments, largest, configurations });
  for (let from = 0; from < must.length; ) {
    let to = from + 1;
    let reach = must[from]!.dl;
    while (to < must.length && must[to]!.inv < reach) reach = Math.max(reach, must[to++]!.dl);
    const seg = must.slice(from, to);
    from = to;
    segments++;
    largest = Math.max(largest, seg.length);
    if (seg.length > limits.maxSegmentOps) {
      return { decided: false, reason: `more than ${limits.maxSegmentOps} ops overlap one another without a quiescent point` };
    }
    // A crashed put whose reader completed before it was invoked cannot take effect in time.
    if (seg.some((o) => o.dl < o.inv)) return verdict(false);
    const next = seg.length === 1 ? stepOne(seg[0]!, states, invokedBefore) : searchSegment(seg, states, invokedBefore, budget - configurations);
    if (next === undefined) return { decided: false, reason: `more than ${limits.maxConfigurations} configurations beyond 16 an op` };
    configurations += next.configurations;
    if (next.states.size === 0) return verdict(false);
    states = next.states;
  }
  return verdict(true);
}

interface Stepped {
  states: Map<number, number>;
  configurations: number;
}

/** The state after op `o` from (value, deletes used), or undefined when `o` cannot take effect there. */
function apply(o: Mandatory, value: number, used: number, bound: number, invokedBefore: (t: number) => number): [number, number] | undefined {
  if (o.kind === PUT) return [o.value, used];
  if (o.kind === DELETE) return [NULL, used];
  if (o.value === value) return [value, used];
  // A read of null where the register holds a value: a crashed delete invoked before every op
  // still to be placed completes (`bound`) takes effect right before it, if one is left.
  if (o.value === NULL && invokedBefore(bound) > used) return [NULL, used + 1];
  return undefined;
}

/** Keeps, for each value, the fewest crashed deletes used. */
function keep(into: Map<number, number>, value: number, used: number): void {
  const had = into.get(value);
  if (had === undefined || used < had) into.set(value, used);
}

/** A segment of one op: no order to choose. */
function stepOne(o: Mandatory, states: Map<number, number>, invokedBefore: (t: number) => number): Stepped {
  const out = new Map<number, number>();
  for (const [value, used] of states) {
    const s = apply(o, value, used, o.dl, invokedBefore);
    if (s) keep(out, s[0], s[1]);
  }
  return { states: out, configurations: states.size };
}

/**
 * Every order of a segment's ops that respects real time (an op may go next when it was invoked
 * before every unplaced op completes), layer by layer (one more op placed per layer), from every
 * entering state at once. Undefined when it would take more than `budget` configurations.
 */
function searchSegment(seg: readonly Mandatory[], entering: Map<number, number>, invokedBefore: (t: number) => number, budget: number): Stepped | undefined {
  const k = seg.length;
  const full = 2 ** k - 1;
  // Configuration key: mask * SHIFT + (value + 1), below 2^53 (exact in a double) for k <= 24.
  let layer = new Map<number, number>();
  for (const [value, used] of entering) keep(layer, value + 1, used);
  let configurations = layer.size;
  for (let placedCount = 0; placedCount < k; placedCount++) {
    const nextLayer = new Map<number, number>();
    for (const [key, used] of layer) {
      const mask = Math.floor(key / SHIFT);
      const value = (key % SHIFT) - 1;
      let bound = Infinity;
      for (let j = 0; j < k; j++) if (!(mask & (1 << j)) && seg[j]!.dl < bound) bound = seg[j]!.dl;
      for (let j = 0; j < k; j++) {
        const o = seg[j]!;
        if (mask & (1 << j) || o.inv > bound) continue;
        const s = apply(o, value, used, bound, invokedBefore);
        if (s) keep(nextLayer, (mask | (1 << j)) * SHIFT + s[0] + 1, s[1]);
      }
    }
    configurations += nextLayer.size;
    if (configurations > budget) return undefined;
    layer = nextLayer;
    if (layer.size === 0) break;
  }
  const out = new Map<number, number>();
  for (const [key, used] of layer) if (Math.floor(key / SHIFT) === full) keep(out, (key % SHIFT) - 1, used);
  return { states: out, configurations };
}
