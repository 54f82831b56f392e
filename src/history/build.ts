import { END_OF_HISTORY, type CompletionType, type EventType, type History, type HistoryEvent, type Op, type ProcessId } from './event.js';
import { NEMESIS, TYPE_CODE } from './codes.js';
import { ABSENT, type EventScanner } from './scan-event.js';

/** A history that breaks the format's rules. `what` is a sentence for people. */
export class HistoryFormatError extends Error {
  constructor(readonly what: string) {
    super(what);
  }
}

const TYPES: ReadonlySet<string> = new Set<EventType>(['invoke', 'ok', 'fail', 'info']);

/** What the order checks need of an op still open: what it was and where it began. */
export interface OpenOp {
  f: string;
  key?: string;
  invokeIndex: number;
}

/**
 * The format's rules between events: indices one by one, time never going back, nothing after
 * the end marker, each process's invocations paired with completions. Kept apart from what an
 * op is made of, so that the reader of objects (HistoryBuilder) and the reader of compact
 * columns (src/history/keyed-ops.ts) break a file on the same line with the same words.
 */
export class EventOrder<P extends OpenOp> {
  private readonly open = new Map<number, P>();
  /** Processes whose last op crashed (info): Jepsen never reuses them. */
  private readonly crashed = new Set<number>();
  private lastTime = 0;
  private count = 0;
  private ended = false;

  get isEnded(): boolean {
    return this.ended;
  }

  /** An event of a valid shape, in its place: nemesis or not, before pairing. */
  place(index: number, time: number, process: ProcessId, f: string): void {
    if (this.ended) throw new HistoryFormatError(`an event after the end marker (index ${this.count - 1}, "f":"${END_OF_HISTORY}"), which must be the last line`);
    if (index !== this.count) {
      throw new HistoryFormatError(`field "index": expected ${this.count}, found ${index}`);
    }
    if (time < this.lastTime) {
      throw new HistoryFormatError(`field "time": ${time} is earlier than the previous event's ${this.lastTime}; time must not go backwards`);
    }
    this.lastTime = time;
    this.count++;
    if (process === 'nemesis' && f === END_OF_HISTORY) {
      if (this.open.size > 0) {
        const [p, op] = this.open.entries().next().value!;
        throw new HistoryFormatError(`field "f": the end marker comes while process ${p}'s ${op.f} (index ${op.invokeIndex}) is still open; a run that ended normally completed every op`);
      }
      this.ended = true;
    }
  }

  /** An invocation of a client process: `op` is now open. */
  invoke(process: number, f: string, op: P): void {
    const pending = this.open.get(process);
    if (pending) {
      throw new HistoryFormatError(`field "process": process ${process} invokes ${f} while its ${pending.f} (index ${pending.invokeIndex}) is still open`);
    }
    if (this.crashed.has(process)) {
      throw new HistoryFormatError(`field "process": process ${process} is reused after an info; a crashed process must continue under a new number`);
    }
    this.open.set(process, op);
  }

  /** A completion of a client process: the op it closes. */
  complete(process: number, type: EventType, f: string, key: string | undefined): P {
    const pending = this.open.get(process);
    if (!pending) {
      throw new HistoryFormatError(`field "type": ${type} for process ${process}, which has no open invocation`);
    }
    if (pending.f !== f) {
      throw new HistoryFormatError(`field "f": completion says ${f} but process ${process} invoked ${pending.f}`);
    }
    if (pending.key !== key) {
      throw new HistoryFormatError(`field "key": completion says ${JSON.stringify(key)} but process ${process} invoked ${JSON.stringify(pending.key)}`);
    }
    this.open.delete(process);
    if (type === 'info') this.crashed.add(process);
    return pending;
  }

  // For a chunk of events checked apart (src/history/chunk-ops.ts): what its edges are checked
  // against, and its events' effect in one go once they are.

  /** Whether an event with this index and time may come next (nothing after the end marker). */
  fitsNext(index: number, time: number): boolean {
    return !this.ended && index === this.count && time >= this.lastTime;
  }

  openOf(process: number): P | undefined {
    return this.open.get(process);
  }

  hasCrashed(process: number): boolean {
    return this.crashed.has(process);
  }

  /** `n` events placed, the last at `time`: the caller checked them. */
  skip(n: number, time: number): void {
    this.count += n;
    this.lastTime = time;
  }

  /** `process`'s op closed (the caller paired it), by an info when `info`. */
  close(process: number, info: boolean): void {
    this.open.delete(process);
    if (info) this.crashed.add(process);
  }

  /** `process`'s op `op` open: the caller paired the events before it. */
  hold(process: number, op: P): void {
    this.open.set(process, op);
  }

  /** `process` crashed (its op ended in info) in events the caller paired. */
  crash(process: number): void {
    this.crashed.add(process);
  }

  /** The ops still open, oldest process entry first. */
  stillOpen(): IterableIterator<P> {
    return this.open.values();
  }
}

/**
 * Checks each event against the format and pairs invocations with completions.
 * Events go in one at a time so that a reader can say which line broke a rule.
 */
export class HistoryBuilder {
  private readonly events: HistoryEvent[] = [];
  private readonly ops: Op[] = [];
  private readonly nemesis: HistoryEvent[] = [];
  private readonly order = new EventOrder<Op>();
  private count = 0;
  private lastTime = 0;

