import type { CompletionType } from '../history/event.js';
import type { Recorder } from '../history/recorder.js';
import { TargetError, type TargetClient } from '../targets/target.js';
import { DEFAULT_VALUE_SIZE } from '../../workloads/values.js';
import type { OpSpec, Workload } from '../../workloads/workload.js';

class Interrupted extends Error {}
class TimedOut extends Error {}

export interface Outcome {
  type: CompletionType;
  value?: unknown;
  error?: string;
}

/**
 * Performs operations against the store with a deadline each, and turns what happened into
 * an outcome (ok / fail / info). Stopping the run cuts every operation in flight short.
 */
export class Performer {
  private readonly inFlight = new Set<AbortController>();
  private readonly onStop = () => {
    for (const c of this.inFlight) c.abort(new Interrupted('interrupted'));
  };

  constructor(
    private readonly workload: Workload,
    private readonly client: TargetClient,
    private readonly opTimeoutMs: number,
    private readonly stop: AbortSignal,
    private readonly valueSize = DEFAULT_VALUE_SIZE,
  ) {
    stop.addEventListener('abort', this.onStop, { once: true });
  }

  async perform(op: OpSpec): Promise<Outcome> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new TimedOut(`timed out after ${this.opTimeoutMs} ms`)), this.opTimeoutMs);
    this.inFlight.add(controller);
    if (this.stop.aborted) controller.abort(new Interrupted('interrupted'));
    try {
      // Race the abort too: a client that ignores its signal must not hold a worker forever.
      const execution = this.workload.execute(this.client, op, { signal: controller.signal, valueSize: this.valueSize });
      execution.catch(() => {});
      const aborted = new Promise<never>((_, reject) => {
        if (controller.signal.aborted) reject(controller.signal.reason);
        controller.signal.addEventListener('abort', () => reject(controller.signal.reason), { once: true });
      });
      aborted.catch(() => {});
      const value = await Promise.race([execution, aborted]);
      return value === undefined ? { type: 'ok' } : { type: 'ok', value };
    } catch (err) {
      return classify(this.workload.reads.has(op.f), controller.signal.aborted ? controller.signal.reason : err);
    } finally {
      clearTimeout(timer);
      this.inFlight.delete(controller);
    }
  }

  dispose(): void {
    this.stop.removeEventListener('abort', this.onStop);
  }
}

/**
 * A read that did not succeed proves nothing: fail. A write that the store definitely refused
 * is fail; one that may have been applied (timeout, dropped connection, 5xx) is info.
 */
function classify(isRead: boolean, err: unknown): Outcome {
  const error = err instanceof Error ? err.message : String(err);
  if (err instanceof TargetError && (err.kind === 'definite' || err.kind === 'precondition')) {
    return { type: 'fail', error };
  }
  return { type: isRead ? 'fail' : 'info', error };
}

/** Invokes, performs and completes one op in the history, as a process of the run. */
export async function recordOp(recorder: Recorder, performer: Performer, process: number, op: OpSpec): Promise<Outcome> {
  recorder.event(process, 'invoke', op.f, op.key, op.value);
  const outcome = await performer.perform(op);
  recorder.event(process, outcome.type, op.f, op.key, outcome.value, outcome.error);
  return outcome;
}
