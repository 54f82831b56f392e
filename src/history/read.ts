import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createInterface } from 'node:readline';
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
  const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
  let line = 0;
  let blankAt = 0;
  for await (const text of lines) {
    line++;
    if (text.trim() === '') {
      blankAt ||= line;
      continue;
    }
    if (blankAt) throw new UserError(`${file}:${blankAt}: empty line inside the history`);
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      throw new UserError(`${file}:${line}: not valid JSON (${(err as Error).message})`);
    }
    try {
      builder.add(parsed);
    } catch (err) {
      if (err instanceof HistoryFormatError) throw new UserError(`${file}:${line}: ${err.what}`);
      throw err;
    }
  }
  return builder.finish();
}
