// An independent reference for the linearizability checker: every real-time-consistent order of
// a small history, with each crashed (info/open) op either placed or left out. It shares no code
// with checkers/linearizable (its own sequential specs, its own idea of which ops a model knows),
// so an agreement between the two means something. Exponential: only for histories of about a
// dozen ops a key.

import type { History, Op } from '../../src/history/event.js';

export type ReferenceModel = 'register' | 'cas-register' | 'kv';

export interface ReferenceVerdict {
  valid: boolean;
  /** Ops whose f the model does not know (left out of the check, whatever their value). */
  ignored: number;
  /** Keys checked, and the most ops one of them had. */
  keys: number;
  largest: number;
}

/** What a model does with an op: undefined when the op is illegal in that state. */
interface Spec {
  init: unknown;
  knows(f: string): boolean;
  isRead(op: Op): boolean;
  step(state: unknown, op: Op): unknown | undefined;
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
const refused = (op: Op): boolean => op.type === 'ok' && typeof op.value === 'object' && op.value !== null && typeof (op.value as { refused?: unknown }).refused === 'string';
const text = (v: unknown): string => (v === null || v === undefined ? '' : String(v));
const ILLEGAL = undefined;

const SPECS: Record<ReferenceModel, Spec> = {
  // get returns the value (null when absent); put sets it; delete removes it.
  register: {
    init: null,
    knows: (f) => f === 'get' || f === 'put' || f === 'delete',
    isRead: (op) => op.f === 'get',
    step(state, op) {
      if (op.f === 'get') return same(state, op.value) ? state : ILLEGAL;
      if (op.f === 'put') return op.invokeValue ?? null;
      return null;
    },
  },
  // read returns the value; write sets it; cas [expected, new] sets new where it holds expected,
  // and a refused cas (ok with {"refused": …}) is legal only where it does not hold expected.
  'cas-register': {
    init: null,
    knows: (f) => f === 'read' || f === 'write' || f === 'cas',
    isRead: (op) => op.f === 'read' || (op.f === 'cas' && refused(op)),
    step(state, op) {
      if (op.f === 'read') return same(state, op.value) ? state : ILLEGAL;
      if (op.f === 'write') return op.invokeValue ?? null;
      const args = op.invokeValue;
      if (!Array.isArray(args) || args.length !== 2) return ILLEGAL;
      if (refused(op)) return same(state, args[0]) ? ILLEGAL : state;
      return same(state, args[0]) ? (args[1] ?? null) : ILLEGAL;
    },
  },
  // A string a key ('' when unset): get returns it, put replaces it, append extends it.
  kv: {
    init: '',
    knows: (f) => f === 'get' || f === 'put' || f === 'append',
    isRead: (op) => op.f === 'get',
    step(state, op) {
      if (op.f === 'get') return text(op.value) === state ? state : ILLEGAL;
      if (op.f === 'put') return text(op.invokeValue);
      return (state as string) + text(op.invokeValue);
    },
  },
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
      const next = spec.step(state, ops[k]!);
      if (next !== ILLEGAL && go(placed | bit, next)) return true;
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
