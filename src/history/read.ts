import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { UserError } from '../util/errors.js';
import { HistoryBuilder } from './build.js';
import type { History } from './event.js';
import { droppedTailMessage, LineError, LineReader } from './lines.js';

/**
 * Reads and checks a history file (JSON Lines). A file that breaks the format is a user
 * error naming the file, the line (from 1) and what is wrong with it. `onBytes` hears of each
 * chunk read (progress). `keepEvents` false: the events are not kept, only their ops (see
 * HistoryBuilder), for a reader that only checks them.
 */
export async function readHistory(file: string, onBytes?: (n: number) => void, keepEvents = true): Promise<History> {
  try {
    const s = await stat(file);
    if (!s.isFile()) throw new UserError(`${file}: not a file`);
  } catch (err) {
    if (err instanceof UserError) throw err;
    throw new UserError(`${file}: cannot read: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  const builder = new HistoryBuilder(keepEvents);
  const reader = new LineReader(
    (event) => builder.add(event),
    (scanner) => builder.addScanned(scanner),
  );
  const take = (bytes: Buffer, start: number, end: number, last = false): void => reader.take(bytes, start, end, last);
  // Big chunks split by hand, as bytes: a line-by-line async iterator (readline) costs a promise
  // a line, and decoding every line to a string costs as much as parsing it. "\n" is never part
  // of a longer UTF-8 sequence, so splitting bytes at it splits the text at its line ends.
  let carry: Buffer[] = [];
  try {
    for await (const chunk of createReadStream(file, { highWaterMark: 4 << 20 })) {
      const bytes = chunk as Buffer;
      onBytes?.(bytes.length);
      let start = 0;
      const nl = bytes.indexOf(10);
      if (nl >= 0 && carry.length > 0) {
        // The line that began in earlier chunks ends in this one.
        const joined = Buffer.concat([...carry, bytes.subarray(0, nl)]);
        carry = [];
        take(joined, 0, joined.length);
        start = nl + 1;
      }
      // The lines the scanner reads run on without their ends found first; take() has the rest.
      const lastNl = bytes.lastIndexOf(10);
      while (start <= lastNl) {
        start = reader.run(bytes, start, lastNl + 1, lastNl);
        if (start > lastNl) break;
        const end = bytes.indexOf(10, start);
        take(bytes, start, end);
        start = end + 1;
      }
      if (start < bytes.length) carry.push(bytes.subarray(start));
    }
    if (carry.length > 0) {
      const rest = Buffer.concat(carry);
      take(rest, 0, rest.length, true);
    }
  } catch (err) {
    if (err instanceof LineError) throw new UserError(`${file}:${err.line}: ${err.what}`);
    throw err;
  }
  const history = builder.finish();
  return reader.droppedTail === 0 ? history : { ...history, droppedTail: droppedTailMessage(file, reader.droppedTail) };
}