  /**
   * `keepEvents` false: the events are made ops and let go (History.end says how many there
   * were): a million-op history then holds a million objects, not three.
   */
  constructor(private readonly keepEvents = true) {}

  add(raw: unknown): void {
    const e = validateShape(raw);
    this.take(e.index, e.time, e.process, e.type, e.f, e.key, e.value, e.error, e);
  }

  /**
   * A line the scanner read: when events are not kept, a client's event goes into its op with
   * no event object made. The scanner's shape makes every field's type right; the rules on
   * their values are validateShape's, with its words, for the rare line that breaks one.
   */
  addScanned(s: EventScanner): void {
    if (this.keepEvents || s.process === 'nemesis' || breaksValueRules(s)) return this.add(s.event());
    this.take(s.index, s.time, s.process, s.type, s.f, s.key, s.value, s.error, undefined);
  }

  /** An event of a valid shape; `e`, its object, is there when it is kept (or a nemesis's). */
  private take(index: number, time: number, process: ProcessId, type: EventType, f: string, key: string | undefined, value: unknown, error: string | undefined, e: HistoryEvent | undefined): void {
    this.order.place(index, time, process, f);
    if (this.keepEvents) this.events.push(e!);
    this.count++;
    this.lastTime = time;
    if (process === 'nemesis') {
      this.nemesis.push(e!);
      return;
    }
    if (type === 'invoke') {
      const op: Op = {
        process,
        f,
        type: 'open',
        invokeIndex: index,
        completeIndex: null,
        invokeTime: time,
        completeTime: null,
        // Every op of one shape, the fields it lacks undefined (which JSON and the checkers read
        // as absent): an op's fields are then read at one place in every op, not looked up.
        key,
        invokeValue: value,
        value: undefined,
        error: undefined,
      };
      this.order.invoke(process, f, op);
      this.ops.push(op);
      return;
    }
    const pending = this.order.complete(process, type, f, key);
    pending.type = type as CompletionType;
    pending.completeIndex = index;
    pending.completeTime = time;
    if (type === 'ok' && value !== undefined) pending.value = value;
    if (error !== undefined) pending.error = error;
  }

  finish(): History {
    return {
      events: this.events,
      ops: this.ops,
      nemesis: this.nemesis,
      ...(this.order.isEnded ? { ended: true } : {}),
      ...(this.keepEvents ? {} : { end: { events: this.count, time: this.lastTime } }),
    };
  }
}

/**
 * Whether a line the scanner read breaks a rule on its fields' values (an empty f; a client's
 * fail or info that does not say why): validateShape then says which, as for any other line.
 */
export function breaksValueRules(s: EventScanner): boolean {
  // On the scanner's numbers: no string looked up for the common line.
  return (s.errorId === ABSENT && s.proc !== NEMESIS && (s.typeCode === TYPE_CODE.fail || s.typeCode === TYPE_CODE.info)) || s.f === '';
}

/** The event's fields as the format wants them; throws HistoryFormatError naming the first that is not. */
export function validateShape(raw: unknown): HistoryEvent {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new HistoryFormatError('an event must be a JSON object');
  }
  const o = raw as Record<string, unknown>;
  if (!Number.isSafeInteger(o.index) || (o.index as number) < 0) {
    throw new HistoryFormatError(`field "index": must be a non-negative integer, found ${show(o.index)}`);
  }
  if (!Number.isSafeInteger(o.time) || (o.time as number) < 0) {
    throw new HistoryFormatError(`field "time": must be a non-negative integer (ns since the run started), found ${show(o.time)}`);
  }
  const p = o.process;
  if (!(p === 'nemesis' || (Number.isSafeInteger(p) && (p as number) >= 0))) {
    throw new HistoryFormatError(`field "process": must be a non-negative integer or "nemesis", found ${show(p)}`);
  }
  if (typeof o.type !== 'string' || !TYPES.has(o.type)) {
    throw new HistoryFormatError(`field "type": must be one of invoke, ok, fail, info; found ${show(o.type)}`);
  }
  if (typeof o.f !== 'string' || o.f === '') {
    throw new HistoryFormatError(`field "f": must be a non-empty string, found ${show(o.f)}`);
  }
  if (o.key !== undefined && typeof o.key !== 'string') {
    throw new HistoryFormatError(`field "key": must be a string, found ${show(o.key)}`);
  }
  if (o.error !== undefined && typeof o.error !== 'string') {
    throw new HistoryFormatError(`field "error": must be a string, found ${show(o.error)}`);
  }
  if ((o.type === 'fail' || o.type === 'info') && p !== 'nemesis' && o.error === undefined) {
    throw new HistoryFormatError(`field "error": a ${o.type} event must say why`);
  }
  return o as unknown as HistoryEvent;
}

function show(v: unknown): string {
  if (v === undefined) return 'nothing';
  const s = JSON.stringify(v);
  return s.length > 40 ? `${s.slice(0, 37)}...` : s;
}

/** Builds a History from events already in memory (tests, generated histories). */
export function historyOf(events: readonly unknown[]): History {
  const b = new HistoryBuilder();
  events.forEach((e, i) => {
    try {
      b.add(e);
    } catch (err) {
      if (err instanceof HistoryFormatError) throw new HistoryFormatError(`event ${i}: ${err.what}`);
      throw err;
    }
  });
  return b.finish();
}
