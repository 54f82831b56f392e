import { Random } from '../src/util/random.js';
import { decodeValue, encodeValue } from './values.js';
import type { OpGenerator, OpSpec, Workload, WorkloadOptions } from './workload.js';

type Fn = 'get' | 'put' | 'delete';
const MIX: readonly (readonly [Fn, number])[] = [
  ['get', 0.5],
  ['put', 0.4],
  ['delete', 0.1],
];

/**
 * Each key is one register (an object): PUT a unique value, GET it, DELETE it. Because every
 * value is written once, a read names the very write it saw.
 */
export const registerWorkload: Workload = {
  name: 'register',
  description: 'PUT/GET/DELETE of unique values over --keys objects (50% get, 40% put, 10% delete)',
  fs: new Set(['get', 'put', 'delete']),
  reads: new Set(['get']),
  checkers: ['read-validity', 'linearizable', 'stale-reads', 'session-guarantees', 'visibility', 'delta-atomicity'],

  generator({ seed, keys }: WorkloadOptions): OpGenerator {
    const random = new Random(seed);
    let nextValue = 1;
    return {
      next(): OpSpec {
        const f = random.weighted(MIX);
        const key = keyName(random.int(keys));
        return f === 'put' ? { f, key, value: nextValue++ } : { f, key };
      },
    };
  },

  finalReads({ keys }) {
    return Array.from({ length: keys }, (_, i) => ({ f: 'get', key: keyName(i) }));
  },

  async execute(client, op, options) {
    const key = op.key!;
    switch (op.f) {
      case 'get': {
        const o = await client.get(key, options);
        return o === null ? null : decodeValue(o.body);
      }
      case 'put':
        await client.put(key, encodeValue(op.value as number, options.valueSize), options);
        return undefined;
      case 'delete':
        await client.delete(key, options);
        return undefined;
      default:
        throw new Error(`register workload has no operation ${op.f}`);
    }
  },
};

function keyName(i: number): string {
  return `k${i}`;
}
