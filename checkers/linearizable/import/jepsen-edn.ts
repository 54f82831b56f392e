// Jepsen / Knossos histories in EDN, in every form they are written:
//   [{:process 0, :type :invoke, :f :write, :value 3, :time 12345, :index 0} ; history.edn
//    {:process 0, :type :ok, :f :write, :value 3, :time 12400, :index 1}]
// a vector `[ … ]` or a list `( … )` of op maps, or op maps one after another with nothing
// around them (newer Jepsen's history.edn); an op on one line or over many; `;` comments and
// `#_` discards anywhere; ops as tagged records (`#jepsen.history.Op{…}`); extra keys ignored.
// :process is a number or :nemesis (nemesis ops are kept apart and ignored by checkers). :time
// (nanoseconds) is used when every op has one, rebased to the first when any is past 2^53;
// otherwise the op's line stands in. :index is not needed: ops are taken in the file's order.

import { UserError } from '../../../src/util/errors.js';
import { HistoryBuilder, HistoryFormatError } from '../../../src/history/build.js';
import type { History } from '../../../src/history/event.js';
import { LineError, readText } from './common.js';
import { EdnError, EdnReader, Keyword, Tagged, type EdnValue } from './edn.js';

const TYPES = new Set(['invoke', 'ok', 'fail', 'info']);

/**
 * EDN values as JSON: keywords become their names, sets and lists arrays, tagged values their
 * value. An integer past 2^53 becomes its decimal string: a number would round it and make two
 * different values equal.
 */
export function ednToJson(v: EdnValue): unknown {
  if (v instanceof Keyword) return v.name;
  if (v instanceof Tagged) return ednToJson(v.value);
  if (typeof v === 'bigint') return v.toString();
  if (Array.isArray(v)) return v.map(ednToJson);
  if (v instanceof Set) return [...v].map(ednToJson);
  if (v !== null && typeof v === 'object') {
    if (v instanceof Map) return Object.fromEntries([...v].map(([k, x]) => [String(ednToJson(k)), ednToJson(x)]));
    return Object.fromEntries(Object.entries(v as Record<string, EdnValue>).map(([k, x]) => [k, ednToJson(x)]));
  }
  return v;
}

/** An op map's fields as an event (without index and time), and its :time as written. */
function toEvent(v: EdnValue): { event: Record<string, unknown>; time: number | bigint | undefined } {
  // Newer Jepsen writes ops as records: #jepsen.history.Op{…}.
  const m = v instanceof Tagged ? v.value : v;
  if (m === null || typeof m !== 'object' || Object.getPrototypeOf(m) !== null) {
    throw new LineError('expected an op map {:process …, :type …, :f …}');
  }
  const map = m as Record<string, EdnValue>;
  const p = map.process;
  const process = p instanceof Keyword && p.name === 'nemesis' ? 'nemesis' : p;
  if (process !== 'nemesis' && !(typeof process === 'number' && Number.isSafeInteger(process) && process >= 0)) {
    throw new LineError(`:process must be a non-negative integer or :nemesis, found ${show(p)}`);
  }
  const type = map.type;
  if (!(type instanceof Keyword) || !TYPES.has(type.name)) throw new LineError(`:type must be one of :invoke, :ok, :fail, :info, found ${show(type)}`);
  const f = map.f;
  if (!(f instanceof Keyword || typeof f === 'string')) throw new LineError(`:f must be a keyword, found ${show(f)}`);
  const ev: Record<string, unknown> = { process, type: type.name, f: f instanceof Keyword ? f.name : f };
  if (typeof map.key === 'string' || typeof map.key === 'number') ev.key = String(map.key);
  const t = map.time;
  if (t !== undefined && !((typeof t === 'number' && Number.isSafeInteger(t) && t >= 0) || (typeof t === 'bigint' && t >= 0n))) {
    throw new LineError(`:time must be a non-negative integer (ns), found ${show(t)}`);
  }
  const value = map.value === undefined ? undefined : ednToJson(map.value);
  if ((type.name === 'fail' || type.name === 'info') && process !== 'nemesis') {
    const e = map.error ?? (type.name === 'info' && value !== null ? map.value : undefined);
    const why = e === undefined || e === null ? undefined : ednToJson(e);
    ev.error = why === undefined ? (type.name === 'fail' ? 'failed' : 'unknown') : typeof why === 'string' ? why : JSON.stringify(why);
    // An info write keeps the value it tried to write: checkers need it.
    if (type.name === 'info' && value !== undefined && !(map.value instanceof Keyword)) ev.value = value;
    return { event: ev, time: t };
  }
  // A read's invocation carries nil: nothing was written.
  if (value !== undefined && !(type.name === 'invoke' && value === null)) ev.value = value;
  return { event: ev, time: t };
}

