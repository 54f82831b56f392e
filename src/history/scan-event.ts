import type { EventType, HistoryEvent, ProcessId } from './event.js';

// A reader of the one line shape our Recorder writes (src/history/recorder.ts): its fields in
// its order, no spaces, integers in plain form, ASCII strings without escapes, scalar values.
// It reads the event straight from the file's bytes: no decoding of the line to a string, no
// generic JSON parse, and no new string for an f or key it has seen before. Any other line,
// valid JSON or not, is not its business: it answers undefined and the caller decodes the line
// and gives it to JSON.parse, so reading a history never depends on this path being complete,
// only on it being exact for what it accepts.

const bytes = (t: string): Uint8Array => Buffer.from(t, 'latin1');
const OPEN_INDEX = bytes('{"index":');
const TIME = bytes(',"time":');
const PROCESS = bytes(',"process":');
const NEMESIS = bytes('"nemesis"');
const TYPE = bytes(',"type":');
const INVOKE = bytes('"invoke"');
const OK = bytes('"ok"');
const INFO = bytes('"info"');
const FAIL = bytes('"fail"');
const F = bytes(',"f":');
const KEY = bytes(',"key":');
const VALUE = bytes(',"value":');
const ERROR = bytes(',"error":');
const NULL = bytes('null');
const TRUE = bytes('true');
const FALSE = bytes('false');
const EMPTY = Buffer.alloc(0);

/** Enough for every key of a big run; past it strings are still right, only not shared. */
const INTERN_MAX_ENTRIES = 1 << 16;

/** Scans the lines of one history: one instance a file, so that its shared strings go with the file. */
export class EventScanner {
  /** The bytes being scanned, the position in them and the line's end: fields, to keep the hot loop free of closures. */
  private b: Buffer = EMPTY;
  private p = 0;
  private end = 0;
  /**
   * One string for each distinct f, key and string value, by hash of its bytes: a million-op
   * history names a thousand keys two million times (JSON.parse shares short strings too).
   */
  private readonly interned = new Map<number, string>();

  /** The fields of the line last read (read() true): what eventOf makes the event of. */
  index = 0;
  time = 0;
  process: ProcessId = 0;
  type: EventType = 'invoke';
  f = '';
  key: string | undefined;
  value: unknown;
  error: string | undefined;

  /**
   * The event on the line `b[start, end)` (its line end excluded) when the line is exactly in
   * the Recorder's shape: what JSON.parse would give for it, the same fields in the same order.
   * Undefined for any other line.
   */
  scan(b: Buffer, start: number, end: number): HistoryEvent | undefined {
    return this.read(b, start, end) ? this.event() : undefined;
  }

  /** The event of the line last read. */
  event(): HistoryEvent {
    return eventOf(this.index, this.time, this.process, this.type, this.f, this.key, this.value, this.error);
  }

  /**
   * Whether the line `b[start, end)` is exactly in the Recorder's shape; its fields are then
   * this scanner's (index, time…), for a reader that wants them without an object.
   */
  read(b: Buffer, start: number, end: number): boolean {
    // The line's closing brace also bounds the reads below: no literal holds a "}" and no
    // number does, so they stop at it; a string is bounded by `end`.
    if (end - start < 2 || b[end - 1] !== 125 /* } */) return false;
    this.b = b;
    this.p = start;
    this.end = end;
    const exact = this.fields() && this.p === end - 1;
    this.b = EMPTY;
    return exact;
  }

  private fields(): boolean {
    if (!this.lit(OPEN_INDEX)) return false;
    const index = this.uint();
    if (index < 0 || !this.lit(TIME)) return false;
    const time = this.uint();
    if (time < 0 || !this.lit(PROCESS)) return false;
    let process: ProcessId;
    if (this.lit(NEMESIS)) process = 'nemesis';
    else {
      process = this.uint();
      if (process < 0) return false;
    }
    if (!this.lit(TYPE)) return false;
    const type = this.eventType();
    if (type === undefined || !this.lit(F)) return false;
    const f = this.str();
    if (f === undefined) return false;
    let key: string | undefined;
    let value: unknown;
    let error: string | undefined;
    if (this.lit(KEY) && (key = this.str()) === undefined) return false;
    if (this.lit(VALUE) && (value = this.scalar()) === undefined) return false;
    if (this.lit(ERROR) && (error = this.str()) === undefined) return false;
    this.index = index;
    this.time = time;
    this.process = process;
    this.type = type;
    this.f = f;
    this.key = key;
    this.value = value;
    this.error = error;
    return true;
  }

