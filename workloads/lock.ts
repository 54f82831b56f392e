import { refusal } from '../src/history/conditional.js';
import { LOCK_STATE_FIELD, type LockAcquired, type ReleaseArgs } from '../src/history/op-values.js';
import { TargetError, type TargetClient } from '../src/targets/target.js';
import { Random } from '../src/util/random.js';
import { decodeValue, encodeValue } from './values.js';
import type { ExecuteOptions, OpGenerator, Workload, WorkloadOptions } from './workload.js';

/**
 * A lock built on conditional writes, the way commit protocols use S3. The lock is an object
 * whose metadata says `held` or `free`, and whose body is the value of the write that made it
 * so. `acquire` (a unique odd token) GETs the lock: held, it records `{"busy": holder}`; absent,
 * it PUTs `held` with If-None-Match: *; free, it PUTs `held` with If-Match: the ETag it read.
 * Granted, it records `{"acquired": etag}`, and the same worker holds the lock for a few ms, then
 * `release`s it: a PUT of `free` (the token + 1, so every body is unique) with If-Match: the
 * ETag of its own acquire, so that a release never frees someone else's hold. A refused PUT
 * (412) is recorded `{"refused": why}`. Checker: `mutual-exclusion`.
 */
export const lockWorkload: Workload = {
  name: 'lock',
  description: 'a lock on conditional writes: acquire (If-None-Match: *, or If-Match on a released lock), hold a few ms, release (If-Match overwrite); checked for mutual exclusion',
  fs: new Set(['acquire', 'release']),
  reads: new Set(),
  checkers: ['mutual-exclusion'],

  generator({ seed, keys }: WorkloadOptions): OpGenerator {
    const random = new Random(seed);
    let n = 0;
    return { next: () => ({ f: 'acquire', key: lockName(random.int(keys)), value: 2 * n++ + 1 }) };
  },

  followUp(op, value) {
    const granted = value as Partial<LockAcquired> | null;
    if (op.f !== 'acquire' || typeof granted?.acquired !== 'string') return undefined;
    const token = op.value as number;
    const release: ReleaseArgs = { token, etag: granted.acquired };
    // Holds of 2-10 ms, drawn from the token so that a seed gives the same plan.
    return { op: { f: 'release', key: op.key!, value: release }, afterMs: 2 + ((token >> 1) % 9) };
  },

  async execute(client, op, options) {
    const key = op.key!;
    switch (op.f) {
      case 'acquire':
        return acquire(client, key, op.value as number, options);
      case 'release': {
        const { token, etag } = op.value as ReleaseArgs;
        const put = await conditionalPut(client, key, token + 1, 'free', { ifMatch: etag }, options);
        return 'refused' in put ? put : undefined;
      }
      default:
        throw new Error(`lock workload has no operation ${op.f}`);
    }
  },
};

async function acquire(client: TargetClient, key: string, token: number, options: ExecuteOptions): Promise<unknown> {
  let current;
  try {
    current = await client.get(key, options);
  } catch (err) {
    throw new TargetError('definite', `not sent: the read of the lock failed (${err instanceof Error ? err.message : String(err)})`);
  }
  if (current && current.metadata?.[LOCK_STATE_FIELD] !== 'free') return { busy: decodeValue(current.body) };
  const condition = current ? { ifMatch: current.etag } : { ifNoneMatch: '*' };
  const put = await conditionalPut(client, key, token, 'held', condition, options);
  return 'refused' in put ? put : ({ acquired: put.etag } satisfies LockAcquired);
}

/** A PUT of the lock's new state under a condition; a refused condition is an answer, not an error. */
async function conditionalPut(
  client: TargetClient,
  key: string,
  id: number,
  state: 'held' | 'free',
  condition: { ifMatch: string } | { ifNoneMatch: string },
  options: ExecuteOptions,
): Promise<{ etag: string } | { refused: string }> {
  try {
    return await client.put(key, encodeValue(id, options.valueSize), { signal: options.signal, metadata: { [LOCK_STATE_FIELD]: state }, ...condition });
  } catch (err) {
    if (err instanceof TargetError && err.kind === 'precondition') return refusal(err.message);
    throw err;
  }
}

export function lockName(i: number): string {
  return `lock${i}`;
}
