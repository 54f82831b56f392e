import { elementKey, lowerBound, showElements, type Model, type ModelEntry, type SearchHints } from '../model.js';
import { dequeued, queueHints, queueParts } from './queue.js';

/**
 * The elements enqueued and not dequeued by an ok dequeue (their keys, model.ts elementKey, in
 * compareElements order, repeated as often as they are there), and how many of them crashed
 * dequeues took, which ones not yet decided. Always taken < items.length, or both are 0.
 */
export interface UnorderedQueueState {
  readonly items: readonly string[];
  readonly taken: number;
  readonly id: string;
}

const EMPTY: UnorderedQueueState = { items: [], taken: 0, id: '0:' };

// Element keys are JSON texts, which never hold a raw newline: joined by one, they are one text.
// When crashed dequeues took all that is left, the queue is empty: which ones they took no longer
// matters.
function stateOf(items: readonly string[], taken: number): UnorderedQueueState {
  return items.length === taken ? EMPTY : { items, taken, id: `${taken}:${items.join('\n')}` };
}

/**
 * Knossos's unordered queue: enqueue(x) (the invocation's value) adds x to a multiset; a dequeue
 * that returned x is legal only when x is there, and removes one. Starts empty. Beyond Knossos
 * (where a dequeue on an empty queue is never legal): a dequeue that completed ok with null found
 * the queue empty, and is legal only then (a read).
 *
 * A crashed (info) or open dequeue may have removed any one element, or nothing. Knossos takes its
 * value as nil, which no dequeue returns, so it is never linearized: as if it had removed nothing,
 * which raises false alarms once the queue is seen empty (enqueue 1, a crashed dequeue, then a
 * dequeue → null is linearizable). The search follows one state per op, so the choice of element
 * is put off: a crashed dequeue placed where the queue holds more elements than crashed dequeues
 * already took adds one to `taken`, and the queue counts as empty (and `taken` starts again from 0)
 * once `taken` is all it holds; an ok dequeue of x needs x among the items. This accepts exactly
 * the histories in which some order gives each crashed dequeue it places an element to remove.
 * Such an order the model accepts: the items less the elements taken are the queue, all along.
 * Conversely, take an order the model accepts, and move each crashed dequeue later (its return is
 * at infinity, so it may move later) to just after the op where the queue next counts as empty,
 * or to the end, and give it one of the items left there (no later op removes them). In between,
 * the queue holds more than it did: no dequeue of an element minds, and no dequeue of null is
 * there to see it (the queue counts as empty only once the crashed dequeues have taken all).
 */
export const unorderedQueueModel: Model<UnorderedQueueState> = {
  name: 'unordered-queue',
  description: 'a queue in no order: enqueue x / dequeue returning any element present, or null when empty',
  init: () => EMPTY,
  step(state, op) {
    switch (op.f) {
      case 'enqueue': {
        const x = elementKey(op.invokeValue);
        return stateOf(state.items.toSpliced(lowerBound(state.items, x), 0, x), state.taken);
      }
      case 'dequeue': {
        const d = dequeued(op);
        if (d === 'empty') return state.items.length === 0 ? state : undefined;
        if (d === 'unknown') return state.items.length > state.taken ? stateOf(state.items, state.taken + 1) : undefined;
        const i = lowerBound(state.items, d.element);
        return state.items[i] === d.element ? stateOf(state.items.toSpliced(i, 1), state.taken) : undefined;
      }
      default:
        return undefined;
    }
  },
  ...queueParts,
  describeState(s) {
    const shown = showElements('[', s.items, ']');
    if (s.taken === 0) return shown;
    return `${shown} less ${s.taken} taken by ${s.taken === 1 ? 'a dequeue' : 'dequeues'} of unknown outcome`;
  },
};

export const unorderedQueueHints: SearchHints<UnorderedQueueState> = queueHints;

/** The model and its hints, as the registry loads them. */
export const unorderedQueueEntry: ModelEntry<UnorderedQueueState> = { model: unorderedQueueModel, hints: unorderedQueueHints };
