import { ByteStrings } from './byte-strings.js';
import { decodeValue, EVENT_TYPES, NEMESIS, VALUE } from './codes.js';
import type { EventType, HistoryEvent, ProcessId } from './event.js';

// A reader of the one line shape our Recorder writes (src/history/recorder.ts): its fields in
// its order, no spaces, integers in plain form, ASCII strings without escapes, scalar values.
// It reads the event straight from the file's bytes: no decoding of the line to a string, no
// generic JSON parse, and no string made for an f or key it has seen before (a string is its
// number in `strings`, which a columns writer maps to its own numbers). Any other line, valid
// JSON or not, is not its business: it declines and the caller decodes the line and gives it
// to JSON.parse, so reading a history never depends on this path being complete, only on it
// being exact for what it accepts.

const bytes = (t: string): Uint8Array => Buffer.from(t, 'latin1');
const OPEN_INDEX = bytes('{"index":');
const TIME = bytes(',"time":');
const PROCESS = bytes(',"process":');
const NEMESIS_REST = bytes('nemesis"');
const TYPE = bytes(',"type":"');
const INVOKE_REST = bytes('nvoke"');
const INFO_REST = bytes('nfo"');
const OK_REST = bytes('k"');
const FAIL_REST = bytes('ail"');
const F = bytes(',"f":"');
const KEY = bytes(',"key":"');
const VALUE_ = bytes(',"value":');
const ERROR = bytes(',"error":"');
const ULL = bytes('ull');
const RUE = bytes('rue');
const ALSE = bytes('alse');

/** Strings of a value that is not one: none. */
const NO_STRINGS: readonly string[] = [];

/** A string field that is absent; one made anew (not numbered: see ByteStrings) is MADE, its text beside it. */
export const ABSENT = -1;
export const MADE = -2;

/** Scans the lines of one history: one instance a file, so that its numbered strings go with the file. */
export class EventScanner {
  /** The strings of f, key, error and string values, by number. */
  readonly strings = new ByteStrings();

  // The fields of the line last read (read() true), as numbers: what a columns writer keeps.
  index = 0;
  time = 0;
  /** NEMESIS for "nemesis". */
  proc = 0;
  /** Its place in EVENT_TYPES. */
  typeCode = 0;
  /** Strings: a number in `strings`, ABSENT or MADE (then the text is in the field named ...Made). */
  fId = 0;
  keyId = ABSENT;
  errorId = ABSENT;
  /** VALUE's tag; the number, or for a string its number as the strings above. */
  valueTag: number = VALUE.absent;
  valueNumber = 0;
  fMade = '';
  keyMade = '';
  errorMade = '';
  valueMade = '';
  /** The string str() read last: its number, and the text when it is MADE. */
  private sid = 0;
  private made = '';

  get process(): ProcessId {
    return this.proc === NEMESIS ? 'nemesis' : this.proc;
  }
  get type(): EventType {
    return EVENT_TYPES[this.typeCode]!;
  }
  get f(): string {
    return this.fId >= 0 ? this.strings.strings[this.fId]! : this.fMade;
  }
  get key(): string | undefined {
    return this.text(this.keyId, this.keyMade);
  }
  get error(): string | undefined {
    return this.text(this.errorId, this.errorMade);
  }
  get value(): unknown {
    return this.valueTag === VALUE.string ? this.text(this.valueNumber, this.valueMade) : decodeValue(this.valueTag, this.valueNumber, NO_STRINGS);
  }

  private text(id: number, made: string): string | undefined {
    return id >= 0 ? this.strings.strings[id] : id === ABSENT ? undefined : made;
  }

