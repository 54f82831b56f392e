// Jepsen's etcd logs (Porcupine's test data): one event a line,
//   INFO  jepsen.util - <process>  <type>  <f>  <value>
// type :invoke/:ok/:fail/:info, f :read/:write/:cas, value nil / a number / [expected new] /
// :timed-out. The fields are separated by tabs or runs of spaces; the value is read as EDN.

import type { History } from '../../../src/history/event.js';
import { historyFromLines, LineError, readText } from './common.js';
import { EdnError, Keyword, parseEdn, type EdnValue } from './edn.js';

const LINE = /^\s*\S+\s+\S+\s+-\s+(\S+)\s+(\S+)\s+(\S+)(?:\s+(.*?))?\s*$/;
const TYPES = new Set(['invoke', 'ok', 'fail', 'info']);
const FS = new Set(['read', 'write', 'cas']);

function keyword(field: string, token: string, allowed: Set<string>): string {
  if (!token.startsWith(':') || !allowed.has(token.slice(1))) {
    throw new LineError(`${field} must be one of ${[...allowed].map((x) => ':' + x).join(', ')}, found ${JSON.stringify(token)}`);
  }
  return token.slice(1);
}

function toEvent(line: string): Record<string, unknown> {
  const m = LINE.exec(line);
  if (!m) throw new LineError('not a Jepsen log line ("INFO  jepsen.util - <process> <type> <f> <value>")');
  const [, procText, typeText, fText, valueText] = m as unknown as [string, string, string, string, string | undefined];
  if (!/^\d+$/.test(procText)) throw new LineError(`the process must be a non-negative integer, found ${JSON.stringify(procText)}`);
  const process = Number(procText);
  const type = keyword('the type', typeText, TYPES);
  const f = keyword('the f', fText, FS);
  let value: EdnValue;
  try {
    value = parseEdn(valueText ?? '');
  } catch (err) {
    if (err instanceof EdnError) throw new LineError(`the value ${JSON.stringify(valueText ?? '')} is not EDN: ${err.what}`);
    throw err;
  }
  const ev: Record<string, unknown> = { process, type, f };
  if (type === 'fail' || type === 'info') {
    ev.error = value instanceof Keyword ? value.name : type === 'fail' ? 'failed' : 'unknown';
    return ev;
  }
  if (value instanceof Keyword) throw new LineError(`an ${type} ${f} cannot have the value :${value.name}`);
  if (f === 'read') {
    if (type === 'ok') {
      if (value !== null && typeof value !== 'number') throw new LineError(`a read must return nil or a number, found ${valueText}`);
      ev.value = value;
    }
  } else if (f === 'write') {
    if (typeof value !== 'number') throw new LineError(`a write's value must be a number, found ${valueText}`);
    ev.value = value;
  } else {
    if (!Array.isArray(value) || value.length !== 2 || value.some((x) => typeof x !== 'number' && x !== null)) {
      throw new LineError(`a cas's value must be [expected new], found ${valueText}`);
    }
    ev.value = value;
  }
  return ev;
}

/** Parses an etcd Jepsen log into a History (model: cas-register). */
export function parseEtcdLog(text: string, file: string): History {
  return historyFromLines(text, file, toEvent);
}

export async function importEtcdLog(file: string): Promise<History> {
  return parseEtcdLog(await readText(file), file);
}
