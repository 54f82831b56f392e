// The floor a check of our own history is measured against: read the file and JSON.parse every
// line, on one thread, keeping nothing. Reading as the reader did before it had its own scanner
// (4 MiB chunks, decoded, split by hand), so that the floor is the naive parse, not a slow one.
//   node dist/bench/check/parse-floor.js <history.jsonl>
import { createReadStream } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';

/** Parses every line of `file`; the number of lines parsed. */
export async function parseEveryLine(file: string): Promise<number> {
  const decoder = new StringDecoder('utf8');
  let carry = '';
  let lines = 0;
  for await (const chunk of createReadStream(file, { highWaterMark: 4 << 20 })) {
    const text = carry + decoder.write(chunk as Buffer);
    let start = 0;
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
      JSON.parse(text.slice(start, nl));
      lines++;
      start = nl + 1;
    }
    carry = text.slice(start);
  }
  carry += decoder.end();
  if (carry.length > 0) {
    JSON.parse(carry);
    lines++;
  }
  return lines;
}

const file = process.argv[2];
if (file !== undefined && import.meta.url.endsWith('/parse-floor.js')) {
  console.log(`${await parseEveryLine(file)} lines parsed`);
}