  /**
   * The event on the line `b[start, end)` (its line end excluded) when the line is exactly in
   * the Recorder's shape: what JSON.parse would give for it, the same fields in the same order.
   * Undefined for any other line.
   */
  scan(b: Uint8Array, start: number, end: number): HistoryEvent | undefined {
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
  read(b: Uint8Array, start: number, end: number): boolean {
    // The closing brace bounds every read (no literal holds one, no number does, and a string may not reach it).
    return end - start >= 2 && b[end - 1] === 125 /* } */ && this.fields(b, start, end - 1) === end;
  }

  /**
   * The line that starts at `p`, when it is in the Recorder's shape and ends with "\n" or "\r\n"
   * at or before `nl`, a "\n" (which bounds every read): the position of its "\n"; -1 otherwise.
   */
  line(b: Uint8Array, p: number, nl: number): number {
    const q = this.fields(b, p, nl);
    if (q < 0) return -1;
    const c = b[q];
    if (c === 10) return q;
    return c === 13 && q < nl && b[q + 1] === 10 ? q + 1 : -1;
  }

  /**
   * The fields from `p` on, up to and with the closing brace: the position after it, or -1. A
   * string may not reach `limit`, whose byte ("}" or "\n") no literal or number matches, so no
   * read goes past it.
   */
  private fields(b: Uint8Array, p: number, limit: number): number {
    if (!at(b, p, OPEN_INDEX)) return -1;
    p += OPEN_INDEX.length;
    // Numbers: at most 15 digits, so exact as doubles without a check; no leading zero. Longer
    // ones, fractions and exponents go to JSON.parse (a "." or "e" is not the next literal).
    let q = p;
    let n = 0;
    for (let c = b[q]!; c >= 48 && c <= 57; c = b[++q]!) n = n * 10 + (c - 48);
    if (q === p || q - p > 15 || (b[p] === 48 && q - p > 1) || !at(b, q, TIME)) return -1;
    this.index = n;
    p = q + TIME.length;
    n = 0;
    for (let c = b[q = p]!; c >= 48 && c <= 57; c = b[++q]!) n = n * 10 + (c - 48);
    if (q === p || q - p > 15 || (b[p] === 48 && q - p > 1) || !at(b, q, PROCESS)) return -1;
    this.time = n;
    p = q + PROCESS.length;
    if (b[p] === 34 /* " */) {
      if (!at(b, p + 1, NEMESIS_REST)) return -1;
      this.proc = NEMESIS;
      p += 1 + NEMESIS_REST.length;
    } else {
      n = 0;
      for (let c = b[q = p]!; c >= 48 && c <= 57; c = b[++q]!) n = n * 10 + (c - 48);
      if (q === p || q - p > 15 || (b[p] === 48 && q - p > 1)) return -1;
      this.proc = n;
      p = q;
    }
    if (!at(b, p, TYPE)) return -1;
    p += TYPE.length;
    // The type by its first letter, then the rest of it (invoke and info by theirs).
    const t = b[p++];
    if (t === 105 /* i */) {
      if (at(b, p, INVOKE_REST)) (this.typeCode = 0), (p += INVOKE_REST.length);
      else if (at(b, p, INFO_REST)) (this.typeCode = 3), (p += INFO_REST.length);
      else return -1;
    } else if (t === 111 /* o */ && at(b, p, OK_REST)) (this.typeCode = 1), (p += OK_REST.length);
    else if (t === 102 /* f */ && at(b, p, FAIL_REST)) (this.typeCode = 2), (p += FAIL_REST.length);
    else return -1;
    if (!at(b, p, F) || (p = this.str(b, p + F.length, limit)) < 0) return -1;
    this.fId = this.sid;
    if (this.sid === MADE) this.fMade = this.made;
    this.keyId = ABSENT;
    if (at(b, p, KEY)) {
      if ((p = this.str(b, p + KEY.length, limit)) < 0) return -1;
      this.keyId = this.sid;
      if (this.sid === MADE) this.keyMade = this.made;
    }
    this.valueTag = VALUE.absent;
    if (at(b, p, VALUE_)) {
      p += VALUE_.length;
      const c = b[p]!;
      if (c === 34) {
        if ((p = this.str(b, p + 1, limit)) < 0) return -1;
        this.valueTag = VALUE.string;
        this.valueNumber = this.sid;
        if (this.sid === MADE) this.valueMade = this.made;
      } else if (c === 110 /* n */ || c === 116 /* t */ || c === 102 /* f */) {
        const rest = c === 110 ? ULL : c === 116 ? RUE : ALSE;
        if (!at(b, p + 1, rest)) return -1;
        this.valueTag = c === 110 ? VALUE.null : c === 116 ? VALUE.true : VALUE.false;
        p += 1 + rest.length;
      } else {
        const minus = c === 45; /* - */
        if (minus) p++;
        n = 0;
        for (let c = b[q = p]!; c >= 48 && c <= 57; c = b[++q]!) n = n * 10 + (c - 48);
        if (q === p || q - p > 15 || (b[p] === 48 && q - p > 1)) return -1;
        this.valueTag = VALUE.number;
        // "-0" gives -0, as from JSON.parse.
        this.valueNumber = minus ? -n : n;
        p = q;
      }
    }
    this.errorId = ABSENT;
    if (at(b, p, ERROR)) {
      if ((p = this.str(b, p + ERROR.length, limit)) < 0) return -1;
      this.errorId = this.sid;
      if (this.sid === MADE) this.errorMade = this.made;
    }
    return b[p] === 125 ? p + 1 : -1;
  }

  /**
   * The string whose text starts at `p` (after its opening quote), of printable ASCII with no
   * escapes (any other: escapes, other characters, control characters that JSON.parse refuses,
   * is JSON.parse's), ending before `limit`: the position after its closing quote, or -1; its
   * number (or text) in sid (and made).
   */
  private str(b: Uint8Array, p: number, limit: number): number {
    const start = p;
    let h = 0;
    for (;;) {
      if (p >= limit) return -1;
      const c = b[p]!;
      if (c === 34) break;
      if (c < 32 || c > 126 || c === 92 /* \ */) return -1;
      h = (Math.imul(h, 31) + c) | 0;
      p++;
    }
    const id = this.strings.id(b, start, p, h);
    this.sid = id < 0 ? MADE : id;
    if (id < 0) this.made = Buffer.from(b.buffer, b.byteOffset + start, p - start).toString('latin1');
    return p + 1;
  }
}

/** Whether b holds the bytes of t at p. */
function at(b: Uint8Array, p: number, t: Uint8Array): boolean {
  for (let i = 0; i < t.length; i++) if (b[p + i] !== t[i]) return false;
  return true;
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
