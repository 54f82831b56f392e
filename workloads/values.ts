// Bodies for workloads that write unique integers. Each body verifies itself, so that a torn,
// truncated or corrupted read is told apart from a stale or phantom one:
//
//   objcheck:<id>:<value size>:<checksum>\n<padding>
//
// The checksum (16 hex digits of MD5) covers everything but itself: "objcheck:<id>:<size>:" and
// the padding. The padding is a block derived from the id, repeated up to the value size, so
// the bytes of two values differ throughout and a body spliced from two of them fails the
// checksum. A body is never shorter than its header: with a small --value-size it is the
// header alone. A read names the very write it saw (the id); what fails verification is
// recorded as {"corrupt": why, …} for read-validity to report; a body with no header at all
// (empty, or someone else's) as its text, as before.
import { createHash } from 'node:crypto';
import type { CorruptRead } from '../src/history/corrupt-read.js';

const MAGIC = 'objcheck:';
const encoder = new TextEncoder();
const decoder = new TextDecoder();
/** The default --value-size: small, so that a run measures the store's logic, not its network. */
export const DEFAULT_VALUE_SIZE = 64;
/** A foreign body is recorded as text up to this length; beyond it, shortened. */
const TEXT_SHOWN = 64;
/** A header is at most this long: magic, two 16-digit numbers, 16 hex digits, separators. */
const HEADER_MAX = MAGIC.length + 16 + 1 + 16 + 1 + 16 + 1;

export type DecodedValue = number | string | CorruptRead;

function checksum(prefix: string, padding: Uint8Array): string {
  return createHash('md5').update(prefix).update(padding).digest('hex').slice(0, 16);
}

/** The padding of value `id`, `length` bytes: printable, different for every id. */
function padding(id: number, length: number): Uint8Array {
  const block = createHash('sha256').update(String(id)).digest('hex');
  return Buffer.alloc(length, block);
}

export function encodeValue(id: number, valueSize = DEFAULT_VALUE_SIZE): Uint8Array {
  const prefix = `${MAGIC}${id}:${valueSize}:`;
  const headerLength = prefix.length + 16 + 1;
  const pad = padding(id, Math.max(0, valueSize - headerLength));
  const header = encoder.encode(`${prefix}${checksum(prefix, pad)}\n`);
  const body = new Uint8Array(header.length + pad.length);
  body.set(header);
  body.set(pad, header.length);
  return body;
}

/** One of our values as its id; a body that fails verification as a CorruptRead; any other body as its text. */
export function decodeValue(body: Uint8Array): DecodedValue {
  const head = decoder.decode(body.subarray(0, HEADER_MAX + 1));
  if (!head.startsWith(MAGIC)) return foreign(body);
  const m = /^objcheck:([1-9][0-9]{0,15}):([0-9]{1,16}):([0-9a-f]{16})\n/.exec(head);
  if (!m) return { corrupt: 'its header is mangled or cut short', bytes: body.byteLength };
  const id = Number(m[1]);
  const size = Number(m[2]);
  const headerLength = m[0].length;
  const expected = Math.max(size, headerLength);
  if (body.byteLength !== expected) {
    return { corrupt: `${body.byteLength < expected ? 'truncated' : 'too long'}: ${body.byteLength} of ${expected} bytes`, bytes: body.byteLength, id };
  }
  if (checksum(`${MAGIC}${m[1]}:${m[2]}:`, body.subarray(headerLength)) !== m[3]) {
    return { corrupt: 'checksum mismatch: the bytes are not the ones written (torn or corrupted)', bytes: body.byteLength, id };
  }
  return id;
}

/** A body with no header of ours: its text, shortened when long (it may be megabytes). */
function foreign(body: Uint8Array): DecodedValue {
  if (body.byteLength <= TEXT_SHOWN) return decoder.decode(body);
  return { corrupt: `not a value of objcheck's: ${JSON.stringify(decoder.decode(body.subarray(0, TEXT_SHOWN)))}…`, bytes: body.byteLength };
}
