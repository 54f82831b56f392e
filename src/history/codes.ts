// The numbers that stand for an event's type, a nemesis process and a value, shared by the
// scanner (which reads a line straight to them) and the columns (which keep them).
import type { EventType } from './event.js';

/** How a value is kept: its tag, and for numbers, strings and other JSON a number beside it. */
export const VALUE = { absent: 0, null: 1, true: 2, false: 3, number: 4, string: 5, json: 6 } as const;

export const EVENT_TYPES: readonly EventType[] = ['invoke', 'ok', 'fail', 'info'];
export const TYPE_CODE: Record<EventType, number> = { invoke: 0, ok: 1, fail: 2, info: 3 };

/** process of a nemesis event. */
export const NEMESIS = -1;

/** The value a (tag, number) pair stands for; objects and arrays are parsed anew, one per use. */
export function decodeValue(tag: number, n: number, strings: readonly string[]): unknown {
  switch (tag) {
    case VALUE.absent:
      return undefined;
    case VALUE.null:
      return null;
    case VALUE.true:
      return true;
    case VALUE.false:
      return false;
    case VALUE.number:
      return n;
    case VALUE.string:
      return strings[n];
    default:
      return JSON.parse(strings[n]!);
  }
}
