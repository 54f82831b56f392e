import type { Op } from '../../../src/history/event.js';
import { casArgs, isRefused, refusedBecause } from '../../../src/history/conditional.js';
import { byKey, hashValue, outcomeSuffix, primitiveKey, sameValue, showValue, type Model, type OpKind, type SearchHints } from '../model.js';

export type CasRegisterState = unknown;

/**
 * A single compare-and-set register, as in Jepsen's etcd histories: read returns the value (null
 * before the first write), write(v) sets it, cas([expected, new]) sets it to new when it holds
 * expected. A failed cas did not take effect and is dropped before the search. A refused cas
 * (ok, value {"refused": …}: the store answered that the condition did not hold) is a read-like
 * observation: legal only where the register does not hold expected, and it changes nothing. So
 * a store that refuses a cas whose condition held is caught like a stale read.
 */
export const casRegisterModel: Model<CasRegisterState> = {
  name: 'cas-register',
  description: 'a single register: read / write / cas [expected, new]',
  init: () => null,
  step(state, op) {
    switch (op.f) {
      case 'read':
        return sameValue(state, op.value) ? state : undefined;
      case 'write':
        return op.invokeValue ?? null;
      case 'cas': {
        const a = casArgs(op);
        if (!a) return undefined;
        if (isRefused(op)) return sameValue(state, a[0]) ? undefined : state;
        // An ok cas matched; an info/open cas either matched or had no effect (never linearized).
        return sameValue(state, a[0]) ? (a[1] ?? null) : undefined;
      }
      default:
        return undefined;
    }
  },
  equal: sameValue,
  hash: hashValue,
  stateKey: primitiveKey,
  // By f first: an op the model does not know is ignored whatever its value (the lock workload's
  // refused acquire carries {"refused": …} too, and is not a cas).
  kind(op): OpKind | undefined {
    if (op.f === 'read') return 'read';
    if (op.f === 'cas') return isRefused(op) ? 'read' : 'write';
    if (op.f === 'write') return 'write';
    return undefined;
  },
  describe(op: Op) {
    // Keyed histories (a register a key) name the key; Jepsen's single register has none.
    const k = op.key === undefined ? '' : `${op.key}, `;
    switch (op.f) {
      case 'read':
        return op.type === 'ok' ? `read${op.key === undefined ? '' : `(${op.key})`} → ${showValue(op.value)}` : `read${op.key === undefined ? '' : `(${op.key})`}${outcomeSuffix(op)}`;
      case 'write':
        return `write(${k}${showValue(op.invokeValue)})${outcomeSuffix(op)}`;
      case 'cas': {
        const a = casArgs(op);
        const refused = isRefused(op) ? ` refused (${refusedBecause(op)})` : '';
        return a ? `cas(${k}${showValue(a[0])} → ${showValue(a[1])})${refused}${outcomeSuffix(op)}` : `cas(${k}${showValue(op.invokeValue)})${outcomeSuffix(op)}`;
      }
      default:
        return `${op.f}${outcomeSuffix(op)}`;
    }
  },
  describeState: (s) => (s === null || s === undefined ? 'empty' : showValue(s)),
};

export const casRegisterHints: SearchHints<CasRegisterState> = {
  // Jepsen's single-register histories have no key (one part); our cas workload's keys are registers each.
  partition: byKey,
  blind: (op) => op.f === 'write',
  // An info/open write (or cas) of v can be dropped when nothing could have observed v: no read
  // returned it and no cas expected it. (If it took effect, the register held v until the next
  // effective write, and no op in between could tell.) A refused cas can tell: while v is held,
  // the register does not hold its expected value; so a write is kept when a refused cas
  // completed after it was invoked.
  reduce(ops) {
    const observed = new Set<unknown>();
    let lastRefusal = -1;
    for (const op of ops) {
      if (op.f === 'read' && op.type === 'ok') observed.add(primitiveKey(op.value));
      if (isRefused(op)) lastRefusal = Math.max(lastRefusal, op.completeIndex!);
      else if (op.f === 'cas') {
        const a = casArgs(op);
        if (a) observed.add(primitiveKey(a[0]));
      }
    }
    const out: Op[] = [];
    let dropped = 0;
    for (const op of ops) {
      if (op.type !== 'ok' && (op.f === 'write' || op.f === 'cas')) {
        const v = op.f === 'write' ? op.invokeValue : casArgs(op)?.[1];
        if (!observed.has(primitiveKey(v ?? null)) && op.invokeIndex > lastRefusal) {
          dropped++;
          continue;
        }
      }
      out.push(op);
    }
    return { ops: out, dropped };
  },
};
