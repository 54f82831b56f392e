import { END_OF_HISTORY, type CompletionType, type EventType, type History, type HistoryEvent, type Op } from './event.js';

/** A history that breaks the format's rules. `what` is a sentence for people. */
export class HistoryFormatError extends Error {
  constructor(readonly what: string) {
    super(what);
  }
}

const TYPES: ReadonlySet<string> = new Set<EventType>(['invoke', 'ok', 'fail', 'info']);

/**
 * Checks each event against the format and pairs invocations with completions.
 * Events go in one at a time so that a reader can say which line broke a rule.
 */
export class HistoryBuilder {
  private readonly events: HistoryEvent[] = [];
  private readonly ops: Op[] = [];
  private readonly nemesis: HistoryEvent[] = [];
  private readonly open = new Map<number, Op>();
  /** Processes whose last op crashed (info): Jepsen never reuses them. */
  private readonly crashed = new Set<number>();
  private lastTime = 0;
  private ended = false;

  add(raw: unknown): void {
    const e = validateShape(raw);
    if (this.ended) throw new HistoryFormatError(`an event after the end marker (index ${this.events.length - 1}, "f":"${END_OF_HISTORY}"), which must be the last line`);
    if (e.index !== this.events.length) {
      throw new HistoryFormatError(`field "index": expected ${this.events.length}, found ${e.index}`);
    }
    if (e.time < this.lastTime) {
      throw new HistoryFormatError(`field "time": ${e.time} is earlier than the previous event's ${this.lastTime}; time must not go backwards`);
    }
    this.lastTime = e.time;
    this.events.push(e);
    if (e.process === 'nemesis') {
      this.nemesis.push(e);
      if (e.f === END_OF_HISTORY) {
        if (this.open.size > 0) {
          const [p, op] = this.open.entries().next().value!;
          throw new HistoryFormatError(`field "f": the end marker comes while process ${p}'s ${op.f} (index ${op.invokeIndex}) is still open; a run that ended normally completed every op`);
        }
        this.ended = true;
      }
      return;
    }
    this.pair(e, e.process);
  }

  private pair(e: HistoryEvent, process: number): void {
    const pending = this.open.get(process);
    if (e.type === 'invoke') {
      if (pending) {
        throw new HistoryFormatError(`field "process": process ${process} invokes ${e.f} while its ${pending.f} (index ${pending.invokeIndex}) is still open`);
      }
      if (this.crashed.has(process)) {
        throw new HistoryFormatError(`field "process": process ${process} is reused after an info; a crashed process must continue under a new number`);
      }
      const op: Op = {
        process,
        f: e.f,
        type: 'open',
        invokeIndex: e.index,
        completeIndex: null,
        invokeTime: e.time,
        completeTime: null,
      };
      if (e.key !== undefined) op.key = e.key;
      if (e.value !== undefined) op.invokeValue = e.value;
      this.open.set(process, op);
      this.ops.push(op);
      return;
    }
    if (!pending) {
      throw new HistoryFormatError(`field "type": ${e.type} for process ${process}, which has no open invocation`);
    }
    if (pending.f !== e.f) {
      throw new HistoryFormatError(`field "f": completion says ${e.f} but process ${process} invoked ${pending.f}`);
    }
    if (pending.key !== e.key) {
      throw new HistoryFormatError(`field "key": completion says ${JSON.stringify(e.key)} but process ${process} invoked ${JSON.stringify(pending.key)}`);
    }
    this.open.delete(process);
    pending.type = e.type as CompletionType;
    pending.completeIndex = e.index;
    pending.completeTime = e.time;
    if (e.type === 'ok' && e.value !== undefined) pending.value = e.value;
    if (e.error !== undefined) pending.error = e.error;
    if (e.type === 'info') this.crashed.add(process);
  }

  finish(): History {
    return { events: this.events, ops: this.ops, nemesis: this.nemesis, ...(this.ended ? { ended: true } : {}) };
  }
}

function validateShape(raw: unknown): HistoryEvent {
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
