import type { Recorder } from '../history/recorder.js';
import type { TargetClient } from '../targets/target.js';
import { preciseSleep } from '../util/precise-sleep.js';
import { sleep } from '../util/sleep.js';
import { Performer, recordOp } from './perform.js';
import { firstProcess, processStride, shardGenerator, type KeysMode, type Shard } from './shard.js';
import { AFTER_UPDATE, type OpSpec, type Workload, type WorkloadTuning } from '../../workloads/workload.js';

export interface RunLimits {
  /** Stop taking new operations after this long. */
  timeLimitMs?: number;
  /** Stop after this many operations have been started. */
  ops?: number;
  /** Start at most this many operations a second, on a fixed schedule (open loop). */
  rate?: number;
}

export interface WorkerOptions {
  workload: Workload;
  client: TargetClient;
  /** A client for some workers other than `client` (a fault cuts some workers off only). */
  clientFor?: (worker: number) => TargetClient;
  recorder: Recorder;
  concurrency: number;
  limits: RunLimits;
  opTimeoutMs: number;
  seed: number;
  keys: number;
  /** The workload's own options (the cache workload's max-age, pbs's lag span…), for its generator. */
  tuning?: WorkloadTuning;
  /** Bytes of each value written (default: workloads/values.ts's DEFAULT_VALUE_SIZE). */
  valueSize?: number;
  /** Aborted on SIGINT/SIGTERM: no new operations; those in flight are cut short. */
  stop: AbortSignal;
  /** With --shard: process numbers no other shard uses; on shared keys, values no other shard writes. */
  shard?: { shard: Shard; keysMode: KeysMode };
}

export type StopReason = 'time-limit' | 'ops-limit' | 'exhausted' | 'interrupted';

/** Live counts, read by the progress display while the run goes on. */
export interface Progress {
  started: number;
  ok: number;
  fail: number;
  info: number;
  /** Operations that started more than one interval behind the --rate schedule. */
  late: number;
}


/**
 * Runs `concurrency` workers, each a logical single-threaded client (a Jepsen process),
 * until a limit is reached or the run is stopped. Every invocation and completion is recorded
 * as it happens. Operations are taken from one generator, and each is recorded as invoked in
 * the same tick as it is taken, so the history's invoke order is the generator's order.
 */
export interface WorkersOutcome {
  reason: StopReason;
  /** Each worker's process number at the end (a worker moves to a new one after an info). */
  processes: number[];
}

