// The compact form of a history's events that crosses threads: one typed array a field (numbers,
// and strings as numbers into a table of distinct strings), so that a worker that scanned part of
// a file hands it over by transferring a few buffers, not by cloning an object a line.
import type { EventType, HistoryEvent, ProcessId } from './event.js';
import { eventOf, type EventScanner } from './scan-event.js';

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

/** How a value is kept: its tag, and for numbers, strings and other JSON a number beside it. */
export const VALUE = { absent: 0, null: 1, true: 2, false: 3, number: 4, string: 5, json: 6 } as const;

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

/** The value a (tag, number) pair stands for; objects and arrays are parsed anew, one per use. */
export function decodeValue(tag: number, n: number, strings: readonly string[]): unknown {
  switch (tag) {
    case VALUE.absent:
      return undefined;
    case VALUE.null:
      return null;
    case VALUE.true:
      return true;
    case VALUE.false:
      return false;
    case VALUE.number:
      return n;
    case VALUE.string:
      return strings[n];
    default:
      return JSON.parse(strings[n]!);
  }
}

export const EVENT_TYPES: readonly EventType[] = ['invoke', 'ok', 'fail', 'info'];
const TYPE_CODE: Record<EventType, number> = { invoke: 0, ok: 1, fail: 2, info: 3 };
/** process of a nemesis event. */
export const NEMESIS = -1;

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

  /** The line the scanner read, from its fields (no event object). */
  addScanned(s: EventScanner): void {
    const i = this.next(s.index, s.time, s.process, s.type, s.f, s.key, s.error);
    const d = this.c;
    const v = s.value;
    // The scanner's values are scalars: no JSON to keep.
    if (typeof v === 'number') {
      d.valueTag[i] = VALUE.number;
      d.value[i] = v;
    } else {
      d.valueTag[i] = v === undefined ? VALUE.absent : v === null ? VALUE.null : v === true ? VALUE.true : v === false ? VALUE.false : VALUE.string;
      d.value[i] = typeof v === 'string' ? this.strings.id(v) : 0;
    }
    d.raw[i] = -1;
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
