import { timingSafeEqual } from 'node:crypto';
import { S3Error } from '../errors.js';
import { hmacSha256, sha256Hex } from './node-sha256.js';

const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

/** The signing state chunk signatures chain from: the request's own signature is the seed. */
export interface ChunkSigning {
  signingKey: Uint8Array;
  longDate: string;
  scope: string;
  seedSignature: string;
}

export interface DecodedChunks {
  body: Buffer;
  /** Trailing headers (e.g. x-amz-checksum-crc32), names in lower case. */
  trailers: Record<string, string>;
}

function incomplete(message: string): S3Error {
  return new S3Error('IncompleteBody', `aws-chunked body: ${message}`);
}

function lineEnd(raw: Buffer, from: number): number {
  const at = raw.indexOf('\r\n', from, 'latin1');
  if (at < 0) throw incomplete('missing CRLF');
  return at;
}

function checkSignature(expected: string, provided: string | undefined): void {
  const a = Buffer.from(expected, 'latin1');
  const b = Buffer.from(provided ?? '', 'latin1');
  if (a.length !== b.length || !timingSafeEqual(a, b)) {
    throw new S3Error('SignatureDoesNotMatch', 'The chunk signature does not match');
  }
}

/**
 * Decodes a whole aws-chunked body: `hex-size[;chunk-signature=sig]\r\n data \r\n`, up to a
 * zero-size chunk, then optional trailer lines and a blank line. With `signing`, every chunk
 * signature (and the trailer signature, if sent) is checked along the chain
 * AWS4-HMAC-SHA256-PAYLOAD / -TRAILER, so a body altered in transit is refused.
 */
export function decodeAwsChunked(raw: Buffer, signing?: ChunkSigning): DecodedChunks {
  const parts: Buffer[] = [];
  const trailers: Record<string, string> = {};
  let previous = signing?.seedSignature ?? '';
  let pos = 0;
  for (;;) {
    const end = lineEnd(raw, pos);
    const headerLine = raw.toString('latin1', pos, end);
    const semi = headerLine.indexOf(';');
    const sizeText = (semi < 0 ? headerLine : headerLine.slice(0, semi)).trim();
    if (!/^[0-9a-fA-F]+$/.test(sizeText)) throw incomplete(`bad chunk size "${sizeText}"`);
    const size = parseInt(sizeText, 16);
    const start = end + 2;
    if (start + size > raw.length) throw incomplete('chunk shorter than its size');
    const data = raw.subarray(start, start + size);
    if (signing) {
      const provided = /chunk-signature=([0-9a-f]+)/.exec(headerLine)?.[1];
      const stringToSign = `AWS4-HMAC-SHA256-PAYLOAD\n${signing.longDate}\n${signing.scope}\n${previous}\n${EMPTY_SHA256}\n${sha256Hex(data)}`;
      const expected = hmacSha256(signing.signingKey, stringToSign).toString('hex');
      checkSignature(expected, provided);
      previous = expected;
    }
    pos = start + size;
    if (size === 0) break;
    parts.push(data);
    if (raw.toString('latin1', pos, pos + 2) !== '\r\n') throw incomplete('chunk data not followed by CRLF');
    pos += 2;
  }
  // Trailer section: header lines until a blank line (or the end, which some clients omit).
  let trailerSignature: string | undefined;
  let canonicalTrailers = '';
  while (pos < raw.length) {
    const end = raw.indexOf('\r\n', pos, 'latin1');
    const line = raw.toString('latin1', pos, end < 0 ? raw.length : end).trim();
    pos = end < 0 ? raw.length : end + 2;
    if (line === '') continue;
    const colon = line.indexOf(':');
    if (colon <= 0) throw incomplete(`bad trailer "${line}"`);
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (name === 'x-amz-trailer-signature') trailerSignature = value;
    else {
      trailers[name] = value;
      canonicalTrailers += `${name}:${value}\n`;
    }
  }
  if (signing && trailerSignature !== undefined) {
    const stringToSign = `AWS4-HMAC-SHA256-TRAILER\n${signing.longDate}\n${signing.scope}\n${previous}\n${sha256Hex(canonicalTrailers)}`;
    checkSignature(hmacSha256(signing.signingKey, stringToSign).toString('hex'), trailerSignature);
  }
  return { body: parts.length === 1 ? parts[0]! : Buffer.concat(parts), trailers };
}