export async function runWorkers(options: WorkerOptions, progress: Progress): Promise<WorkersOutcome> {
  const { workload, client, recorder, limits, stop } = options;
  const own = workload.generator({ ...options.tuning, seed: options.seed, keys: options.keys });
  const shard = options.shard?.shard;
  const generator = shard && options.shard!.keysMode === 'shared' ? shardGenerator(own, shard) : own;
  // Limits count from the first operation, not from process start: opening a target (starting
  // a cluster, a preflight) can take longer than the run itself.
  const startNs = recorder.now();
  const endNs = limits.timeLimitMs === undefined ? Infinity : startNs + limits.timeLimitMs * 1e6;
  const intervalNs = limits.rate ? 1e9 / limits.rate : 0;
  const performers = new Map<TargetClient, Performer>();
  const performerOf = (w: number): Performer => {
    const c = options.clientFor?.(w) ?? client;
    let p = performers.get(c);
    if (!p) performers.set(c, (p = new Performer(workload, c, options.opTimeoutMs, stop, options.valueSize)));
    return p;
  };
  let reason: StopReason | undefined;

  const limitReached = (): StopReason | undefined => {
    if (stop.aborted) return 'interrupted';
    if (limits.ops !== undefined && progress.started >= limits.ops) return 'ops-limit';
    if (recorder.now() >= endNs) return 'time-limit';
    return undefined;
  };

  // Planned ops (generator.plannedAt): free workers queue for the next op, and only the first
  // waits for its time; then it takes the op and the next in the queue waits for the one after.
  // One timer at a time, however many workers are idle, and ops start in the generator's order.
  let turn: Promise<void> = Promise.resolve();
  // The one worker at the head of the turn, when the generator waits for an op in flight to end.
  let wakeOnUpdate: (() => void) | undefined;
  const untilUpdate = (maxNs: number): Promise<void> =>
    new Promise((resolve, reject) => {
      const onAbort = () => {
        finish();
        reject(stop.reason);
      };
      const finish = () => {
        clearTimeout(timer);
        stop.removeEventListener('abort', onAbort);
        wakeOnUpdate = undefined;
        resolve();
      };
      const timer = Number.isFinite(maxNs) ? setTimeout(finish, Math.max(1, Math.ceil(maxNs / 1e6))) : undefined;
      if (stop.aborted) return onAbort();
      stop.addEventListener('abort', onAbort, { once: true });
      wakeOnUpdate = finish;
    });
  const untilPlanned = async (): Promise<void> => {
    const plannedNow = () => generator.plannedAt?.((recorder.now() - startNs) / 1e6);
    for (let at = plannedNow(); at !== undefined; at = plannedNow()) {
      const now = recorder.now();
      if (stop.aborted || now >= endNs) return;
      if (at === AFTER_UPDATE) {
        await untilUpdate(endNs - now);
        continue;
      }
      const wait = startNs + at * 1e6 - now;
      if (wait <= 0) return;
      // To the µs, not on the timers' millisecond grid: lags planned 0.3 ms apart must not
      // start in lumps a millisecond apart (see precise-sleep.ts). An op planned past the time
      // limit waits only until the limit; the loop asks again, as the plan may have changed.
      await preciseSleep(Math.min(wait, endNs - now), stop);
    }
  };

  const processes = Array.from({ length: options.concurrency }, (_, i) => firstProcess(i, shard));
  const stride = processStride(options.concurrency, shard);
  const worker = async (w: number): Promise<void> => {
    let process = processes[w]!;
    const performer = performerOf(w);
    let planned: OpSpec | undefined;
    for (;;) {
      reason ??= limitReached();
      if (reason) return;
      if (intervalNs > 0) {
        // The slot is claimed before waiting, so the schedule does not depend on completions.
        const slot = startNs + progress.started * intervalNs;
        progress.started++;
        const late = recorder.now() - slot;
        if (late > intervalNs) progress.late++;
        try {
          // Timers may fire up to a millisecond early: wait again until the slot has come.
          for (let wait = -late; wait > 0; wait = slot - recorder.now()) await sleep(Math.ceil(wait / 1e6), stop);
        } catch {
          reason ??= 'interrupted';
          return;
        }
        reason ??= limitReached();
        if (reason && reason !== 'ops-limit') return;
      } else if (generator.plannedAt !== undefined) {
        // The op is taken inside the turn: the next worker's wait must see the op after it.
        const mine = turn.then(async () => {
          await untilPlanned();
          reason ??= limitReached();
          if (reason) return undefined;
          progress.started++;
          return { op: generator.next((recorder.now() - startNs) / 1e6) };
        });
        turn = mine.then(
          () => undefined,
          () => undefined,
        );
        let taken: { op: OpSpec | undefined } | undefined;
        try {
          taken = await mine;
        } catch {
          reason ??= 'interrupted';
          return;
        }
        if (taken === undefined) return;
        if (taken.op === undefined) {
          reason ??= 'exhausted';
          return;
        }
        planned = taken.op;
      } else {
        progress.started++;
      }
      const op = planned ?? generator.next();
      planned = undefined;
      if (!op) {
        reason ??= 'exhausted';
        return;
      }
      let outcome = await recordOp(recorder, performer, process, op);
      generator.update?.(op, { ...outcome, atMs: (recorder.now() - startNs) / 1e6 });
      wakeOnUpdate?.();
      progress[outcome.type]++;
      // A follow-up (a lock's release by its holder) is this worker's, whatever the limits say.
      for (let next = outcome.type === 'ok' ? workload.followUp?.(op, outcome.value) : undefined; next; ) {
        try {
          await sleep(next.afterMs, stop);
        } catch {
          reason ??= 'interrupted';
          return;
        }
        progress.started++;
        outcome = await recordOp(recorder, performer, process, next.op);
        progress[outcome.type]++;
        next = outcome.type === 'ok' ? workload.followUp?.(next.op, outcome.value) : undefined;
      }
      // Jepsen's numbering: a worker's processes are w, w + n, w + 2n…, so process % n = worker
      // (with shards, n is concurrency times the shards, and a shard's numbers are its own).
      if (outcome.type === 'info') processes[w] = process = process + stride;
    }
  };

  try {
    await Promise.all(Array.from({ length: options.concurrency }, (_, i) => worker(i)));
  } finally {
    for (const p of performers.values()) p.dispose();
  }
  return { reason: reason ?? 'exhausted', processes };
}
