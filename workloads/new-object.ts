import { Random } from '../src/util/random.js';
import { decodeValue, encodeValue } from './values.js';
import type { OpGenerator, OpSpec, Workload, WorkloadOptions } from './workload.js';

/** Share of keys that are read (and found absent) before their PUT: legacy S3's negative cache. */
const PROBE_SHARE = 0.5;
/**
 * A probed key is read this many PUTs ahead of its own PUT (some 30 ops in the steady state),
 * so the probe has normally completed before the PUT starts: one that overlapped it would
 * prove nothing.
 */
const PROBE_AHEAD = 4;
/** Keys put while frames are still short (no reads due yet) are not probed: a probe would overlap the PUT. */
const UNPROBED_FIRST = 16;
/**
 * How many ops after its PUT a key is read. The first lag is a little over the usual number of
 * workers, so the PUT has normally completed (reads that still overlap it are simply not judged
 * by the checkers); doubling lags spread the reads to a few hundred ms later, so that a window
 * of invisibility shows both its start and its end.
 */
const READ_LAGS = [8, 16, 32, 64, 128, 256, 512];

/**
 * Read-after-write for new objects. Every key is written exactly once (`put`, a fresh key and a
 * unique value) and then read (`get`) by whichever workers take the ops at least 8, 16, … 512
 * places later. Half the keys (after the first 16), drawn from the seed, are first read while
 * they do not exist yet (`probe`, expected to return not-found): after such a 404, S3 before
 * December 2020 kept answering 404 for a while even once the PUT had succeeded. The
 * `read-after-create` checker says which keys were probed.
 *
 * --keys is not used: every key is new (the k-th PUT is of key `n<k>`).
 */
export const newObjectWorkload: Workload = {
  name: 'new-object',
  description: 'one PUT per fresh key, then GETs right after it completed; half the keys first probed with a GET (404): read-after-create and negative caching',
  fs: new Set(['put', 'get', 'probe']),
  reads: new Set(['get', 'probe']),
  // Not yet `linearizable`: its register fast path throws on put, get → null, get → value (see docs/workloads.md).
  checkers: ['read-validity', 'linearizable', 'read-after-create', 'stale-reads'],

  generator({ seed }: WorkloadOptions): OpGenerator {
    const random = new Random(seed);
    const probed: boolean[] = [];
    // Drawn in key order, so the sequence depends on the seed only.
    const isProbed = (k: number): boolean => {
      while (probed.length <= k) probed.push(probed.length >= UNPROBED_FIRST && random.next() < PROBE_SHARE);
      return probed[k]!;
    };
    // One frame per key: its PUT, a probe of a later key, then every read that has fallen due.
    // One PUT a frame keeps PUTs apart, and so the reads that follow each of them.
    const pending = READ_LAGS.map(() => [] as { due: number; key: string }[]);
    const queue: OpSpec[] = [];
    let position = 0;
    let nextKey = 0;
    return {
      next(): OpSpec {
        if (queue.length === 0) {
          const k = nextKey++;
          queue.push({ f: 'put', key: keyName(k), value: k + 1 });
          READ_LAGS.forEach((lag, i) => pending[i]!.push({ due: position + lag, key: keyName(k) }));
          if (isProbed(k + PROBE_AHEAD)) queue.push({ f: 'probe', key: keyName(k + PROBE_AHEAD) });
          const due: { due: number; key: string }[] = [];
          for (const fifo of pending) while (fifo.length > 0 && fifo[0]!.due <= position) due.push(fifo.shift()!);
          due.sort((a, b) => a.due - b.due || (a.key < b.key ? -1 : 1));
          for (const d of due) queue.push({ f: 'get', key: d.key });
        }
        position++;
        return queue.shift()!;
      },
    };
  },

  async execute(client, op, options) {
    const key = op.key!;
    switch (op.f) {
      case 'get':
      case 'probe': {
        const o = await client.get(key, options);
        return o === null ? null : decodeValue(o.body);
      }
      case 'put':
        await client.put(key, encodeValue(op.value as number, options.valueSize), options);
        return undefined;
      default:
        throw new Error(`new-object workload has no operation ${op.f}`);
    }
  },
};

/** The key of the k-th PUT. */
export function keyName(k: number): string {
  return `n${k}`;
}
