import type { Op } from '../../src/history/event.js';
import type { FastOutcome } from './fast-register.js';

/**
 * How an op touches the model's state.
 * - 'read': never changes the state. A read that failed or crashed (info/open) proves nothing
 *   and is dropped before the search.
 * - 'write': may change the state. A failed write never took effect and is dropped; an info or
 *   open write may take effect at any time after its invocation, or never.
 * - undefined: not an op of this model; the checker ignores it and counts it.
 */
export type OpKind = 'read' | 'write';

/**
 * A sequential specification, as in Porcupine: the initial state, a step function, equality and
 * hashing of states, and words for people. States are immutable values: `step` returns a new
 * state (or the same one), never mutates its argument. How the search may take shortcuts with a
 * model is apart from it, in its SearchHints.
 *
 * `step` sees every op that survives preparation: ok ops (whose outputs it must check) and
 * info/open writes (whose outputs are unknown: it must accept any output, and return undefined
 * only when the op could not take effect from that state at all, e.g. a cas whose expected value
 * does not match; such an op is then simply never linearized).
 */
export interface Model<S = unknown> {
  readonly name: string;
  /** One line for --help and reports. */
  readonly description: string;
  init(): S;
  /** The state after `op`, or undefined when `op` is illegal in `state`. */
  step(state: S, op: Op): S | undefined;
  equal(a: S, b: S): boolean;
  /** A 32-bit integer hash consistent with `equal`. */
  hash(s: S): number;
  /**
   * Optional: a primitive that identifies the state (equal states, same key). When present the
   * search interns states through a native Map on it, which is faster than hash + equal.
   */
  stateKey?(s: S): string | number | boolean | null;
  kind(op: Op): OpKind | undefined;
  /** The op for people, e.g. `get(k3) → 17`, `put(k3, 19)`. */
  describe(op: Op): string;
  describeState(s: S): string;
}

/**
 * What the checker may assume of a model to search less; every hint is optional, and a search
 * without them reaches the same verdict (slower, or on one partition instead of many).
 */
export interface SearchHints<S = unknown> {
  /** Ops with different partition keys are independent (P-compositionality). Absent: one partition. */
  partition?(op: Op): string;
  /**
   * True for a blind write, an op that is legal in every state and leaves the same state
   * whatever the state before (a plain write; not a cas or an append). The search uses it to
   * skip placing a crashed write whose effect the next op would hide.
   */
  blind?(op: Op): boolean;
  /**
   * Crashed ops that are the same op (same f, key, type and values) are interchangeable, so the
   * search places them in order of invocation: k of them are k choices, not 2^k subsets. For
   * models whose histories hold many identical crashed ops (acquire, dequeue); elsewhere it
   * costs more than it saves (Porcupine's kv corpus: more states).
   */
  readonly twins?: boolean;
  /**
   * False when no sequence of ops that are not blind can take `state` to one in which the read
   * `op` is legal (kv: appends only extend the string). The search then abandons a
   * configuration as soon as such a read can no longer be placed. Absent: always possible.
   */
  mayBecome?(state: S, op: Op): boolean;
  /**
   * Drops indeterminate (info/open) writes that provably cannot matter, i.e. that no read or
   * other op could have observed, so they may as well never have happened. Gets the prepared ops
   * (no failed ops, no indeterminate reads); returns the kept ones (same objects).
   */
  reduce?(ops: readonly Op[]): { ops: Op[]; dropped: number };
  /**
   * A decision procedure faster than the search for the histories it applies to (the register's
   * unique-value algorithm); it says when it does not apply, and the search decides instead.
   */
  decide?(ops: readonly Op[]): FastOutcome;
}

/** A model as the registry holds it: its specification and what the search may assume of it. */
export interface ModelEntry<S = unknown> {
  readonly model: Model<S>;
  readonly hints: SearchHints<S>;
}

/** Every model partitions by key: what the registry gives a model that says nothing else. */
export const byKey = (op: Op): string => op.key ?? '';

// ---- helpers shared by the models ----

/** FNV-1a over a string's UTF-16 code units, as a signed 32-bit integer. */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h | 0;
}

/** Hash of a number that mixes all its bits (integers and fractions alike). */
export function hashNumber(n: number): number {
  if (Number.isInteger(n) && n >= -0x80000000 && n <= 0x7fffffff) {
    let h = Math.imul(n | 0, 0x9e3779b1);
    h ^= h >>> 16;
    return h | 0;
  }
  return hashString(String(n));
}

