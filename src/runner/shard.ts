// One shard of a test that many machines run together (`objcheck workload --shard I/N`), and
// what keeps the shards' histories apart so that `objcheck merge` can join them: process
// numbers no other shard uses, and written values no other shard writes.
import type { OpGenerator, OpSpec } from '../../workloads/workload.js';
import { UserError } from '../util/errors.js';

export interface Shard {
  /** From 0 to count - 1 (a Kubernetes Indexed Job's JOB_COMPLETION_INDEX). */
  index: number;
  count: number;
}

/**
 * How the shards share the store: `shared`, all on the same keys (anomalies across clients in
 * different places); `disjoint`, each under its own prefix (each shard's keys are its own, so
 * every check is exact whatever the clocks say).
 */
export type KeysMode = 'shared' | 'disjoint';
export const KEYS_MODES: readonly KeysMode[] = ['shared', 'disjoint'];

/**
 * Workloads whose writes are plain unique integers, made unique across shards by shardValue:
 * the only ones whose shards may share keys (a cas or lock value is tied to what the shard read,
 * and cannot be renumbered on the way out).
 */
export const SHARED_KEY_WORKLOADS: readonly string[] = ['register', 'list', 'metadata'];

/** "2/5" as shard 2 of 5; anything else is the user's mistake, said in one line. */
export function parseShard(text: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || !Number.isSafeInteger(count) || count < 1 || index >= count) {
    throw new UserError(`--shard must be I/N with 0 <= I < N (shard I of N, counting from 0), got ${JSON.stringify(text)}`);
  }
  return { index, count };
}

/**
 * Worker w's first process number. Within a shard Jepsen's numbering holds (a worker's next
 * process after an info is this one plus the stride), and across shards process % count is the
 * shard: no two shards ever use the same number.
 */
export function firstProcess(worker: number, shard: Shard | undefined): number {
  return shard ? worker * shard.count + shard.index : worker;
}

/** What a worker adds to its process number after an info: concurrency, times the shards. */
export function processStride(concurrency: number, shard: Shard | undefined): number {
  return concurrency * (shard?.count ?? 1);
}

/** Value v of this shard's generator as the value it writes: 1, 2, 3… of shard i of n become i+1, n+i+1, 2n+i+1… */
export function shardValue(v: number, shard: Shard): number {
  return (v - 1) * shard.count + shard.index + 1;
}

/** The op with its written value made unique across shards (positive integers only; others untouched). */
export function shardOp(op: OpSpec, shard: Shard): OpSpec {
  const v = op.value;
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 1 ? { ...op, value: shardValue(v, shard) } : op;
}

/** The generator, its written values made unique across shards. */
export function shardGenerator(generator: OpGenerator, shard: Shard): OpGenerator {
  const g: OpGenerator = {
    next: (atMs?: number) => {
      const op = generator.next(atMs);
      return op && shardOp(op, shard);
    },
  };
  if (generator.plannedAt) g.plannedAt = (nowMs?: number) => generator.plannedAt!(nowMs);
  if (generator.update) g.update = (op, outcome) => generator.update!(op, outcome);
  return g;
}

/** How late a shard may start past --start-at and still join (a pod scheduled a moment late). */
export const START_AT_GRACE_MS = 2000;

/**
 * --start-at as epoch ms; an ISO time is required (a bare date or a local time would mean
 * different instants on differently configured machines).
 */
export function parseStartAt(text: string): number {
  const ms = /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)$/.test(text.trim()) ? Date.parse(text) : NaN;
  if (Number.isNaN(ms)) throw new UserError(`--start-at must be an ISO time with its zone, e.g. 2026-12-07T05:30:00Z, got ${JSON.stringify(text)}`);
  return ms;
}

/** The ms left until --start-at (0 if it has just passed); a start-at well past is a usage error. */
export function msUntilStart(startAtMs: number, nowMs: number): number {
  const wait = startAtMs - nowMs;
  if (wait < -START_AT_GRACE_MS) {
    throw new UserError(`--start-at ${new Date(startAtMs).toISOString()} is ${((nowMs - startAtMs) / 1000).toFixed(1)} s in the past (this machine's clock says ${new Date(nowMs).toISOString()}): give a time ahead of every shard's start`);
  }
  return Math.max(0, wait);
}
