import { elementKey, showElements, type Model, type ModelEntry, type SearchHints } from '../model.js';
import { dequeued, queueHints, queueParts } from './queue.js';

/** The elements' keys (model.ts elementKey), front first; `id` joins them. */
export interface FifoQueueState {
  readonly items: readonly string[];
  readonly id: string;
}

const EMPTY: FifoQueueState = { items: [], id: '' };

// Element keys are JSON texts, which never hold a raw newline: joined by one, they are one text.
const stateOf = (items: readonly string[]): FifoQueueState => (items.length === 0 ? EMPTY : { items, id: items.join('\n') });

/**
 * Knossos's FIFO queue: enqueue(x) (the invocation's value) adds x at the back; a dequeue that
 * returned x is legal only when x is at the front, and removes it. Starts empty. Beyond Knossos
 * (where a dequeue on an empty queue is never legal): a dequeue that completed ok with null found
 * the queue empty, and is legal only then (a read).
 *
 * A crashed (info) or open dequeue returned nothing we know. Knossos takes its value as nil, which
 * no dequeue can return, so it is never linearized: as if it had removed nothing, which raises
 * false alarms (enqueue 1, enqueue 2, a crashed dequeue, then a dequeue → 2 is linearizable: the
 * crashed one took 1). Here it is what any dequeue does: it removes the front element, and it can
 * take effect only when there is one (on an empty queue it would have done nothing, which is the
 * same as never taking effect). That is one state, so the search models it exactly.
 */
export const fifoQueueModel: Model<FifoQueueState> = {
  name: 'fifo-queue',
  description: 'a FIFO queue: enqueue x / dequeue returning the front element, or null when empty',
  init: () => EMPTY,
  step(state, op) {
    switch (op.f) {
      case 'enqueue':
        return stateOf([...state.items, elementKey(op.invokeValue)]);
      case 'dequeue': {
        const d = dequeued(op);
        if (d === 'empty') return state.items.length === 0 ? state : undefined;
        if (state.items.length === 0 || (d !== 'unknown' && state.items[0] !== d.element)) return undefined;
        return stateOf(state.items.slice(1));
      }
      default:
        return undefined;
    }
  },
  ...queueParts,
  describeState: (s) => showElements('[', s.items, ']'),
};

export const fifoQueueHints: SearchHints<FifoQueueState> = queueHints;

/** The model and its hints, as the registry loads them. */
export const fifoQueueEntry: ModelEntry<FifoQueueState> = { model: fifoQueueModel, hints: fifoQueueHints };
