// The compact form of a history's events that crosses threads: one typed array a field (numbers,
// and strings as numbers into a table of distinct strings), so that a worker that scanned part of
// a file hands it over by transferring a few buffers, not by cloning an object a line.
import { decodeValue, EVENT_TYPES, NEMESIS, TYPE_CODE, VALUE } from './codes.js';
import type { EventType, HistoryEvent, ProcessId } from './event.js';
import { eventOf, MADE, type EventScanner } from './scan-event.js';

export { decodeValue, EVENT_TYPES, NEMESIS, VALUE };

/** Distinct strings by number: f, keys, errors, string values, the JSON of other values. */
export class StringTable {
  readonly strings: string[] = [];
  private readonly ids = new Map<string, number>();

  id(s: string): number {
    let id = this.ids.get(s);
    if (id === undefined) {
      id = this.strings.length;
      this.strings.push(s);
      this.ids.set(s, id);
    }
    return id;
  }

  /** The numbers that another table's strings have in this one, by their number there. */
  merge(other: readonly string[]): Int32Array {
    const map = new Int32Array(other.length);
    for (let i = 0; i < other.length; i++) map[i] = this.id(other[i]!);
    return map;
  }
}

/** A value as (tag, number): a number as itself, a string or other JSON as its number in `strings`. */
export function encodeValue(v: unknown, strings: StringTable): [number, number] {
  return [valueTag(v), valueNumber(v, strings)];
}

/** encodeValue's tag alone: for a writer that makes no pair a value. */
export function valueTag(v: unknown): number {
  if (v === undefined) return VALUE.absent;
  if (v === null) return VALUE.null;
  if (v === true) return VALUE.true;
  if (v === false) return VALUE.false;
  if (typeof v === 'number') return VALUE.number;
  return typeof v === 'string' ? VALUE.string : VALUE.json;
}

/** encodeValue's number alone. */
export function valueNumber(v: unknown, strings: StringTable): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') return strings.id(v);
  return v === undefined || v === null || v === true || v === false ? 0 : strings.id(JSON.stringify(v));
}

/** Events, field by field; strings as numbers into the table that goes with them. */
export interface EventColumns {
  length: number;
  index: Float64Array;
  time: Float64Array;
  /** NEMESIS for "nemesis". */
  process: Float64Array;
  type: Uint8Array;
  f: Int32Array;
  /** -1: no key. */
  key: Int32Array;
  /** -1: no error. */
  error: Int32Array;
  valueTag: Uint8Array;
  value: Float64Array;
  /**
   * For an event read by JSON.parse (not in the Recorder's shape), its line, to be parsed
   * again where the event is wanted whole (it may carry fields beyond the format's); -1 otherwise.
   */
  raw: Int32Array;
}

/** The typed arrays of `c`, to transfer rather than copy. */
export const columnBuffers = (c: EventColumns): ArrayBuffer[] =>
  [c.index, c.time, c.process, c.type, c.f, c.key, c.error, c.valueTag, c.value, c.raw].map((a) => a.buffer as ArrayBuffer);

/** Events appended one by one into columns that grow by doubling. */
export class ColumnWriter {
  private c: EventColumns;
  /** `reuse`: columns done with, written over when they hold `capacity` rows (a thread that scans chunk after chunk). */
  constructor(
    readonly strings: StringTable,
    capacity = 1024,
    reuse?: EventColumns,
  ) {
    this.c = reuse !== undefined && reuse.index.length >= capacity ? { ...reuse, length: 0 } : emptyColumns(capacity);
  }

  add(e: HistoryEvent, rawLine?: string): void {
    const i = this.next(e.index, e.time, e.process, e.type, e.f, e.key, e.error);
    const [tag, n] = encodeValue(e.value, this.strings);
    this.c.valueTag[i] = tag;
    this.c.value[i] = n;
    this.c.raw[i] = rawLine === undefined ? -1 : this.strings.id(rawLine);
  }

  /** A row with the fields every event has; its number. */
  private next(index: number, time: number, process: ProcessId, type: EventType, f: string, key: string | undefined, error: string | undefined): number {
    if (this.c.length === this.c.index.length) this.c = grow(this.c, this.c.length * 2);
    const d = this.c;
    const i = d.length++;
    d.index[i] = index;
    d.time[i] = time;
    d.process[i] = process === 'nemesis' ? NEMESIS : process;
    d.type[i] = TYPE_CODE[type];
    d.f[i] = this.strings.id(f);
    d.key[i] = key === undefined ? -1 : this.strings.id(key);
    d.error[i] = error === undefined ? -1 : this.strings.id(error);
    return i;
  }

