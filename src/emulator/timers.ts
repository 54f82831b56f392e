import { heapPop, heapPush } from '../util/heap.js';

/**
 * Pending delayed actions of one model, run in the order of their exact due times.
 *
 * Node's timers round every delay to whole milliseconds (at least 1) and fire equal ones in the
 * order they were set, so a message due after 0.2 ms and one due after 0.7 ms would arrive
 * together, in the order they were sent: replica 0 would answer first almost always. Here each
 * action is due at an exact time (the time of what scheduled it plus its delay, to the
 * nanosecond), one Node timer wakes the queue, and every action whose due time has come runs in
 * due-time order, ties broken at random. An action scheduled from inside another one counts from
 * that one's due time, not from when the timer happened to fire, so outcomes (which replica
 * holds what when a read arrives, which replies come first) follow the exact times; timers only
 * decide when an answer is released, never before its due time. Closing cancels everything, so
 * a test leaves no propagation timers behind.
 */
export class Timers {
  private readonly queue: Entry[] = [];
  private timer: NodeJS.Timeout | undefined;
  private timerDueNs = Infinity;
  /** The due time of the action running now, if one is. */
  private current: number | undefined;
  private closed = false;

  constructor(private readonly random: () => number = Math.random) {}

  /** The exact time now, in ns on process.hrtime's clock: the running action's due time inside one. */
  nowNs(): number {
    return this.current ?? hrNow();
  }

  /** Runs fn ms after now (exact); a delay of 0 or less runs it now, in this tick. */
  after(ms: number, fn: () => void): void {
    if (this.closed) return;
    if (this.current === undefined) {
      this.instant(() => this.after(ms, fn));
      return;
    }
    if (ms <= 0) {
      fn();
      return;
    }
    heapPush(this.queue, { due: this.current + ms * 1e6, tie: this.random(), fn }, before);
    this.arm();
  }

  /**
   * Runs fn at one exact instant. From outside an action (a request arriving), that instant is
   * now: everything already due runs first (its timer may not have fired yet), so fn sees the
   * state as of now, and all fn schedules counts from that one instant, however long the
   * catching up took. Inside an action, it is that action's due time.
   */
  instant(fn: () => void): void {
    if (this.closed) return;
    if (this.current !== undefined) {
      fn();
      return;
    }
    const now = hrNow();
    this.drain(now);
    this.current = now;
    try {
      fn();
    } finally {
      this.current = undefined;
    }
  }

  private arm(): void {
    const head = this.queue[0];
    if (head === undefined || this.closed) return;
    if (this.timer !== undefined && this.timerDueNs <= head.due) return;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timerDueNs = head.due;
    // A timer may fire up to a millisecond early: run() then finds nothing due and re-arms.
    this.timer = setTimeout(() => this.run(), Math.max(0, Math.ceil((head.due - hrNow()) / 1e6)));
  }

  private run(): void {
    this.timer = undefined;
    this.timerDueNs = Infinity;
    this.drain(hrNow());
    this.arm();
  }

  /** Runs every action due by `now`, in due-time order (those they schedule included). */
  private drain(now: number): void {
    while (!this.closed && this.queue.length > 0 && this.queue[0]!.due <= now) {
      const e = heapPop(this.queue, before)!;
      this.current = e.due;
      try {
        e.fn();
      } finally {
        this.current = undefined;
      }
    }
  }

  clear(): void {
    this.closed = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.queue.length = 0;
  }
}

interface Entry {
  due: number;
  tie: number;
  fn: () => void;
}

const ORIGIN = process.hrtime.bigint();
/** Nanoseconds since this module loaded: a double holds them exactly for 104 days. */
const hrNow = (): number => Number(process.hrtime.bigint() - ORIGIN);

/** The absolute process.hrtime.bigint() value of a time from nowNs(). */
export function hrtimeOf(ns: number): bigint {
  return ORIGIN + BigInt(Math.round(ns));
}

const before = (a: Entry, b: Entry): boolean => a.due < b.due || (a.due === b.due && a.tie < b.tie);
