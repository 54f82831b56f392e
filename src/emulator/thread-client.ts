// The parent's side of the emulator thread's fault commands (thread.ts is the other side). It
// imports nothing of the emulator itself, so that the harness thread does not load the server.
import type { Worker } from 'node:worker_threads';

/** A fault command to the emulator thread; it answers each with a ThreadReply of the same id. */
export type ThreadCommand =
  | { id: number; cmd: 'partition'; replicas: number[] }
  | { id: number; cmd: 'heal' }
  | { id: number; cmd: 'skew'; ms: number[] }
  | { id: number; cmd: 'unskew' }
  | { id: number; cmd: 'key-state'; accessKeyId: string; active: boolean }
  | { id: number; cmd: 'describe' };

/** `value` only for 'describe': the emulator's RuntimeFaults.describe(). */
export type ThreadReply = { id: number; ok: true; value?: Record<string, unknown> } | { id: number; error: string };

type OkReply = Extract<ThreadReply, { ok: true }>;
// Distributes over the union, so that each command keeps its own fields.
type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;
type Command = WithoutId<ThreadCommand>;

// Shared by every control in this thread, so that two controls on one worker never confuse
// each other's replies.
let nextId = 0;

/**
 * Switches an emulator thread's runtime faults from the thread that started it: one message per
 * request, a promise per message, rejected with the emulator's reason when it refuses (a bad
 * replica id, the wrong model...) or when the thread exits before answering.
 */
export class EmulatorThreadControl {
  private readonly pending = new Map<number, { resolve: (r: OkReply) => void; reject: (e: Error) => void }>();
  private gone: string | undefined;

  constructor(private readonly worker: Worker) {
    worker.on('message', this.onMessage);
    worker.on('exit', this.onExit);
  }

  async partitionReplicas(replicas: number[]): Promise<void> {
    await this.request({ cmd: 'partition', replicas: [...replicas] });
  }

  async healPartitions(): Promise<void> {
    await this.request({ cmd: 'heal' });
  }

  async setClockSkews(ms: number[]): Promise<void> {
    await this.request({ cmd: 'skew', ms: [...ms] });
  }

  async resetClockSkews(): Promise<void> {
    await this.request({ cmd: 'unskew' });
  }

  /** Disables or enables an access key (access control must be on). */
  async setKeyActive(accessKeyId: string, active: boolean): Promise<void> {
    await this.request({ cmd: 'key-state', accessKeyId, active });
  }

  /** The emulator's current fault state (partitions, clock offsets, held messages). */
  async describeFaults(): Promise<Record<string, unknown>> {
    return (await this.request({ cmd: 'describe' })).value ?? {};
  }

  /** Stops listening to the worker; requests still unanswered are rejected. */
  detach(): void {
    this.worker.off('message', this.onMessage);
    this.worker.off('exit', this.onExit);
    this.fail('the emulator thread control was detached');
  }

  private request(command: Command): Promise<OkReply> {
    if (this.gone) return Promise.reject(new Error(this.gone));
    const id = ++nextId;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ ...command, id });
    });
  }

  private readonly onMessage = (m: unknown): void => {
    // The thread also posts its start-up message and nothing else without an id: not ours.
    if (typeof m !== 'object' || m === null || typeof (m as { id?: unknown }).id !== 'number') return;
    const reply = m as ThreadReply;
    const waiting = this.pending.get(reply.id);
    if (!waiting) return;
    this.pending.delete(reply.id);
    if ('error' in reply) waiting.reject(new Error(reply.error));
    else waiting.resolve(reply);
  };

  private readonly onExit = (code: number): void => {
    this.fail(`the emulator thread exited (code ${code}) before answering`);
  };

  private fail(reason: string): void {
    this.gone = reason;
    for (const { reject } of this.pending.values()) reject(new Error(reason));
    this.pending.clear();
  }
}
