import { closeSync, fsyncSync, openSync, readFileSync, writeSync } from 'node:fs';
import { END_OF_HISTORY, type EventType, type HistoryEvent, type ProcessId } from './event.js';

export type EventInput = Omit<HistoryEvent, 'index' | 'time'>;

/**
 * Appends events to history.jsonl as they happen. Lines are buffered and written at least
 * every `flushMs`, and synchronously by flush(), so that an interrupted run keeps what it
 * recorded. Writes are synchronous: a signal handler or an exit hook can rely on them.
 */
export class Recorder {
  private readonly fd: number;
  private readonly origin: bigint;
  private buffer: string[] = [];
  private index = 0;
  private readonly timer: NodeJS.Timeout;
  private closed = false;

  constructor(
    readonly file: string,
    options: { flushMs?: number; origin?: bigint } = {},
  ) {
    this.fd = openSync(file, 'wx');
    this.origin = options.origin ?? process.hrtime.bigint();
    this.timer = setInterval(() => this.flush(), options.flushMs ?? 200);
    this.timer.unref();
  }

  /** Nanoseconds since the run started, on the one monotonic clock of the run. */
  now(): number {
    return Number(process.hrtime.bigint() - this.origin);
  }

  record(input: EventInput): HistoryEvent {
    if (this.closed) throw new Error('recorder is closed');
    // Field order is fixed so that histories diff and grep well.
    const event: HistoryEvent = { index: this.index++, time: this.now(), process: input.process, type: input.type, f: input.f };
    if (input.key !== undefined) event.key = input.key;
    if (input.value !== undefined) event.value = input.value;
    if (input.error !== undefined) event.error = input.error;
    this.buffer.push(JSON.stringify(event));
    return event;
  }

  /** Shorthand for the common case. */
  event(process: ProcessId, type: EventType, f: string, key?: string, value?: unknown, error?: string): HistoryEvent {
    return this.record({ process, type, f, key, value, error });
  }

  /** Records the end marker: call once, last, and only when the run ended normally. */
  end(): void {
    this.event('nemesis', 'info', END_OF_HISTORY);
  }

  /**
   * Every key an op was invoked on so far, for a final phase that reads what was used: read back
   * from the file, once, by the few workloads that ask (a set kept as the run goes would grow
   * with every fresh key of a long run).
   */
  keysUsed(): Set<string> {
    this.flush();
    const keys = new Set<string>();
    for (const line of readFileSync(this.file, 'utf8').split('\n')) {
      if (line === '') continue;
      const e = JSON.parse(line) as { type?: string; key?: unknown };
      if (e.type === 'invoke' && typeof e.key === 'string') keys.add(e.key);
    }
    return keys;
  }

  get recorded(): number {
    return this.index;
  }

  flush(): void {
    if (this.buffer.length === 0 || this.closed) return;
    const bytes = Buffer.from(this.buffer.join('\n') + '\n');
    this.buffer = [];
    for (let off = 0; off < bytes.length; ) off += writeSync(this.fd, bytes, off);
  }

  /** Flushes, syncs to disk and closes. Safe to call more than once. */
  close(): void {
    if (this.closed) return;
    this.flush();
    this.closed = true;
    clearInterval(this.timer);
    fsyncSync(this.fd);
    closeSync(this.fd);
  }
}
