// Jepsen / Knossos histories in EDN: either a vector of op maps, as Jepsen writes
// history.edn (one map a line inside [ ]), or one map a line with no vector:
//   {:process 0, :type :invoke, :f :write, :value 3, :time 12345, :index 0}
// :process is a number or :nemesis (nemesis ops are kept apart and ignored by checkers);
// :time, when present, is nanoseconds and is used; otherwise the line number stands in.

import type { History } from '../../../src/history/event.js';
import { historyFromLines, LineError, readText } from './common.js';
import { EdnError, Keyword, parseEdn, Tagged, type EdnValue } from './edn.js';

const TYPES = new Set(['invoke', 'ok', 'fail', 'info']);

/** EDN values as JSON: keywords become their names, sets and lists arrays, tagged values their value. */
function toJson(v: EdnValue): unknown {
  if (v instanceof Keyword) return v.name;
  if (v instanceof Tagged) return toJson(v.value);
  if (typeof v === 'bigint') return Number(v);
  if (Array.isArray(v)) return v.map(toJson);
  if (v instanceof Set) return [...v].map(toJson);
  if (v !== null && typeof v === 'object') {
    if (v instanceof Map) return Object.fromEntries([...v].map(([k, x]) => [String(toJson(k)), toJson(x)]));
    return Object.fromEntries(Object.entries(v as Record<string, EdnValue>).map(([k, x]) => [k, toJson(x)]));
  }
  return v;
}

function toEvent(text: string): Record<string, unknown> {
  let m: EdnValue;
  try {
    m = parseEdn(text);
  } catch (err) {
    if (err instanceof EdnError) throw new LineError(`not an EDN value (one op map a line is expected): ${err.message}`);
    throw err;
  }
  if (m === null || typeof m !== 'object' || Object.getPrototypeOf(m) !== null) {
    throw new LineError('expected an op map {:process …, :type …, :f …}');
  }
  const map = m as Record<string, EdnValue>;
  const p = map.process;
  const process = p instanceof Keyword && p.name === 'nemesis' ? 'nemesis' : p;
  if (process !== 'nemesis' && !(typeof process === 'number' && Number.isSafeInteger(process) && process >= 0)) {
    throw new LineError(`:process must be a non-negative integer or :nemesis, found ${JSON.stringify(toJson(p ?? null))}`);
  }
  const type = map.type;
  if (!(type instanceof Keyword) || !TYPES.has(type.name)) throw new LineError(`:type must be one of :invoke, :ok, :fail, :info, found ${JSON.stringify(toJson(type ?? null))}`);
  const f = map.f;
  if (!(f instanceof Keyword || typeof f === 'string')) throw new LineError(`:f must be a keyword, found ${JSON.stringify(toJson(f ?? null))}`);
  const ev: Record<string, unknown> = { process, type: type.name, f: f instanceof Keyword ? f.name : f };
  if (typeof map.key === 'string' || typeof map.key === 'number') ev.key = String(map.key);
  if (map.time !== undefined) {
    if (typeof map.time !== 'number' || !Number.isSafeInteger(map.time) || map.time < 0) throw new LineError(`:time must be a non-negative integer (ns), found ${JSON.stringify(toJson(map.time))}`);
    ev.time = map.time;
  }
  const value = map.value === undefined ? undefined : toJson(map.value);
  if ((type.name === 'fail' || type.name === 'info') && process !== 'nemesis') {
    const e = map.error ?? (type.name === 'info' && value !== null ? map.value : undefined);
    const why = e === undefined || e === null ? undefined : toJson(e);
    ev.error = why === undefined ? (type.name === 'fail' ? 'failed' : 'unknown') : typeof why === 'string' ? why : JSON.stringify(why);
    // An info write keeps the value it tried to write: checkers need it.
    if (type.name === 'info' && value !== undefined && !(map.value instanceof Keyword)) ev.value = value;
    return ev;
  }
  // A read's invocation carries nil: nothing was written.
  if (value !== undefined && !(type.name === 'invoke' && value === null)) ev.value = value;
  return ev;
}

/** Parses a Jepsen EDN history (a vector of op maps, one a line, or bare maps one a line). */
export function parseJepsenEdn(text: string, file: string): History {
  // The vector's brackets stand on the first and last lines, around the maps: blank them out
  // so that every remaining line is one map and errors name the right line.
  const body = text.replace(/^(\s*)\[/, '$1 ').replace(/\](\s*)$/, ' $1');
  return historyFromLines(body, file, toEvent);
}

export async function importJepsenEdn(file: string): Promise<History> {
  return parseJepsenEdn(await readText(file), file);
}