/** Hash of a JSON value (primitives fast, others through their JSON text). */
export function hashValue(v: unknown): number {
  if (v === null || v === undefined) return 0x1234567;
  if (typeof v === 'number') return hashNumber(v);
  if (typeof v === 'string') return hashString(v) ^ 0x5bd1e995;
  if (typeof v === 'boolean') return v ? 0x2545f491 : 0x4f6cdd1d;
  return hashString(JSON.stringify(v));
}

/** Equality of JSON values; null and undefined are the same ("no value"). */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || a === undefined) return b === null || b === undefined;
  if (b === null || b === undefined) return false;
  if (typeof a !== 'object' || typeof b !== 'object') return false;
  return JSON.stringify(a) === JSON.stringify(b);
}

/** A value for people: numbers plain, strings quoted (shortened when long), null as null. */
export function showValue(v: unknown, max = 40): string {
  if (v === undefined || v === null) return 'null';
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  const s = JSON.stringify(v);
  if (s.length <= max) return s;
  const half = Math.floor((max - 5) / 2);
  return `${s.slice(0, half)}…${s.slice(-half)}`;
}

/** " (crashed)" / " (still open)" after an op whose outcome is unknown. */
export function outcomeSuffix(op: Op): string {
  if (op.type === 'info') return ' (outcome unknown)';
  if (op.type === 'open') return ' (never completed)';
  if (op.type === 'fail') return ' (failed)';
  return '';
}

/** A primitive identity for a JSON value: itself when primitive, its JSON text otherwise. */
export function primitiveKey(v: unknown): string | number | boolean | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'object') return `\u0000json:${JSON.stringify(v)}`;
  return v as string | number | boolean;
}

/** equal, hash and stateKey of a model whose states carry a canonical text, `id`. */
export const byId = {
  equal: (a: { readonly id: string }, b: { readonly id: string }): boolean => a.id === b.id,
  hash: (s: { readonly id: string }): number => hashString(s.id),
  stateKey: (s: { readonly id: string }): string => s.id,
};

/** The identity of an element of a set or queue: its JSON text (null and undefined alike). */
export function elementKey(v: unknown): string {
  return JSON.stringify(v ?? null);
}

/** Numbers in numeric order before every other element, those in text order: a canonical order of element keys. */
export function compareElements(a: string, b: string): number {
  const x = Number(a);
  const y = Number(b);
  const nx = a !== '' && Number.isFinite(x);
  const ny = b !== '' && Number.isFinite(y);
  if (nx && ny && x !== y) return x - y;
  if (nx !== ny) return nx ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Where the first `x` is in `items` (sorted by compareElements), or where it would go. */
export function lowerBound(items: readonly string[], x: string): number {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareElements(items[mid]!, x) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Elements (their keys) for people, e.g. `#{1 2}` or `[1 2 3]`; long collections shortened. */
export function showElements(open: string, keys: readonly string[], close: string, max = 20): string {
  const shown = keys.slice(0, max).map((k) => (k.length <= 40 ? k : `${k.slice(0, 17)}…${k.slice(-17)}`));
  const more = keys.length > max ? ` …${keys.length - max} more` : '';
  return `${open}${shown.join(' ')}${more}${close}`;
}

/**
 * A `reduce` for models whose indeterminate writes put values that later ok ops either observe
 * or not (a set's add, an enqueue, a transaction's writes): drops an info/open op when none of
 * the identities `wrote` gives it was observed by an ok op (`seen`). The model's comment says
 * why that is sound for it. `wrote` returns undefined for ops that are never dropped.
 */
export function reduceUnobserved(
  ops: readonly Op[],
  seen: (op: Op) => readonly string[] | undefined,
  wrote: (op: Op) => readonly string[] | undefined,
): { ops: Op[]; dropped: number } {
  const observed = new Set<string>();
  for (const op of ops) if (op.type === 'ok') for (const k of seen(op) ?? []) observed.add(k);
  const out: Op[] = [];
  let dropped = 0;
  for (const op of ops) {
    const w = op.type === 'ok' ? undefined : wrote(op);
    if (w !== undefined && w.every((k) => !observed.has(k))) dropped++;
    else out.push(op);
  }
  return { ops: out, dropped };
}
