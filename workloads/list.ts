import { fillThenMix } from './fill-then-mix.js';
import { encodeValue } from './values.js';
import type { OpGenerator, Workload, WorkloadOptions } from './workload.js';

/** Every key of the workload lives under this prefix, and every LIST lists it. */
export const LIST_PREFIX = 'l/';

type Fn = 'list' | 'put' | 'delete';
// Deletes are rarer than puts so that the prefix stays mostly full: a LIST then has many keys
// that it must include, and one that pages through them all.
const MIX: readonly (readonly [Fn, number])[] = [
  ['list', 0.3],
  ['put', 0.45],
  ['delete', 0.25],
];

/**
 * LIST consistency: PUTs (unique values) and DELETEs of --keys keys under one prefix, while
 * other workers LIST the prefix. The run starts by putting every key once, in order, so that
 * with --keys over 1,000 the listings span several pages from early on. A LIST records the keys
 * it returned, in the order returned; `list-consistency` judges each against the writes.
 */
export const listWorkload: Workload = {
  name: 'list',
  description: 'PUT/DELETE of --keys keys under one prefix while others LIST it (after a fill: 30% list, 45% put, 25% delete)',
  fs: new Set(['list', 'put', 'delete']),
  reads: new Set(['list']),
  checkers: ['list-consistency'],

  generator({ seed, keys }: WorkloadOptions): OpGenerator {
    return fillThenMix({
      seed,
      keys,
      keyName,
      mix: MIX,
      make: (f, key, value) => (f === 'list' ? { f, key: LIST_PREFIX } : f === 'put' ? { f, key: key(), value: value() } : { f, key: key() }),
    });
  },

  async execute(client, op, options) {
    const key = op.key!;
    switch (op.f) {
      case 'list':
        // The client pages through the whole prefix (ListObjectsV2 continuation tokens).
        return await client.list(key, options);
      case 'put':
        await client.put(key, encodeValue(op.value as number, options.valueSize), options);
        return undefined;
      case 'delete':
        await client.delete(key, options);
        return undefined;
      default:
        throw new Error(`list workload has no operation ${op.f}`);
    }
  },
};

export function keyName(i: number): string {
  return `${LIST_PREFIX}k${i}`;
}
