import type { Op } from '../../../src/history/event.js';
import { fastRegisterCheck, reduceRegisterOps } from '../fast-register.js';
import { byKey, hashValue, outcomeSuffix, primitiveKey, sameValue, showValue, type Model, type OpKind, type SearchHints } from '../model.js';

/** The state: the object's value, or null when there is no object. */
export type RegisterState = unknown;

/**
 * An S3-style object per key: put(value) stores it, delete removes it, get returns the value or
 * null when there is no object. Every key starts with no object.
 */
export const registerModel: Model<RegisterState> = {
  name: 'register',
  description: 'one object per key: put value / delete / get returning the value or null',
  init: () => null,
  step(state, op) {
    switch (op.f) {
      case 'put':
        return op.invokeValue ?? null;
      case 'delete':
        return null;
      case 'get':
        // Info/open gets are dropped before the search; only ok gets reach here.
        return sameValue(state, op.value) ? state : undefined;
      default:
        return undefined;
    }
  },
  equal: sameValue,
  hash: hashValue,
  stateKey: primitiveKey,
  kind(op): OpKind | undefined {
    if (op.f === 'get') return 'read';
    if (op.f === 'put' || op.f === 'delete') return 'write';
    return undefined;
  },
  describe(op: Op) {
    const k = op.key ?? '';
    switch (op.f) {
      case 'put':
        return `put(${k}, ${showValue(op.invokeValue)})${outcomeSuffix(op)}`;
      case 'delete':
        return `delete(${k})${outcomeSuffix(op)}`;
      case 'get':
        return op.type === 'ok' ? `get(${k}) → ${showValue(op.value)}` : `get(${k})${outcomeSuffix(op)}`;
      default:
        return `${op.f}(${k})${outcomeSuffix(op)}`;
    }
  },
  describeState: (s) => (s === null || s === undefined ? 'no object' : showValue(s)),
};

export const registerHints: SearchHints<RegisterState> = {
  partition: byKey,
  blind: (op) => op.f === 'put' || op.f === 'delete',
  // Every write is blind: without one the state stays as it is.
  mayBecome: (state, op) => sameValue(state, op.value),
  reduce: reduceRegisterOps,
  decide: fastRegisterCheck,
};
