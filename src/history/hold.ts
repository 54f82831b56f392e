// Whether a history file can be read whole as objects in this process: past V8's heap limit
// the process dies with V8's fatal error (a stack dump, exit 134), whatever catches what.
import { statSync } from 'node:fs';
import { getHeapStatistics } from 'node:v8';

/** What reading a history whole and working on it takes of V8's heap: a byte of its file, and a fixed part. */
export interface HeapNeed {
  perByte: number;
  fixed: number;
  /** What is done with it, in words that follow "to be": "checked whole", "drawn". */
  doing: string;
}

/** "192 MB", rounded up. */
export const mb = (n: number): string => `${Math.ceil(n / 1e6).toLocaleString('en-US')} MB`;

/**
 * Why the history cannot be held whole for `need` within this process's heap, as words that
 * follow "the history"; undefined when it can (or the file cannot be read: its reader says why).
 */
export function heapShortfall(history: string, need: HeapNeed): string | undefined {
  let size: number;
  try {
    size = statSync(history).size;
  } catch {
    return undefined;
  }
  const heap = size * need.perByte + need.fixed;
  const limit = getHeapStatistics().heap_size_limit;
  if (heap <= limit) return undefined;
  return `(${mb(size)}) needs about ${mb(heap)} of heap to be ${need.doing}, more than this process's ${mb(limit)} (NODE_OPTIONS=--max-old-space-size=MB raises it)`;
}