/** A field's value for an error message, as EDN. */
function show(v: EdnValue | undefined): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'nil';
  if (v instanceof Keyword) return `:${v.name}`;
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'object') return 'a collection';
  return JSON.stringify(v);
}

/** Line and column (1-based) of offsets in a text, asked in increasing order: linear overall. */
class Lines {
  private line = 1;
  private lineStart = 0;
  private nextNewline: number;
  constructor(private readonly text: string) {
    this.nextNewline = text.indexOf('\n');
  }
  at(offset: number): { line: number; column: number } {
    while (this.nextNewline !== -1 && this.nextNewline < offset) {
      this.line++;
      this.lineStart = this.nextNewline + 1;
      this.nextNewline = this.text.indexOf('\n', this.lineStart);
    }
    return { line: this.line, column: offset - this.lineStart + 1 };
  }
}

/** Parses a Jepsen EDN history in any of the forms above; errors name file:line (and column for syntax). */
export function parseJepsenEdn(text: string, file: string): History {
  const r = new EdnReader(text);
  const lines = new Lines(text);
  const syntax = (err: EdnError): UserError => {
    const { line, column } = lines.at(err.column - 1);
    return new UserError(`${file}:${line}:${column}: EDN syntax: ${err.what}`);
  };
  const ops: { event: Record<string, unknown>; time: number | bigint | undefined; line: number }[] = [];
  try {
    r.skip();
    // A vector or list around the ops, or none.
    const open = r.peek();
    const close = open === '[' ? ']' : open === '(' ? ')' : undefined;
    const openedAt = r.pos;
    if (close !== undefined) r.pos++;
    for (;;) {
      r.skip();
      if (r.atEnd) {
        if (close !== undefined) throw new EdnError(`the history's ${open} is never closed by ${close}`, openedAt + 1);
        break;
      }
      if (close !== undefined && r.peek() === close) {
        r.pos++;
        r.skip();
        if (!r.atEnd) throw new EdnError(`unexpected ${JSON.stringify(r.peek())} after the history's closing ${close}`, r.pos + 1);
        break;
      }
      const start = r.pos;
      const v = r.value();
      const { line } = lines.at(start);
      try {
        ops.push({ ...toEvent(v), line });
      } catch (err) {
        if (err instanceof LineError) throw new UserError(`${file}:${line}: ${err.message}`);
        throw err;
      }
    }
  } catch (err) {
    if (err instanceof EdnError) throw syntax(err);
    throw err;
  }
  const times = eventTimes(ops);
  const b = new HistoryBuilder();
  const eventLines: number[] = new Array(ops.length);
  ops.forEach(({ event, line }, index) => {
    try {
      b.add(Object.assign({ index, time: times[index] }, event));
    } catch (err) {
      if (err instanceof HistoryFormatError) throw new UserError(`${file}:${line}: ${err.what}`);
      throw err;
    }
    eventLines[index] = line;
  });
  return Object.assign(b.finish(), { lines: eventLines });
}

/**
 * The events' times: :time where every op has one (rebased to the first when any is past 2^53,
 * so nanosecond clocks of long-running hosts keep their precision), else the op's line.
 */
function eventTimes(ops: readonly { time: number | bigint | undefined; line: number }[]): number[] {
  if (ops.length === 0 || ops.some((o) => o.time === undefined)) return ops.map((o) => o.line);
  if (ops.every((o) => typeof o.time === 'number')) return ops.map((o) => o.time as number);
  const base = BigInt(ops[0]!.time!);
  return ops.map((o) => Number(BigInt(o.time!) - base));
}

export async function importJepsenEdn(file: string): Promise<History> {
  return parseJepsenEdn(await readText(file), file);
}
