import type { History, Op } from '../src/history/event.js';
import type { Anomaly, Checker } from './checker.js';
import { evidenceOp } from './evidence.js';
import { toAnomaly } from './explain.js';
import { changeLagList, type ChangeRule } from './windows/change-lag.js';
import { checkWindows } from './windows/check-windows.js';

import type { CachedWrite } from '../src/history/op-values.js';

const RULES: ChangeRule[] = [{ f: 'put', window: 'cache', shows: (put, read) => read.value === (put.invokeValue as CachedWrite).body }];

/** The max-age (or s-maxage) a write carried, in ms. */
function maxAgeMs(put: Op): number {
  const m = /(?:s-maxage|max-age)\s*=\s*(\d+)/i.exec((put.invokeValue as CachedWrite).cacheControl);
  return m ? Number(m[1]) * 1000 : 0;
}

/** Staleness beyond the max-age the overwritten object was written with breaks the cache's promise. */
function judge(history: History): Anomaly[] {
  const puts = history.ops.filter((o) => (o.f === 'put' || o.f === 'create') && o.type === 'ok');
  const position = new Map(puts.map((p, i) => [p, i]));
  // Judged on the certain lower bound: a read that started that long after the put still saw the old copy.
  return changeLagList(history, 'read', RULES).flatMap(({ change: put, lowerNs: lagNs }) => {
    // The stale copy is the previous write's: its max-age is the promise.
    const previous = puts[position.get(put)! - 1];
    if (!previous || lagNs <= maxAgeMs(previous) * 1e6) return [];
    return [
      toAnomaly(
        { kind: 'stale-beyond-max-age', key: put.key!, put: evidenceOp(put), body: (put.invokeValue as CachedWrite).body, previous: evidenceOp(previous), lagNs, maxAgeMs: maxAgeMs(previous) },
        [put.invokeIndex, previous.invokeIndex],
      ),
    ];
  });
}

/** How long reads through a caching front stay stale after an overwrite, against the max-age promised. */
export const cache = {
  name: 'cache',
  description: 'reads through a caching front after an overwrite: the stale window (median, 95% CI, max) and whether it stayed within the max-age the object was written with',
  check: (history: History) => checkWindows(history, { probe: 'read', rules: RULES, judge }),
} satisfies Checker;
