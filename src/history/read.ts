import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { UserError } from '../util/errors.js';
import { HistoryBuilder, HistoryFormatError } from './build.js';
import type { History } from './event.js';
import { EventScanner } from './scan-event.js';

/**
 * Reads and checks a history file (JSON Lines). A file that breaks the format is a user
 * error naming the file, the line (from 1) and what is wrong with it. `onBytes` hears of each
 * chunk read (progress).
 */
export async function readHistory(file: string, onBytes?: (n: number) => void): Promise<History> {
  try {
    const s = await stat(file);
    if (!s.isFile()) throw new UserError(`${file}: not a file`);
  } catch (err) {
    if (err instanceof UserError) throw err;
    throw new UserError(`${file}: cannot read: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  const builder = new HistoryBuilder();
  const scanner = new EventScanner();
  let line = 0;
  let blankAt = 0;
  let droppedTail: string | undefined;
  const add = (event: unknown): void => {
    try {
      builder.add(event);
    } catch (err) {
      if (err instanceof HistoryFormatError) throw new UserError(`${file}:${line}: ${err.what}`);
      throw err;
    }
  };
  /** Any line the scanner does not take, decoded: blank lines, other shapes, broken lines. */
  const takeText = (text: string, last: boolean): void => {
    // JSON has no raw line breaks inside values: a trailing \r is a CRLF file's line end.
    if (text.endsWith('\r')) text = text.slice(0, -1);
    if (text.length === 0 || (text.charCodeAt(0) <= 32 && text.trim() === '')) {
      blankAt ||= line;
      return;
    }
    if (blankAt) throw new UserError(`${file}:${blankAt}: empty line inside the history`);
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      // A run killed mid-write leaves a last line cut short and no newline after it: what it
      // says is lost, the rest stands. Anywhere else a broken line is a broken file.
      if (last) {
        droppedTail = `${file}:${line}: the last line is cut short (the run was stopped mid-write); dropped, and the history is incomplete`;
        return;
      }
      throw new UserError(`${file}:${line}: not valid JSON (${(err as Error).message})`);
    }
    add(parsed);
  };
  /** The line bytes[start, end), its "\n" excluded. */
  const take = (bytes: Buffer, start: number, end: number, last = false): void => {
    line++;
    // Lines as the Recorder writes them are read from the bytes by the scanner; any other line
    // is decoded and goes to JSON.parse, whose verdict and message stand.
    const crlf = end > start && bytes[end - 1] === 13;
    const event = scanner.scan(bytes, start, crlf ? end - 1 : end);
    if (event === undefined) return takeText(bytes.toString('utf8', start, end), last);
    if (blankAt) throw new UserError(`${file}:${blankAt}: empty line inside the history`);
    add(event);
  };
  // Big chunks split by hand, as bytes: a line-by-line async iterator (readline) costs a promise
  // a line, and decoding every line to a string costs as much as parsing it. "\n" is never part
  // of a longer UTF-8 sequence, so splitting bytes at it splits the text at its line ends.
  let carry: Buffer[] = [];
  for await (const chunk of createReadStream(file, { highWaterMark: 4 << 20 })) {
    const bytes = chunk as Buffer;
    onBytes?.(bytes.length);
    let start = 0;
    let nl = bytes.indexOf(10);
    if (nl >= 0 && carry.length > 0) {
      // The line that began in earlier chunks ends in this one.
      const joined = Buffer.concat([...carry, bytes.subarray(0, nl)]);
      carry = [];
      take(joined, 0, joined.length);
      start = nl + 1;
      nl = bytes.indexOf(10, start);
    }
    for (; nl >= 0; nl = bytes.indexOf(10, start)) {
      take(bytes, start, nl);
      start = nl + 1;
    }
    if (start < bytes.length) carry.push(bytes.subarray(start));
  }
  if (carry.length > 0) {
    const rest = Buffer.concat(carry);
    take(rest, 0, rest.length, true);
  }
  const history = builder.finish();
  return droppedTail === undefined ? history : { ...history, droppedTail };
}
