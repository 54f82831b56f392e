import type { CheckOptions, CheckResult, Checker } from '../../../checkers/checker.js';
import { budgetsOf, summarize, type LinearizableOptions, type PartitionResult } from '../../../checkers/linearizable/index.js';
import { getHints, getModel } from '../../../checkers/linearizable/registry.js';
import { StringTable } from '../../history/columns.js';
import type { History, Op } from '../../history/event.js';
import { encodeOp, recordKey, STRIDE } from '../../history/op-records.js';
import { groupPlaces } from '../../util/group.js';
import type { ThreadPool } from './pool.js';
import type { CheckJob, PoolData } from './worker.js';

/** One partition to check: its key, its op count, and its records when it is its turn. */
export interface PartitionSource {
  key: string;
  count: number;
  load(): Float64Array;
  /**
   * When load() gives records shared by every partition (on a SharedArrayBuffer): the places
   * of this partition's ops among them, in order, also shared. The thread copies them out.
   */
  at?: Int32Array;
  /** Called once its records have gone to a thread, or once it is left unchecked (they may be freed here). */
  sent?(): void;
}

/** How far the check is, for the progress line: keys are partitions. */
export interface KeyCounts {
  keysChecked: number;
  keysTotal: number;
}

export interface PoolCheckSettings {
  /** Partitions in flight at once; Infinity: all handed out at once (this thread is busy elsewhere). */
  window: number;
  /** A partition of more ops is not checked: unknown, saying so (--max-memory). */
  maxOps?: number;
  /** What the bound is, for that message. */
  bound?: string;
  progress?: KeyCounts;
  /** The named checkers' parts of each key too, made on its thread from the same ops; each key's go to `take`. */
  parts?: { names: string[]; options: CheckOptions; take(parts: unknown[]): void };
}

/**
 * The linearizability checker (checkers/linearizable) with its partitions checked on the
 * pool's threads: the same verdicts, partitions started smallest first, the reduced budget for
 * those started after a failure (the threads share when it happened). The pool's string table
 * must be the one the records were written against.
 */
export async function checkPartitionsOnPool(
  pool: ThreadPool,
  modelName: string,
  options: LinearizableOptions,
  sources: readonly PartitionSource[],
  settings: PoolCheckSettings,
  checkOptions?: CheckOptions,
): Promise<CheckResult> {
  const t0 = performance.now();
  const { full, reduced } = budgetsOf(options);
  // No failure yet in this check: an earlier one's (a mixed run's other part) does not reduce its budget.
  const shared = (pool.workerData as Partial<PoolData> | undefined)?.failedAt;
  if (shared) Atomics.store(new BigInt64Array(shared), 0, 0n);
  // By key, as partitionOps sorts them: the order summarize lists anomalies in.
  const byKey = [...sources].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const order = byKey.map((_, i) => i).sort((x, y) => byKey[x]!.count - byKey[y]!.count || x - y);
  const results: PartitionResult[] = new Array(byKey.length);
  if (settings.progress) settings.progress.keysTotal += byKey.length;
  let reducedCount = 0;
  let next = 0;
  const runOne = async (): Promise<void> => {
    while (next < order.length) {
      const i = order[next++]!;
      const source = byKey[i]!;
      if (settings.maxOps !== undefined && source.count > settings.maxOps) {
        results[i] = tooBig(source, settings.bound ?? 'the memory bound');
        source.sent?.();
      } else {
        const { result, reduced: wasReduced } = await send(source);
        results[i] = result;
        if (wasReduced) reducedCount++;
      }
      if (settings.progress) settings.progress.keysChecked++;
    }
  };
  // Apart from runOne: the records are then not kept while it waits for the answer.
  const parts = settings.parts;
  const send = (source: PartitionSource): Promise<{ result: PartitionResult; reduced: boolean }> => {
    const records = source.load();
    const job: CheckJob = { check: { model: modelName, records, ...(source.at ? { at: source.at } : {}), full, reduced, ...(parts ? { parts: { names: parts.names, options: parts.options } } : {}) } };
    // Shared records are seen by every thread, not moved.
    const answer = pool.run<{ result: PartitionResult; reduced: boolean; parts?: unknown[] }>(job, records.buffer instanceof SharedArrayBuffer ? [] : [records.buffer as ArrayBuffer]);
    source.sent?.();
    // Not an async function: its frame would keep the records (all partitions' shared buffer) until the answer.
    if (!parts) return answer;
    return answer.then((got) => {
      if (got.parts) parts.take(got.parts);
      return got;
    });
  };
  const lanes = Math.min(order.length, settings.window === Infinity ? order.length : settings.window);
  await Promise.all(Array.from({ length: lanes }, runOne));
  const out = summarize(modelName, results, checkOptions, performance.now() - t0);
  if (reducedCount > 0) out.reducedBudgetPartitions = reducedCount;
  return out;
}

