// Porcupine's kv histories: one EDN map a line,
//   {:process P, :type :invoke|:ok|:fail|:info, :f :get|:put|:append, :key "K", :value "V"}

import type { History } from '../../../src/history/event.js';
import { historyFromLines, LineError, readText } from './common.js';
import { EdnError, Keyword, parseEdn, type EdnValue } from './edn.js';

const TYPES = new Set(['invoke', 'ok', 'fail', 'info']);
const FS = new Set(['get', 'put', 'append']);
const FIELDS = new Set(['process', 'type', 'f', 'key', 'value', 'error', 'time', 'index']);

function kw(m: Record<string, EdnValue>, field: string, allowed: Set<string>): string {
  const v = m[field];
  if (!(v instanceof Keyword) || !allowed.has(v.name)) {
    throw new LineError(`:${field} must be one of ${[...allowed].map((x) => ':' + x).join(', ')}, found ${show(v)}`);
  }
  return v.name;
}

function show(v: EdnValue | undefined): string {
  if (v === undefined) return 'nothing';
  if (v instanceof Keyword) return `:${v.name}`;
  if (v === null) return 'nil';
  return typeof v === 'object' ? 'a collection' : JSON.stringify(v);
}

function toEvent(line: string): Record<string, unknown> {
  let m: EdnValue;
  try {
    m = parseEdn(line);
  } catch (err) {
    if (err instanceof EdnError) throw new LineError(`not an EDN value: ${err.message}`);
    throw err;
  }
  if (m === null || typeof m !== 'object' || Array.isArray(m) || m instanceof Keyword || m instanceof Map || m instanceof Set || Object.getPrototypeOf(m) !== null) {
    throw new LineError('expected an EDN map {:process …, :type …, :f …, :key …, :value …}');
  }
  const map = m as Record<string, EdnValue>;
  for (const k in map) if (!FIELDS.has(k)) throw new LineError(`unexpected field :${k}`);
  const process = map.process;
  if (typeof process !== 'number' || !Number.isSafeInteger(process) || process < 0) {
    throw new LineError(`:process must be a non-negative integer, found ${show(process)}`);
  }
  const type = kw(map, 'type', TYPES);
  const f = kw(map, 'f', FS);
  const key = map.key;
  if (typeof key !== 'string') throw new LineError(`:key must be a string, found ${show(key)}`);
  if (!('value' in map)) throw new LineError('no :value');
  const value = map.value;
  const ev: Record<string, unknown> = { process, type, f, key };
  if (type === 'fail' || type === 'info') {
    const e = map.error;
    ev.error = e instanceof Keyword ? e.name : typeof e === 'string' ? e : type === 'fail' ? 'failed' : 'unknown';
    return ev;
  }
  if (value !== null && typeof value !== 'string') throw new LineError(`:value must be a string or nil, found ${show(value)}`);
  if (f === 'get') {
    if (type === 'ok') ev.value = value ?? '';
  } else {
    if (value === null) throw new LineError(`a ${f} needs a string :value`);
    ev.value = value;
  }
  return ev;
}

/** Parses a kv EDN history into a History (model: kv). */
export function parseKvEdn(text: string, file: string): History {
  return historyFromLines(text, file, toEvent);
}

export async function importKvEdn(file: string): Promise<History> {
  return parseKvEdn(await readText(file), file);
}