  private lit(t: Uint8Array): boolean {
    const b = this.b;
    const p = this.p;
    for (let i = 0; i < t.length; i++) if (b[p + i] !== t[i]) return false;
    this.p = p + t.length;
    return true;
  }

  /**
   * A non-negative integer in JSON's plain form, or -1. At most 15 digits, so that it is exact
   * as a double without a check; longer ones, leading zeros, fractions and exponents go to
   * JSON.parse (a fraction or an exponent leaves a character that the next literal does not match).
   */
  private uint(): number {
    const b = this.b;
    const start = this.p;
    let p = start;
    let n = 0;
    for (let c = b[p]!; c >= 48 && c <= 57; c = b[++p]!) n = n * 10 + (c - 48);
    this.p = p;
    const digits = p - start;
    if (digits === 0 || digits > 15 || (digits > 1 && b[start] === 48)) return -1;
    return n;
  }

  /** The four types as constants: no string made for them. */
  private eventType(): EventType | undefined {
    if (this.lit(INVOKE)) return 'invoke';
    if (this.lit(OK)) return 'ok';
    if (this.lit(INFO)) return 'info';
    if (this.lit(FAIL)) return 'fail';
    return undefined;
  }

  /**
   * A JSON string of printable ASCII with no escapes; undefined for any other (escapes, other
   * characters, control characters that JSON.parse refuses: all JSON.parse's).
   */
  private str(): string | undefined {
    const b = this.b;
    let p = this.p;
    if (b[p] !== 34 /* " */) return undefined;
    const start = ++p;
    const end = this.end;
    let h = 0;
    for (let c = b[p]!; c !== 34; c = b[++p]!) {
      if (p >= end || c < 32 || c > 126 || c === 92 /* \ */) return undefined;
      h = (Math.imul(h, 31) + c) | 0;
    }
    this.p = p + 1;
    return this.intern(start, p, h);
  }

  /** An integer, null, true, false or plain string; undefined for anything else (objects, arrays, fractions: JSON.parse's). */
  private scalar(): unknown {
    const c = this.b[this.p]!;
    if (c === 34) return this.str();
    if (c === 45 /* - */) {
      this.p++;
      const n = this.uint();
      // "-0" gives -0, as from JSON.parse.
      return n < 0 ? undefined : -n;
    }
    if (c >= 48 && c <= 57) {
      const n = this.uint();
      return n < 0 ? undefined : n;
    }
    if (this.lit(NULL)) return null;
    if (this.lit(TRUE)) return true;
    if (this.lit(FALSE)) return false;
    return undefined;
  }

  /** The ASCII string b[start, end), shared with its earlier occurrences (found by hash, then compared). */
  private intern(start: number, end: number, hash: number): string {
    const b = this.b;
    // The length in the key too: fewer collisions among keys like k1, k10, k100.
    const key = (hash ^ Math.imul(end - start, 0x9e3779b1)) | 0;
    const known = this.interned.get(key);
    if (known !== undefined && known.length === end - start) {
      let same = true;
      for (let i = 0; same && i < known.length; i++) same = known.charCodeAt(i) === b[start + i];
      if (same) return known;
    }
    const made = b.toString('latin1', start, end);
    if (known === undefined && this.interned.size < INTERN_MAX_ENTRIES) this.interned.set(key, made);
    return made;
  }
}

/**
 * The event as one object literal for each set of fields present: V8 then lays the fields out
 * inside the object, as JSON.parse does, where adding them one by one would put the later ones
 * in a separate store (more memory and time for each of millions of events).
 */
export function eventOf(index: number, time: number, process: ProcessId, type: EventType, f: string, key: string | undefined, value: unknown, error: string | undefined): HistoryEvent {
  if (key !== undefined) {
    if (value !== undefined) return error === undefined ? { index, time, process, type, f, key, value } : { index, time, process, type, f, key, value, error };
    return error === undefined ? { index, time, process, type, f, key } : { index, time, process, type, f, key, error };
  }
  if (value !== undefined) return error === undefined ? { index, time, process, type, f, value } : { index, time, process, type, f, value, error };
  return error === undefined ? { index, time, process, type, f } : { index, time, process, type, f, error };
}
