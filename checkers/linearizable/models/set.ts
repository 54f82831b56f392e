import type { Op } from '../../../src/history/event.js';
import { byId, byKey, compareElements, elementKey, lowerBound, outcomeSuffix, reduceUnobserved, showElements, showValue, type Model, type ModelEntry, type OpKind, type SearchHints } from '../model.js';

/** The elements' keys (model.ts elementKey), distinct, in compareElements order; `id` joins them. */
export interface SetState {
  readonly items: readonly string[];
  readonly id: string;
}

const EMPTY: SetState = { items: [], id: '' };

// Element keys are JSON texts, which never hold a raw newline: joined by one, they are one text.
const stateOf = (items: readonly string[]): SetState => ({ items, id: items.join('\n') });

// What each read returned, as a state (null: not a list, so no set), computed once per op.
const readSets = new WeakMap<Op, SetState | null>();
function readSet(op: Op): SetState | null {
  let s = readSets.get(op);
  if (s === undefined) {
    s = Array.isArray(op.value) ? stateOf([...new Set(op.value.map(elementKey))].sort(compareElements)) : null;
    readSets.set(op, s);
  }
  return s;
}

/**
 * Knossos's set: add(x) inserts x (the invocation's value); read returns the whole set (a list:
 * order and duplicates do not matter) and is legal only when it is exactly the set. Starts empty.
 * A read whose value is not a list (null included, as in Knossos) is legal nowhere.
 */
export const setModel: Model<SetState> = {
  name: 'set',
  description: 'a set: add x / read returning the whole set',
  init: () => EMPTY,
  step(state, op) {
    switch (op.f) {
      case 'add': {
        const x = elementKey(op.invokeValue);
        const i = lowerBound(state.items, x);
        return state.items[i] === x ? state : stateOf(state.items.toSpliced(i, 0, x));
      }
      case 'read':
        return readSet(op)?.id === state.id ? state : undefined;
      default:
        return undefined;
    }
  },
  ...byId,
  kind(op): OpKind | undefined {
    if (op.f === 'read') return 'read';
    if (op.f === 'add') return 'write';
    return undefined;
  },
  describe(op: Op) {
    const k = op.key === undefined ? '' : `${op.key}, `;
    if (op.f === 'add') return `add(${k}${showValue(op.invokeValue)})${outcomeSuffix(op)}`;
    const name = op.key === undefined ? op.f : `${op.f}(${op.key})`;
    if (op.type !== 'ok') return `${name}${outcomeSuffix(op)}`;
    const r = readSet(op);
    return `${name} → ${r ? showElements('#{', r.items, '}') : `${showValue(op.value)} (not a set)`}`;
  },
  describeState: (s) => showElements('#{', s.items, '}'),
};

export const setHints: SearchHints<SetState> = {
  partition: byKey,
  // Adds only grow the set: a read that lacks an element of the state can never be placed.
  mayBecome(state, op) {
    const r = readSet(op);
    return r !== null && state.items.every((x) => r.items[lowerBound(r.items, x)] === x);
  },
  // An info/open add of x that no read contains can be dropped: had it taken effect, every read
  // after it would contain x; so none came after, and nothing could tell.
  reduce: (ops) =>
    reduceUnobserved(
      ops,
      (op) => (op.f === 'read' ? readSet(op)?.items : undefined),
      (op) => (op.f === 'add' ? [elementKey(op.invokeValue)] : undefined),
    ),
};

/** The model and its hints, as the registry loads them. */
export const setEntry: ModelEntry<SetState> = { model: setModel, hints: setHints };
