import type { History } from '../src/history/event.js';
import type { Checker, CheckOptions } from './checker.js';
import { checkWindows } from './windows/check-windows.js';

/**
 * The replication lag: per write, how long the other endpoint still served an older value after
 * it completed; with the emulator's ground truth, exactly, from the primary's acknowledgement to
 * the replica's copy.
 */
export const replication = {
  name: 'replication',
  description: 'how long after a write completed a second endpoint still served the older value: the lag distribution (median, 95% CI, p90, p99, max)',
  check: (history: History, options?: CheckOptions) =>
    checkWindows(history, { probe: 'read', rules: [{ f: 'put', window: 'replication', shows: (put, read) => read.value === put.invokeValue, truthSetting: 'replica' }] }, 1, options?.groundTruth),
} satisfies Checker;
