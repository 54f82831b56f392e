import { Worker } from 'node:worker_threads';
import { heapPop, heapPush } from './heap.js';

/**
 * Sleeps to a fraction of a millisecond without spinning.
 *
 * Node's timers fire on whole milliseconds of the loop's clock (at least 1 ms after they are
 * set), so ops started from timers start on that grid: an op planned 0.3 ms after another
 * starts 1–2 ms after it, and planned lags come out in lumps a millisecond apart. The PBS
 * workload's measurement depends on its lags being spread evenly (workloads/pbs.ts). Here one
 * helper thread waits on a futex with a fractional timeout (Atomics.wait, precise to tens of
 * µs) for the earliest due time and posts a message when it has come; the main thread wakes
 * on it like on any I/O. One thread and one wake-up per due time, for any number of sleepers.
 */
class PreciseClock {
  private readonly shared = new SharedArrayBuffer(16);
  /** The earliest due time (process.hrtime.bigint()), or -1 for none. */
  private readonly target = new BigInt64Array(this.shared, 0, 1);
  /** Bumped whenever target changes, to wake the thread to re-read it. */
  private readonly generation = new Int32Array(this.shared, 8, 1);
  private readonly sleepers: Sleeper[] = [];
  private worker: Worker | undefined;
  private seq = 0;

  until(dueHr: bigint, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const sleeper: Sleeper = { due: dueHr, seq: this.seq++, done: false, wake: resolve };
      if (signal) {
        const onAbort = () => {
          // Marked, and dropped when it reaches the heap's top: a given-up sleeper at the top
          // would hold the thread (and the process) until its time.
          sleeper.done = true;
          if (this.sleepers[0] === sleeper) this.fire();
          reject(signal.reason);
        };
        signal.addEventListener('abort', onAbort, { once: true });
        sleeper.wake = () => {
          signal.removeEventListener('abort', onAbort);
          resolve();
        };
      }
      heapPush(this.sleepers, sleeper, before);
      if (this.sleepers[0] === sleeper) this.aim();
    });
  }

  /** Wakes every sleeper whose time has come and aims the thread at the next. */
  private fire(): void {
    const now = process.hrtime.bigint();
    while (this.sleepers.length > 0 && (this.sleepers[0]!.done || this.sleepers[0]!.due <= now)) {
      const s = heapPop(this.sleepers, before)!;
      if (s.done) continue;
      s.done = true;
      s.wake();
    }
    this.aim();
  }

  private aim(): void {
    const head = this.sleepers[0];
    const worker = (this.worker ??= this.start());
    Atomics.store(this.target, 0, head === undefined ? -1n : head.due);
    Atomics.add(this.generation, 0, 1);
    Atomics.notify(this.generation, 0);
    // Nothing to wait for: the thread must not keep the process alive.
    if (head === undefined) worker.unref();
    else worker.ref();
  }

  private start(): Worker {
    const worker = new Worker(THREAD, { eval: true, workerData: this.shared });
    worker.on('message', () => this.fire());
    worker.unref();
    return worker;
  }
}

interface Sleeper {
  due: bigint;
  seq: number;
  /** Woken or given up (aborted). */
  done: boolean;
  wake: () => void;
}

const before = (a: Sleeper, b: Sleeper): boolean => a.due < b.due || (a.due === b.due && a.seq < b.seq);

// The thread: wait until the target (or until it changes), say so once, then wait for a new one.
// getBuiltinModule, not require: an eval'd thread inherits the process's flags, and under
// --input-type=module there is no require.
const THREAD = `
const { workerData, parentPort } = process.getBuiltinModule('node:worker_threads');
const target = new BigInt64Array(workerData, 0, 1);
const generation = new Int32Array(workerData, 8, 1);
for (;;) {
  const g = Atomics.load(generation, 0);
  const due = Atomics.load(target, 0);
  if (due < 0n) { Atomics.wait(generation, 0, g); continue; }
  const left = due - process.hrtime.bigint();
  if (left > 0n) { Atomics.wait(generation, 0, g, Number(left) / 1e6); continue; }
  parentPort.postMessage(0);
  Atomics.wait(generation, 0, g);
}
`;

let clock: PreciseClock | undefined;

/** Resolves `ns` nanoseconds from now (to tens of µs, never early), or rejects when the signal aborts first. */
export function preciseSleep(ns: number, signal?: AbortSignal): Promise<void> {
  const due = process.hrtime.bigint() + BigInt(Math.max(0, Math.ceil(ns)));
  return (clock ??= new PreciseClock()).until(due, signal);
}
