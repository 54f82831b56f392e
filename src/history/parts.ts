// A mixed run's history (workloads/mixed.ts) in parts: each part's ops are on keys under
// `<part>/`, and its checkers are named `<part>:<checker>`. The workload writes that shape; the
// checks and the report read it, from here.
import type { History } from './event.js';

/** Separates a part's name from its checker's in the mixed workload's checker names. */
export const PART_SEPARATOR = ':';

/** The history as one part's checkers see it: the ops on the part's keys (events stay whole, so indices hold). */
export function partHistory(history: History, part: string): History {
  const prefix = `${part}/`;
  return { ...history, ops: history.ops.filter((o) => o.key?.startsWith(prefix)) };
}

/** The part an op of a mixed run belongs to: the first segment of its key. */
export function partOf(key: string): string {
  return key.slice(0, key.indexOf('/'));
}
