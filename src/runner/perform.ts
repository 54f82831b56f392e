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
 * All deadlines are the same span after their op's start, so the ops in flight, in the order
 * they started, are also in the order of their deadlines: one timer, armed for the oldest,
 * serves them all (a timer and an abort listener an op measured a few µs of the lean client's
 * CPU a request, more at a few hundred requests a second, when each answer wakes the process
 * on cold caches).
 */
export class Performer {
  /** In the order they started: of their deadlines too. */
  private readonly inFlight = new Set<InFlight>();
  private timer: NodeJS.Timeout | undefined;
  private readonly onStop = () => {
    for (const op of this.inFlight) op.abort(new Interrupted('interrupted'));
  };
  private readonly onTimer = () => {
    this.timer = undefined;
    const now = performance.now();
    for (const op of this.inFlight) {
      if (op.deadline > now) {
        this.arm(op.deadline - now);
        return;
      }
      op.abort(new TimedOut(`timed out after ${this.opTimeoutMs} ms`));
    }
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

  perform(op: OpSpec): Promise<Outcome> {
    return new Promise((resolve) => {
      const flight = new InFlight(performance.now() + this.opTimeoutMs, this.workload.reads.has(op.f), (outcome) => {
        this.inFlight.delete(flight);
        if (this.inFlight.size === 0 && this.timer !== undefined) {
          clearTimeout(this.timer);
          this.timer = undefined;
        }
        resolve(outcome);
      });
      this.inFlight.add(flight);
      if (this.timer === undefined) this.arm(this.opTimeoutMs);
      const { signal } = flight.controller;
      if (this.stop.aborted) flight.controller.abort(new Interrupted('interrupted'));
      let execution: Promise<unknown>;
      try {
        execution = this.workload.execute(this.client, op, { signal, valueSize: this.valueSize });
      } catch (err) {
        execution = Promise.reject(err);
      }
      // Whichever comes first: the client's answer, or the abort (a client that ignores its
      // signal must not hold a worker forever). An op stopped before it began settles after a
      // client that answered at once, as it did when the two raced.
      execution.then(
        (value) => flight.succeed(value),
        (err: unknown) => flight.fail(err),
      );
      if (signal.aborted) queueMicrotask(() => flight.fail(signal.reason));
    });
  }

  dispose(): void {
    this.stop.removeEventListener('abort', this.onStop);
  }

  private arm(ms: number): void {
    // One that fires before the clock says the oldest is due finds it not due and re-arms.
    this.timer = setTimeout(this.onTimer, Math.ceil(ms));
  }
}

/** An op in flight: its abort signal, its deadline, and its outcome, settled once. */
class InFlight {
  readonly controller = new AbortController();
  private settled = false;

  constructor(
    readonly deadline: number,
    private readonly isRead: boolean,
    private readonly settle: (outcome: Outcome) => void,
  ) {}

  succeed(value: unknown): void {
    if (this.settled) return;
    this.settled = true;
    this.settle(value === undefined ? { type: 'ok' } : { type: 'ok', value });
  }

  /** Once aborted, the abort's reason is the outcome's, whatever the client then threw. */
  fail(err: unknown): void {
    if (this.settled) return;
    this.settled = true;
    const { signal } = this.controller;
    this.settle(classify(this.isRead, signal.aborted ? signal.reason : err));
  }

  abort(reason: Error): void {
    this.controller.abort(reason);
    this.fail(reason);
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
