import type { Op } from '../../../src/history/event.js';
import { byKey, outcomeSuffix, showValue, type Model, type OpKind, type SearchHints } from '../model.js';

/**
 * The string stored at the key ('' when unset), with a polynomial hash of it kept up to date on
 * append, so that a step costs the length of what it appends, not of the whole string.
 */
export interface KvState {
  readonly s: string;
  readonly h: number;
}

const B = 0x01000193;

/** Polynomial hash of `x` continuing from `h`: h·B^|x| + Σ x[i]·B^(|x|-1-i), mod 2^32. */
function extend(h: number, x: string): number {
  for (let i = 0; i < x.length; i++) h = (Math.imul(h, B) + x.charCodeAt(i)) | 0;
  return h;
}

function str(v: unknown): string {
  return v === null || v === undefined ? '' : typeof v === 'string' ? v : String(v);
}

// Hashes of the strings gets returned, computed once per op.
const readHash = new WeakMap<Op, number>();
function hashOfRead(op: Op): number {
  let h = readHash.get(op);
  if (h === undefined) {
    h = extend(0, str(op.value));
    readHash.set(op, h);
  }
  return h;
}

const EMPTY: KvState = { s: '', h: 0 };

/**
 * A key-value store of strings (Porcupine's kv model): get returns the whole string ('' when
 * unset), put replaces it, append concatenates. Keys are independent.
 */
export const kvModel: Model<KvState> = {
  name: 'kv',
  description: 'strings by key: get / put / append; get returns the whole string, "" when unset',
  init: () => EMPTY,
  step(state, op) {
    switch (op.f) {
      case 'get': {
        if (state.h !== hashOfRead(op)) return undefined;
        return state.s === str(op.value) ? state : undefined;
      }
      case 'put': {
        const x = str(op.invokeValue);
        return { s: x, h: extend(0, x) };
      }
      case 'append': {
        const x = str(op.invokeValue);
        return x === '' ? state : { s: state.s + x, h: extend(state.h, x) };
      }
      default:
        return undefined;
    }
  },
  equal: (a, b) => a === b || (a.h === b.h && a.s === b.s),
  hash: (s) => s.h,
  kind(op): OpKind | undefined {
    if (op.f === 'get') return 'read';
    if (op.f === 'put' || op.f === 'append') return 'write';
    return undefined;
  },
  describe(op: Op) {
    const k = op.key ?? '';
    switch (op.f) {
      case 'get':
        return op.type === 'ok' ? `get(${k}) → ${showValue(str(op.value))}` : `get(${k})${outcomeSuffix(op)}`;
      case 'put':
      case 'append':
        return `${op.f}(${k}, ${showValue(str(op.invokeValue))})${outcomeSuffix(op)}`;
      default:
        return `${op.f}(${k})${outcomeSuffix(op)}`;
    }
  },
  describeState: (s) => showValue(s.s, 60),
};

export const kvHints: SearchHints<KvState> = {
  partition: byKey,
  blind: (op) => op.f === 'put',
  // Appends only extend the string.
  mayBecome: (state, op) => str(op.value).startsWith(state.s),
  // An info/open put or append of x can be dropped when no get returned a string containing x:
  // had it taken effect, every get until the next put would contain x, so there was none, and
  // nothing could tell. (Empty x is never dropped; it is harmless anyway.)
  reduce(ops) {
    const reads = new Set<string>();
    for (const op of ops) if (op.f === 'get' && op.type === 'ok') reads.add(str(op.value));
    const texts = [...reads];
    let budget = 50_000_000; // characters scanned, at most; past that keep everything
    const out: Op[] = [];
    let dropped = 0;
    for (const op of ops) {
      if (op.type !== 'ok' && (op.f === 'put' || op.f === 'append')) {
        const x = str(op.invokeValue);
        if (x !== '' && budget > 0) {
          let seen = false;
          for (const t of texts) {
            budget -= t.length;
            if (t.includes(x)) {
              seen = true;
              break;
            }
          }
          if (!seen && budget > 0) {
            dropped++;
            continue;
          }
        }
      }
      out.push(op);
    }
    return { ops: out, dropped };
  },
};