  /** The line the scanner read, from its fields (no event object, no string looked up twice). */
  addScanned(s: EventScanner): void {
    if (this.c.length === this.c.index.length) this.c = grow(this.c, this.c.length * 2);
    if (s !== this.scanner) this.learn(s);
    const d = this.c;
    const i = d.length++;
    d.index[i] = s.index;
    d.time[i] = s.time;
    d.process[i] = s.proc;
    d.type[i] = s.typeCode;
    // Numbered in the order add() numbers them: the same table whichever way a line was read.
    d.f[i] = this.idOf(s.fId, s.fMade);
    d.key[i] = s.keyId === -1 ? -1 : this.idOf(s.keyId, s.keyMade);
    d.error[i] = s.errorId === -1 ? -1 : this.idOf(s.errorId, s.errorMade);
    const tag = s.valueTag;
    d.valueTag[i] = tag;
    d.value[i] = tag === VALUE.number ? s.valueNumber : tag === VALUE.string ? this.idOf(s.valueNumber, s.valueMade) : 0;
    d.raw[i] = -1;
  }

  /** The scanner whose string numbers `ours` maps to the table's (-1: not yet looked up). */
  private scanner: EventScanner | undefined;
  private theirs: readonly string[] = [];
  private ours = new Int32Array(0);

  private learn(s: EventScanner): void {
    this.scanner = s;
    this.theirs = s.strings.strings;
    this.ours = new Int32Array(0);
  }

  /** The table's number for the scanner's string `id` (or the string `made`, when MADE). */
  private idOf(id: number, made: string): number {
    if (id === MADE) return this.strings.id(made);
    if (id >= this.ours.length) {
      const bigger = new Int32Array(Math.max(64, id * 2)).fill(-1);
      bigger.set(this.ours);
      this.ours = bigger;
    }
    const known = this.ours[id]!;
    return known >= 0 ? known : (this.ours[id] = this.strings.id(this.theirs[id]!));
  }

  /** The columns (longer than `length`: not copied to cut them). */
  finish(): EventColumns {
    return this.c;
  }
}

function emptyColumns(n: number): EventColumns {
  return {
    length: 0,
    index: new Float64Array(n),
    time: new Float64Array(n),
    process: new Float64Array(n),
    type: new Uint8Array(n),
    f: new Int32Array(n),
    key: new Int32Array(n),
    error: new Int32Array(n),
    valueTag: new Uint8Array(n),
    value: new Float64Array(n),
    raw: new Int32Array(n),
  };
}

const COLUMNS = ['index', 'time', 'process', 'type', 'f', 'key', 'error', 'valueTag', 'value', 'raw'] as const;

function grow(c: EventColumns, n: number): EventColumns {
  const d = emptyColumns(n);
  d.length = c.length;
  for (const k of COLUMNS) d[k].set(c[k].subarray(0, c.length));
  return d;
}

/** The events `rows` of the columns, in that order. */
export function pickRows(c: EventColumns, rows: Int32Array): EventColumns {
  const d = emptyColumns(rows.length);
  d.length = rows.length;
  for (const k of COLUMNS) {
    const from = c[k];
    const to = d[k];
    for (let j = 0; j < rows.length; j++) to[j] = from[rows[j]!]!;
  }
  return d;
}

/** Event i of the columns as the reader of objects would have made it (same fields, same order). */
export function decodeEvent(c: EventColumns, i: number, strings: readonly string[]): HistoryEvent {
  const raw = c.raw[i]!;
  if (raw >= 0) return JSON.parse(strings[raw]!) as HistoryEvent;
  const p = c.process[i]!;
  const process: ProcessId = p === NEMESIS ? 'nemesis' : p;
  const key = c.key[i]!;
  const error = c.error[i]!;
  return eventOf(c.index[i]!, c.time[i]!, process, EVENT_TYPES[c.type[i]!]!, strings[c.f[i]!]!, key < 0 ? undefined : strings[key], decodeValue(c.valueTag[i]!, c.value[i]!, strings), error < 0 ? undefined : strings[error]);
}
