// How a conditional write (f `cas`, value [expected, new]) reads in a history, for every checker
// that reads one: the model of linearizability, create-once, read-validity.
import type { Op } from './event.js';

/** The [expected, new] of a cas op, or undefined when its value has another shape. */
export function casArgs(op: Op): [unknown, unknown] | undefined {
  const v = op.invokeValue;
  return op.f === 'cas' && Array.isArray(v) && v.length === 2 ? [v[0], v[1]] : undefined;
}

/**
 * A conditional write (a cas, a lock's acquire or release) the store refused because its condition did not hold (S3's 412 PreconditionFailed, or
 * the 404 of If-Match on a missing key) completes `ok` with the value `{"refused": "<why>"}`: it
 * wrote nothing, but it observed that the key did not hold `expected` at some instant while it
 * ran. Recording it as `fail` would throw that observation away, and with it the one symptom of
 * a store that refuses writes whose condition held.
 */
export function refusal(why: string): { refused: string } {
  return { refused: why };
}

export function isRefused(op: Op): boolean {
  const v = op.value as { refused?: unknown } | null | undefined;
  return op.type === 'ok' && typeof v === 'object' && v !== null && typeof v.refused === 'string';
}

/** Why the store refused the cas (the text of its answer). */
export function refusedBecause(op: Op): string {
  return (op.value as { refused: string }).refused;
}

/** True when the op may have written its value: not failed, not refused. */
export function mayHaveWritten(op: Op): boolean {
  return op.type !== 'fail' && !isRefused(op);
}
