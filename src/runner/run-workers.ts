import type { CompletionType } from '../history/event.js';
import type { Recorder } from '../history/recorder.js';
import { TargetError, type TargetClient } from '../targets/target.js';
import { sleep } from '../util/sleep.js';
import type { OpSpec, Workload } from '../../workloads/workload.js';

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
  recorder: Recorder;
  concurrency: number;
  limits: RunLimits;
  opTimeoutMs: number;
  seed: number;
  keys: number;
  /** Aborted on SIGINT/SIGTERM: no new operations; those in flight are cut short. */
  stop: AbortSignal;
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

class Interrupted extends Error {}
class TimedOut extends Error {}

/**
 * Runs `concurrency` workers, each a logical single-threaded client (a Jepsen process),
 * until a limit is reached or the run is stopped. Every invocation and completion is recorded
 * as it happens. Operations are taken from one generator, and each is recorded as invoked in
 * the same tick as it is taken, so the history's invoke order is the generator's order.
 */
export async function runWorkers(options: WorkerOptions, progress: Progress): Promise<StopReason> {
  const { workload, client, recorder, limits, stop } = options;
  const generator = workload.generator({ seed: options.seed, keys: options.keys });
  const timeLimitNs = limits.timeLimitMs === undefined ? Infinity : limits.timeLimitMs * 1e6;
  const intervalNs = limits.rate ? 1e9 / limits.rate : 0;
  const inFlight = new Set<AbortController>();
  const onStop = () => {
    for (const c of inFlight) c.abort(new Interrupted('interrupted'));
  };
  stop.addEventListener('abort', onStop, { once: true });
  let reason: StopReason | undefined;
  let nextProcess = options.concurrency;

  const limitReached = (): StopReason | undefined => {
    if (stop.aborted) return 'interrupted';
    if (limits.ops !== undefined && progress.started >= limits.ops) return 'ops-limit';
    if (recorder.now() >= timeLimitNs) return 'time-limit';
    return undefined;
  };

  const perform = async (op: OpSpec): Promise<{ type: CompletionType; value?: unknown; error?: string }> => {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new TimedOut(`timed out after ${options.opTimeoutMs} ms`)), options.opTimeoutMs);
    inFlight.add(controller);
    try {
      // Race the abort too: a client that ignores its signal must not hold a worker forever.
      const execution = workload.execute(client, op, { signal: controller.signal });
      execution.catch(() => {});
      const aborted = new Promise<never>((_, reject) => {
        controller.signal.addEventListener('abort', () => reject(controller.signal.reason), { once: true });
      });
      aborted.catch(() => {});
      const value = await Promise.race([execution, aborted]);
      return value === undefined ? { type: 'ok' } : { type: 'ok', value };
    } catch (err) {
      return classify(workload.reads.has(op.f), controller.signal.aborted ? controller.signal.reason : err);
    } finally {
      clearTimeout(timer);
      inFlight.delete(controller);
    }
  };

  const worker = async (firstProcess: number): Promise<void> => {
    let process = firstProcess;
    for (;;) {
      reason ??= limitReached();
      if (reason) return;
      if (intervalNs > 0) {
        // The slot is claimed before waiting, so the schedule does not depend on completions.
        const slot = progress.started * intervalNs;
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
      } else {
        progress.started++;
      }
      const op = generator.next();
      if (!op) {
        reason ??= 'exhausted';
        return;
      }
      recorder.event(process, 'invoke', op.f, op.key, op.value);
      const outcome = await perform(op);
      recorder.event(process, outcome.type, op.f, op.key, outcome.value, outcome.error);
      progress[outcome.type]++;
      if (outcome.type === 'info') process = nextProcess++;
    }
  };

  try {
    await Promise.all(Array.from({ length: options.concurrency }, (_, i) => worker(i)));
  } finally {
    stop.removeEventListener('abort', onStop);
  }
  return reason ?? 'exhausted';
}

/**
 * A read that did not succeed proves nothing: fail. A write that the store definitely refused
 * is fail; one that may have been applied (timeout, dropped connection, 5xx) is info.
 */
function classify(isRead: boolean, err: unknown): { type: CompletionType; error: string } {
  const error = err instanceof Error ? err.message : String(err);
  if (err instanceof TargetError && (err.kind === 'definite' || err.kind === 'precondition')) {
    return { type: 'fail', error };
  }
  return { type: isRead ? 'fail' : 'info', error };
}