function tooBig(source: PartitionSource, bound: string): PartitionResult {
  return {
    key: source.key,
    valid: 'unknown',
    method: 'search',
    reason: `key ${JSON.stringify(source.key)}: its ${source.count.toLocaleString('en-US')} ops need about ${Math.ceil((source.count * CHECK_BYTES_PER_OP) / 1e6)} MB to check, more than ${bound} leaves for one key; not checked`,
    ops: source.count,
    dropped: { failed: 0, indeterminateReads: 0, unobservedInfoWrites: 0, ignored: 0 },
    states: 0,
    ms: 0,
  };
}

/**
 * What checking a partition takes a op, beyond the search's own cache (bounded by its
 * budget): its record, the op object, the search's entries. Measured on the 1M history: ~0.5 kB.
 */
export const CHECK_BYTES_PER_OP = 512;

/**
 * The linearizability checker as a Checker over a History in memory (the history read whole
 * for the checkers that still want objects), its partitions on the pool: each encoded into
 * records and handed out at once, since this thread then runs the other checkers.
 */
export function poolLinearizableChecker(
  pool: ThreadPool,
  modelName: string,
  options: LinearizableOptions,
  progress?: KeyCounts,
  limits: Pick<PoolCheckSettings, 'maxOps' | 'bound'> = {},
): Checker {
  return {
    name: 'linearizable',
    description: `linearizability of every ${modelName === 'cas-register' ? 'register' : 'key'} against the ${modelName} model (${getModel(modelName).description})`,
    handsOff: true,
    check(history: History, checkOptions?: CheckOptions): Promise<CheckResult> {
      const strings = new StringTable();
      const encoded = encodePartitions(modelName, history.ops, strings);
      // Let go here once every partition has gone: the threads' views keep the records as long as they need them.
      let shared: Float64Array | undefined = encoded.records;
      let unsent = encoded.parts.length;
      const sources: PartitionSource[] = encoded.parts.map(({ key, at }) => ({
        key,
        count: at.length,
        load: () => shared!,
        at,
        sent: () => {
          if (--unsent === 0) shared = undefined;
        },
      }));
      pool.broadcast({ strings: strings.strings });
      return checkPartitionsOnPool(pool, modelName, options, sources, { window: Infinity, ...limits, ...(progress ? { progress } : {}) }, checkOptions);
    },
  };
}

/**
 * partitionOps and encodeOps in one: every op's record, in history order, in one buffer shared
 * with the threads, and each partition's ops' places in it (in invocation order), also shared;
 * partitions sorted by key as partitionOps sorts them. One buffer written front to back, not a
 * buffer a key filled here and there: on this thread, which runs the other checkers next, that
 * took twice as long on the 1M-op history (most of it making the thousand buffers and first
 * touching them).
 */
function encodePartitions(modelName: string, ops: readonly Op[], strings: StringTable): { records: Float64Array; parts: { key: string; at: Int32Array }[] } {
  const partition = getHints(modelName).partition ?? (() => '');
  const records = new Float64Array(new SharedArrayBuffer(ops.length * STRIDE * Float64Array.BYTES_PER_ELEMENT));
  const ids = new Map<string, number>();
  /** By partition: its key's number in `strings` once met, when the partition is the op's key (the models' byKey): one lookup an op spared. */
  const keyIds: number[] = [];
  const partOf = new Int32Array(ops.length);
  for (let i = 0; i < ops.length; i++) {
    const op = ops[i]!;
    const k = partition(op);
    let id = ids.get(k);
    if (id === undefined) {
      ids.set(k, (id = keyIds.length));
      keyIds.push(-1);
    }
    partOf[i] = id;
    if (k !== op.key) encodeOp(records, i, op, strings);
    else if (keyIds[id]! >= 0) encodeOp(records, i, op, strings, keyIds[id]);
    else {
      encodeOp(records, i, op, strings);
      keyIds[id] = recordKey(records, i);
    }
  }
  // Each partition's places, partitions one after another.
  const { start, members: places } = groupPlaces(partOf, ids.size, (n) => new Int32Array(new SharedArrayBuffer(n * Int32Array.BYTES_PER_ELEMENT)));
  const parts = [...ids]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, id]) => ({ key, at: places.subarray(start[id]!, start[id + 1]!) }));
  return { records, parts };
}
