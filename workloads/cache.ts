import type { CachedWrite } from '../src/history/op-values.js';
import { phasedGenerator } from './phases.js';
import { decodeValue, encodeValue } from './values.js';
import type { Workload } from './workload.js';

const KEY = 'cached';


/**
 * Reads through a caching front. The owner overwrites one object with a new value, written with
 * `Cache-Control: max-age=N`; every other op reads it through the front, and the next overwrite
 * comes as soon as a read shows the current value: that read has just filled the cache, so each
 * overwrite meets a copy with almost all of its max-age to go, and the window measured is close to
 * the longest the front can be stale. The `cache` checker says whether staleness stayed within
 * max-age, as the promise of a cache is.
 */
export const cacheWorkload: Workload = {
  name: 'cache',
  description: 'overwrites of one object written with Cache-Control max-age (--max-age), read through a caching front: observed staleness against max-age',
  fs: new Set(['create', 'put', 'read']),
  reads: new Set(['read']),
  checkers: ['cache'],

  unsupported(client) {
    return client.cachedGet ? undefined : 'it needs reads through a caching front: use --target emulator (its --cache-front)';
  },
  emulatorDefaults: { flags: { 'cache-front': true } },

  generator({ maxAge = 1 }) {
    const cacheControl = `max-age=${maxAge}`;
    return phasedGenerator({
      setup: [],
      // The first write creates the object: there is no older copy to be stale with, so it is not measured.
      change: (i) => ({ f: i === 0 ? 'create' : 'put', key: KEY, value: { body: i + 1, cacheControl } satisfies CachedWrite }),
      probe: () => ({ f: 'read', key: KEY }),
      shows: (change, outcome) => outcome.value === (change.value as CachedWrite).body,
      holdMs: 0,
      maxPhaseMs: 600_000,
    });
  },

  async execute(client, op, options) {
    switch (op.f) {
      case 'create':
      case 'put': {
        const w = op.value as CachedWrite;
        await client.put(op.key!, encodeValue(w.body), { ...options, cacheControl: w.cacheControl });
        return undefined;
      }
      case 'read': {
        const o = await client.cachedGet!(op.key!, options);
        return o === null ? null : decodeValue(o.body);
      }
      default:
        throw new Error(`cache workload has no operation ${op.f}`);
    }
  },
};
