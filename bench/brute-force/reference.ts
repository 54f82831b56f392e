// An independent reference for the linearizability checker: every real-time-consistent order of
// a small history, with each crashed (info/open) op either placed or left out (and when placed,
// every state it may leave: a crashed dequeue of an unordered queue, any element). It shares no code
// with checkers/linearizable (its own sequential specs, its own idea of which ops a model knows),
// so an agreement between the two means something. Exponential: only for histories of about a
// dozen ops a key.

import type { History, Op } from '../../src/history/event.js';

export type ReferenceModel = 'register' | 'cas-register' | 'kv' | 'mutex' | 'multi-register' | 'set' | 'unordered-queue' | 'fifo-queue';

export interface ReferenceVerdict {
  valid: boolean;
  /** Ops whose f the model does not know (left out of the check, whatever their value). */
  ignored: number;
  /** Keys checked, and the most ops one of them had. */
  keys: number;
  largest: number;
}

/** What a model does with an op: every state it may leave (none when the op is illegal in that state). */
interface Spec {
  init: unknown;
  knows(f: string): boolean;
  isRead(op: Op): boolean;
  step(state: unknown, op: Op): unknown[];
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
const refused = (op: Op): boolean => op.type === 'ok' && typeof op.value === 'object' && op.value !== null && typeof (op.value as { refused?: unknown }).refused === 'string';
const text = (v: unknown): string => (v === null || v === undefined ? '' : String(v));
const ILLEGAL: unknown[] = [];
const json = (v: unknown): string => JSON.stringify(v ?? null);
/** An acquire that took nothing: refused, or it found the lock busy (our lock workload). */
const tookNothing = (op: Op): boolean => refused(op) || (op.type === 'ok' && typeof op.value === 'object' && op.value !== null && (op.value as { busy?: unknown }).busy !== undefined);
/** A dequeue that completed ok with no element: it found the queue empty. */
const foundEmpty = (op: Op): boolean => op.f === 'dequeue' && op.type === 'ok' && (op.value === null || op.value === undefined);
/** A multiset (a sorted list) less one `x`. */
const without = (xs: readonly string[], x: string): string[] => {
  const i = xs.indexOf(x);
  return [...xs.slice(0, i), ...xs.slice(i + 1)];
};

/**
 * A queue of JSON texts, empty at first: enqueue puts x in (`put`); a dequeue that found it empty
 * is legal only when it is; any other dequeue gives every state `take` says it may leave.
 */
function queue(put: (xs: string[], x: string) => string[], take: (xs: string[], op: Op) => unknown[]): Spec {
  return {
    init: [],
    knows: (f) => f === 'enqueue' || f === 'dequeue',
    isRead: foundEmpty,
    step(state, op) {
      const xs = state as string[];
      if (op.f === 'enqueue') return [put(xs, json(op.invokeValue))];
      if (foundEmpty(op)) return xs.length === 0 ? [xs] : ILLEGAL;
      return take(xs, op);
    },
  };
}

/** A txn's micro-ops [f, key, value] (the completion's when ok, else the invocation's), or undefined when malformed. */
function txn(op: Op): [string, unknown, unknown][] | undefined {
  const v = op.type === 'ok' ? (op.value ?? op.invokeValue) : op.invokeValue;
  if (!Array.isArray(v)) return undefined;
  const ok = v.every((m) => Array.isArray(m) && m.length === 3 && (m[0] === 'read' || m[0] === 'write') && m[1] !== null && m[1] !== undefined);
  return ok ? (v as [string, unknown, unknown][]) : undefined;
}

const SPECS: Record<ReferenceModel, Spec> = {
  // get returns the value (null when absent); put sets it; delete removes it.
  register: {
    init: null,
    knows: (f) => f === 'get' || f === 'put' || f === 'delete',
    isRead: (op) => op.f === 'get',
    step(state, op) {
      if (op.f === 'get') return same(state, op.value) ? [state] : ILLEGAL;
      if (op.f === 'put') return [op.invokeValue ?? null];
      return [null];
    },
  },
  // read returns the value; write sets it; cas [expected, new] sets new where it holds expected,
  // and a refused cas (ok with {"refused": …}) is legal only where it does not hold expected.
  'cas-register': {
    init: null,
    knows: (f) => f === 'read' || f === 'write' || f === 'cas',
    isRead: (op) => op.f === 'read' || (op.f === 'cas' && refused(op)),
    step(state, op) {
      if (op.f === 'read') return same(state, op.value) ? [state] : ILLEGAL;
      if (op.f === 'write') return [op.invokeValue ?? null];
      const args = op.invokeValue;
      if (!Array.isArray(args) || args.length !== 2) return ILLEGAL;
      if (refused(op)) return same(state, args[0]) ? ILLEGAL : [state];
      return same(state, args[0]) ? [args[1] ?? null] : ILLEGAL;
    },
  },
  // A string a key ('' when unset): get returns it, put replaces it, append extends it.
  kv: {
    init: '',
    knows: (f) => f === 'get' || f === 'put' || f === 'append',
    isRead: (op) => op.f === 'get',
    step(state, op) {
      if (op.f === 'get') return text(op.value) === state ? [state] : ILLEGAL;
      if (op.f === 'put') return [text(op.invokeValue)];
      return [(state as string) + text(op.invokeValue)];
    },
  },
  // Held or not. acquire takes a free lock; release frees a held one. An acquire that took nothing
  // (refused, or found it busy) saw it held; a refused release saw nothing.
  mutex: {
    init: false,
    knows: (f) => f === 'acquire' || f === 'release',
    isRead: (op) => (op.f === 'acquire' && tookNothing(op)) || (op.f === 'release' && refused(op)),
    step(held, op) {
      if (op.f === 'acquire') return tookNothing(op) ? (held ? [held] : ILLEGAL) : held ? ILLEGAL : [true];
      if (refused(op)) return [held];
      return held ? [false] : ILLEGAL;
    },
  },
  // Registers by key (a map of key text to value, an absent key being null); a txn applies its
  // [read|write, key, value] in order; a read of null, or any read of a txn that did not complete
  // ok, matches whatever the register holds.
  'multi-register': {
    init: {},
    knows: (f) => f === 'txn',
    isRead: (op) => txn(op)?.every((m) => m[0] === 'read') ?? false,
    step(state, op) {
      const t = txn(op);
      if (!t) return ILLEGAL;
      const regs = { ...(state as Record<string, string>) };
      for (const [f, k, v] of t) {
        const key = json(k);
        if (f === 'write') regs[key] = json(v);
        else if (op.type === 'ok' && v !== null && json(v) !== (regs[key] ?? 'null')) return ILLEGAL;
      }
      return [regs];
    },
  },
  // The elements added (their JSON texts, sorted, once each); a read returns them all, in any
  // order, repeated or not.
  set: {
    init: [],
    knows: (f) => f === 'add' || f === 'read',
    isRead: (op) => op.f === 'read',
    step(state, op) {
      const xs = state as string[];
      if (op.f === 'add') return [[...new Set([...xs, json(op.invokeValue)])].sort()];
      if (!Array.isArray(op.value)) return ILLEGAL;
      return same([...new Set(op.value.map(json))].sort(), xs) ? [xs] : ILLEGAL;
    },
  },
  // A multiset (sorted JSON texts). A dequeue that did not complete ok may have taken any one
  // element (or nothing: then it is left out).
  'unordered-queue': queue(
    (xs, x) => [...xs, x].sort(),
    (xs, op) => (op.type !== 'ok' ? [...new Set(xs)].map((x) => without(xs, x)) : xs.includes(json(op.value)) ? [without(xs, json(op.value))] : ILLEGAL),
  ),
  // A list, front first. Any dequeue takes the front; one that did not complete ok returned
  // whatever that was.
  'fifo-queue': queue(
    (xs, x) => [...xs, x],
    (xs, op) => (xs.length === 0 || (op.type === 'ok' && xs[0] !== json(op.value)) ? ILLEGAL : [xs.slice(1)]),
  ),
};

/** Linearizable iff some order of all ok ops, and of any of the crashed ones, respects real time and the spec. */
function linearizable(spec: Spec, ops: readonly Op[]): boolean {
  const n = ops.length;
  if (n > 24) throw new Error(`the brute-force reference takes at most 24 ops a key, not ${n}`);
  const must = ops.map((o) => o.type === 'ok');
  let mustMask = 0;
  must.forEach((m, i) => (mustMask |= m ? 1 << i : 0));
  // before[i]: the ok ops that completed before op i was invoked (they precede it in any order).
  const before = ops.map((o, i) => {
    let m = 0;
    ops.forEach((p, j) => {
      if (j !== i && must[j] && p.completeIndex !== null && p.completeIndex < o.invokeIndex) m |= 1 << j;
    });
    return m;
  });
  const seen = new Set<string>();
  const go = (placed: number, state: unknown): boolean => {
    if ((placed & mustMask) === mustMask) return true;
    const key = `${placed}:${JSON.stringify(state)}`;
    if (seen.has(key)) return false;
    seen.add(key);
    for (let k = 0; k < n; k++) {
      const bit = 1 << k;
      if (placed & bit || (before[k]! & ~placed) !== 0) continue;
      for (const next of spec.step(state, ops[k]!)) if (go(placed | bit, next)) return true;
    }
    return false;
  };
  return go(0, spec.init);
}

/** The reference verdict on a history: per key, failed ops and crashed reads left out. */
export function referenceCheck(model: ReferenceModel, history: History): ReferenceVerdict {
  const spec = SPECS[model];
  const byKey = new Map<string, Op[]>();
  let ignored = 0;
  for (const op of history.ops) {
    if (!spec.knows(op.f)) {
      ignored++;
      continue;
    }
    // A failed op did not happen; a read that did not complete observed nothing.
    if (op.type === 'fail' || (op.type !== 'ok' && spec.isRead(op))) continue;
    const k = op.key ?? '';
    byKey.set(k, [...(byKey.get(k) ?? []), op]);
  }
  let valid = true;
  let largest = 0;
  for (const ops of byKey.values()) {
    largest = Math.max(largest, ops.length);
    if (!linearizable(spec, ops)) valid = false;
  }
  return { valid, ignored, keys: byKey.size, largest };
}
