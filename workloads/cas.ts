import { Random } from '../src/util/random.js';
import { refusal } from '../src/history/conditional.js';
import { TargetError } from '../src/targets/target.js';
import { decodeValue, encodeValue } from './values.js';
import type { OpGenerator, OpSpec, Workload, WorkloadOptions } from './workload.js';

/** After a round settles, the share of slots that move to a fresh key for a new create race. */
const NEW_KEY_SHARE = 0.3;

/**
 * What a slot does on its next turn. A round is: contenders (creators of a fresh key, or
 * compare-and-setters of a known value), then a turn later the reads that see who won; then
 * either a fresh key, or an unconditional write that gives the next round a value the generator
 * knows (it cannot know which contender won: that depends on the run's timing).
 */
type Turn = 'create' | 'settle' | 'reset' | 'contend';

interface Slot {
  index: number;
  generation: number;
  turn: Turn;
  /** The value the key holds after the slot's last reset write (null: a fresh key). */
  holds: number | null;
}

/**
 * Conditional writes, as a compare-and-set register per key (f `read`, `write`, `cas`
 * [expected, new]; every value unique, so a read names its write). A cas from null is a create:
 * PUT with If-None-Match: *. A cas from a value reads the object and PUTs with If-Match: the
 * ETag that read returned, or fails without writing when the read saw another value. 2–3
 * contenders race with the same expected value, so exactly one should win. --keys slots take
 * turns, round robin, which puts other slots' ops between one slot's rounds: a round starts
 * once the previous one has (normally) completed.
 *
 * A refused condition (412 PreconditionFailed; for If-Match, also 404 NoSuchKey) completes ok
 * with {"refused": why}: an observation that the key did not hold the expected value (or
 * existed, for a create), which the checkers hold the store to. A 409 ConditionalRequestConflict
 * (a concurrent conditional write got in the way) says nothing about the state: a definite
 * failure. Checkers: `linearizable` (per key, model cas-register, which the workload names), `create-once`.
 */
export const casWorkload: Workload = {
  name: 'cas',
  description: 'conditional PUTs: 2-3 concurrent creators (If-None-Match: *) or compare-and-setters (If-Match: etag) per round, and reads of who won',
  fs: new Set(['write', 'cas', 'read']),
  reads: new Set(['read']),
  checkers: ['read-validity', 'linearizable', 'create-once'],
  model: 'cas-register',
  // Every key the run used: each slot moves to a new key, generation by generation, as it runs.
  finalReads: (_options, keysUsed) => [...keysUsed()].sort().map((key) => ({ f: 'read', key })),

  generator({ seed, keys }: WorkloadOptions): OpGenerator {
    const random = new Random(seed);
    const slots: Slot[] = Array.from({ length: Math.max(1, keys) }, (_, index) => ({ index, generation: 0, turn: 'create', holds: null }));
    const queue: OpSpec[] = [];
    let nextValue = 1;
    let step = 0;
    const contenders = (key: string, expected: number | null): void => {
      const n = 2 + random.int(2);
      for (let i = 0; i < n; i++) queue.push({ f: 'cas', key, value: [expected, nextValue++] });
    };
    return {
      next(): OpSpec {
        while (queue.length === 0) {
          const slot = slots[step++ % slots.length]!;
          const key = keyName(slot);
          switch (slot.turn) {
            case 'create':
            case 'contend':
              contenders(key, slot.holds);
              slot.turn = 'settle';
              break;
            case 'settle':
              queue.push({ f: 'read', key }, { f: 'read', key });
              if (random.next() < NEW_KEY_SHARE) {
                slot.generation++;
                slot.holds = null;
                slot.turn = 'create';
              } else {
                slot.turn = 'reset';
              }
              break;
            case 'reset':
              slot.holds = nextValue++;
              queue.push({ f: 'write', key, value: slot.holds });
              slot.turn = 'contend';
              break;
          }
        }
        return queue.shift()!;
      },
    };
  },

  async execute(client, op, options) {
    const key = op.key!;
    switch (op.f) {
      case 'read': {
        const o = await client.get(key, options);
        return o === null ? null : decodeValue(o.body);
      }
      case 'write':
        await client.put(key, encodeValue(op.value as number, options.valueSize), options);
        return undefined;
      case 'cas': {
        const [expected, value] = op.value as [number | null, number];
        const body = encodeValue(value, options.valueSize);
        // The ETag exactly as the store returned it (quoted, as S3 sends it), never rewritten.
        const condition = expected === null ? { ifNoneMatch: '*' } : { ifMatch: await etagOf(client, key, expected, options.signal) };
        try {
          await client.put(key, body, { signal: options.signal, ...condition });
          return undefined;
        } catch (err) {
          if (err instanceof TargetError && err.kind === 'precondition') return refusal(err.message);
          throw err;
        }
      }
      default:
        throw new Error(`cas workload has no operation ${op.f}`);
    }
  },
};

/**
 * The ETag to send as If-Match: that of the object when it holds `expected`. When it does not,
 * the cas fails here, definitely (nothing was sent); so does a read that did not succeed.
 */
async function etagOf(client: Parameters<Workload['execute']>[0], key: string, expected: number, signal?: AbortSignal): Promise<string> {
  let current;
  try {
    current = await client.get(key, { signal });
  } catch (err) {
    throw new TargetError('definite', `not sent: the read of the ETag failed (${err instanceof Error ? err.message : String(err)})`);
  }
  const seen = current === null ? null : decodeValue(current.body);
  if (seen !== expected) throw new TargetError('definite', `not sent: ${key} held ${JSON.stringify(seen)}, not ${expected}`);
  return current!.etag;
}

function keyName(slot: Slot): string {
  return `r${slot.index}.${slot.generation}`;
}
