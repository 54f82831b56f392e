import { readFileSync } from 'node:fs';
import { UserError } from '../../../src/util/errors.js';
import { HistoryBuilder, HistoryFormatError } from '../../../src/history/build.js';
import type { History } from '../../../src/history/event.js';

/** Reads a whole text file; a missing or unreadable file is a UserError naming it. */
export async function readText(file: string): Promise<string> {
  try {
    // Synchronous: the files are small and one read beats the promise machinery per file.
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new UserError(`${file}: cannot read: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
}

const NOT_BLANK = /\S/;

/**
 * Turns the lines of `text` into a History: `toEvent` maps a line to the event's fields (without
 * index and time) or throws a LineError. Index is the event's position, time the line number (in
 * ns), so the history keeps the file's order. Blank lines are skipped.
 */
export function historyFromLines(
  text: string,
  file: string,
  toEvent: (line: string) => Record<string, unknown>,
): History {
  const b = new HistoryBuilder();
  const lines = text.split('\n');
  const eventLines: number[] = [];
  let index = 0;
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i]!;
    if (line.charCodeAt(line.length - 1) === 13) line = line.slice(0, -1); // \r
    if (!NOT_BLANK.test(line)) continue;
    const lineNo = i + 1;
    try {
      b.add(Object.assign({ index, time: lineNo }, toEvent(line)));
    } catch (err) {
      if (err instanceof LineError) throw new UserError(`${file}:${lineNo}: ${err.message}`);
      if (err instanceof HistoryFormatError) throw new UserError(`${file}:${lineNo}: ${err.what}`);
      throw err;
    }
    eventLines.push(lineNo);
    index++;
  }
  return Object.assign(b.finish(), { lines: eventLines });
}

/** What is wrong with one line (the caller adds file and line). */
export class LineError extends Error {}
