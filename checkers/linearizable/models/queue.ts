// What the two queue models (unordered-queue, fifo-queue) share: how an op reads, its kind, its
// description, and which crashed enqueues can be dropped.
import type { Op } from '../../../src/history/event.js';
import { byId, byKey, elementKey, outcomeSuffix, reduceUnobserved, showValue, type OpKind, type SearchHints } from '../model.js';

/**
 * What a dequeue says: the key of the element it returned, 'empty' when it completed ok with no
 * value (null: it found the queue empty), 'unknown' when it crashed or is still open (it may have
 * removed an element, which one is not known, or done nothing).
 */
export type Dequeued = { element: string } | 'empty' | 'unknown';

export function dequeued(op: Op): Dequeued {
  if (op.type !== 'ok') return 'unknown';
  return op.value === null || op.value === undefined ? 'empty' : { element: elementKey(op.value) };
}

/** An enqueue may change the state; so may a dequeue, unless it found the queue empty (a read). */
export function queueKind(op: Op): OpKind | undefined {
  if (op.f === 'enqueue') return 'write';
  if (op.f === 'dequeue') return dequeued(op) === 'empty' ? 'read' : 'write';
  return undefined;
}

export function describeQueueOp(op: Op): string {
  const name = op.key === undefined ? op.f : `${op.f}(${op.key})`;
  if (op.f === 'enqueue') return `enqueue(${op.key === undefined ? '' : `${op.key}, `}${showValue(op.invokeValue)})${outcomeSuffix(op)}`;
  if (op.f !== 'dequeue' || op.type !== 'ok') return `${name}${outcomeSuffix(op)}`;
  return `${name} → ${dequeued(op) === 'empty' ? 'empty' : showValue(op.value)}`;
}

/**
 * An info/open enqueue of x that no ok dequeue returned can be dropped. Take a linearization that
 * places it, and leave out it and the crashed dequeue that removed x, if one did: at every point
 * the queue is what it was, less x. No other dequeue had x at its front (an ok one would have
 * returned x, a crashed one removed it) or found the queue empty while x was in it, so each one
 * is still legal: it finds the same front (fifo), the same element (unordered), the same emptiness.
 */
export function reduceQueue(ops: readonly Op[]): { ops: Op[]; dropped: number } {
  return reduceUnobserved(
    ops,
    (op) => {
      const d = op.f === 'dequeue' ? dequeued(op) : 'unknown';
      return typeof d === 'object' ? [d.element] : undefined;
    },
    (op) => (op.f === 'enqueue' ? [elementKey(op.invokeValue)] : undefined),
  );
}

/** What the two queue models share: states by `id`, kinds, descriptions. */
export const queueParts = {
  ...byId,
  kind: queueKind,
  describe: describeQueueOp,
};

/** And what the search may assume of both: a queue a key, crashed dequeues alike, unobserved enqueues dropped. */
export const queueHints: SearchHints = {
  // Crashed dequeues all look alike.
  twins: true,
  partition: byKey,
  reduce: reduceQueue,
};
