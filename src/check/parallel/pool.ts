import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { projectRoot } from '../../util/tool-info.js';

/** A job's answer from a worker thread: its result, or the stack of what it threw. */
export type Reply = { id: number; ok: unknown } | { id: number; crash: string };

interface Job {
  message: object;
  transfer: ArrayBuffer[];
  resolve: (v: never) => void;
  reject: (e: Error) => void;
}

interface Thread {
  worker: Worker;
  /** What is still owed an answer; not the message, let go once posted (it may hold big buffers). */
  inFlight: Map<number, Pick<Job, 'resolve' | 'reject'>>;
}

/**
 * The threads' young generation, MB. V8's default for a thread in a process this size kept far
 * more committed than the checks use: at 16 MB, peak RSS of the 1M-op register history's check
 * went 551 → 436 MB and the 10M-op one's 1.46 → 1.27 GB, time unchanged (2.86 vs 2.89 s; 1M
 * `--checkers linearizable` 1.26 vs 1.25 s); at 8 MB the scan's allocations made that 10% slower.
 */
const YOUNG_GENERATION_MB = 16;

/**
 * Worker threads of src/check/parallel/worker.ts taking jobs from one queue. A job goes to the
 * thread with the fewest in flight, at most `ahead` each: 1 keeps the queue here (a slow job
 * does not hold others up, and what waits is not yet loaded); Infinity hands every job out at
 * once, for when this thread will be too busy to hand them out as they finish.
 */
export class ThreadPool {
  private readonly threads: Thread[];
  private readonly queue: Job[] = [];
  private nextId = 0;
  private failed: Error | undefined;

  constructor(
    size: number,
    /** What every thread is started with (PoolData: what they share). */
    readonly workerData: unknown,
    private ahead = 1,
  ) {
    // Compiled, also when this module runs from its TypeScript source (tests).
    const path = join(projectRoot(), 'dist/src/check/parallel/worker.js');
    this.threads = Array.from({ length: size }, () => {
      const t: Thread = { worker: new Worker(path, { workerData, resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB } }), inFlight: new Map() };
      t.worker.on('message', (m: Reply) => this.answer(t, m));
      t.worker.on('error', (err) => this.fail(err));
      t.worker.on('exit', (code) => {
        if (t.inFlight.size > 0) this.fail(new Error(`a check worker thread exited (code ${code}) with work in hand`));
      });
      return t;
    });
  }

  get size(): number {
    return this.threads.length;
  }

  setAhead(ahead: number): void {
    this.ahead = ahead;
    this.pump();
  }

  /** Runs one job; `transfer`: buffers moved to the worker, not copied (unusable here after). */
  run<T>(message: object, transfer: ArrayBuffer[] = []): Promise<T> {
    if (this.failed) return Promise.reject(this.failed);
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ message, transfer, resolve: resolve as (v: never) => void, reject });
      this.pump();
    });
  }

  /** A message for every thread, before any job queued after it; no answer. */
  broadcast(message: object): void {
    for (const t of this.threads) t.worker.postMessage(message);
  }

  async close(): Promise<void> {
    await Promise.all(this.threads.map((t) => t.worker.terminate()));
  }

  private pump(): void {
    while (this.queue.length > 0) {
      let best: Thread | undefined;
      for (const t of this.threads) if (t.inFlight.size < this.ahead && (!best || t.inFlight.size < best.inFlight.size)) best = t;
      if (!best) return;
      const job = this.queue.shift()!;
      const id = this.nextId++;
      best.inFlight.set(id, { resolve: job.resolve, reject: job.reject });
      best.worker.postMessage({ ...job.message, id }, job.transfer);
    }
  }

  private answer(t: Thread, m: Reply): void {
    const job = t.inFlight.get(m.id);
    if (!job) return;
    t.inFlight.delete(m.id);
    if ('crash' in m) job.reject(new Error(`in a check worker thread: ${m.crash}`));
    else job.resolve(m.ok as never);
    this.pump();
  }

  private fail(err: Error): void {
    this.failed ??= err;
    for (const t of this.threads) {
      for (const job of t.inFlight.values()) job.reject(err);
      t.inFlight.clear();
    }
    for (const job of this.queue.splice(0)) job.reject(err);
  }
}
