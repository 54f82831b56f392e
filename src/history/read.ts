import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';
import { UserError } from '../cli/errors.js';
import { HistoryBuilder, HistoryFormatError } from './build.js';
import type { History } from './event.js';

/**
 * Reads and checks a history file (JSON Lines). A file that breaks the format is a user
 * error naming the file, the line (from 1) and what is wrong with it.
 */
export async function readHistory(file: string): Promise<History> {
  try {
    const s = await stat(file);
    if (!s.isFile()) throw new UserError(`${file}: not a file`);
  } catch (err) {
    if (err instanceof UserError) throw err;
    throw new UserError(`${file}: cannot read: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  const builder = new HistoryBuilder();
  let line = 0;
  let blankAt = 0;
  let droppedTail: string | undefined;
  const take = (text: string, last = false): void => {
    line++;
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
    try {
      builder.add(parsed);
    } catch (err) {
      if (err instanceof HistoryFormatError) throw new UserError(`${file}:${line}: ${err.what}`);
      throw err;
    }
  };
  // Big chunks split by hand: a line-by-line async iterator (readline) costs a promise a line,
  // which for a million-op history was most of the time spent reading it.
  const decoder = new StringDecoder('utf8');
  let carry = '';
  for await (const chunk of createReadStream(file, { highWaterMark: 4 << 20 })) {
    const text = carry + decoder.write(chunk as Buffer);
    let start = 0;
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
      take(text.slice(start, nl));
      start = nl + 1;
    }
    carry = text.slice(start);
  }
  carry += decoder.end();
  if (carry.length > 0) take(carry, true);
  const history = builder.finish();
  return droppedTail === undefined ? history : { ...history, droppedTail };
}
