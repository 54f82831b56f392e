import type { IncomingMessage } from 'node:http';
import { decodeAwsChunked } from '../auth/aws-chunked.js';
import { sha256Hex } from '../auth/node-sha256.js';
import { UNSIGNED_PAYLOAD, type Authenticated } from '../auth/sigv4.js';
import { S3Error } from '../errors.js';

const EMPTY = Buffer.alloc(0);

/** Reads the whole request body, refusing more than `limit` bytes. */
export function readRaw(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > limit) return Promise.reject(new S3Error('EntityTooLarge'));
  if (declared === '0' || (declared === undefined && req.headers['transfer-encoding'] === undefined)) return Promise.resolve(EMPTY);
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new S3Error('EntityTooLarge'));
        req.destroy();
        return;
      }
      parts.push(chunk);
    });
    req.on('end', () => resolve(parts.length === 1 ? parts[0]! : Buffer.concat(parts, size)));
    req.on('error', reject);
  });
}

export interface Payload {
  body: Buffer;
  /** Integrity values sent as aws-chunked trailers (x-amz-checksum-*). */
  trailers: Record<string, string>;
}

/**
 * The object bytes of a signed request: aws-chunked framing removed (chunk signatures checked
 * when the request is a signed stream), and a signed payload hash compared with the body.
 */
export function decodePayload(raw: Buffer, auth: Authenticated, headers: IncomingMessage['headers']): Payload {
  const hash = auth.payloadHash;
  if (hash.startsWith('STREAMING-')) {
    const signed = hash.startsWith('STREAMING-AWS4-HMAC-SHA256-PAYLOAD');
    if (!signed && hash !== 'STREAMING-UNSIGNED-PAYLOAD-TRAILER') {
      throw new S3Error('NotImplemented', `x-amz-content-sha256 ${hash} is not supported`);
    }
    const decoded = decodeAwsChunked(
      raw,
      signed ? { signingKey: auth.signingKey, longDate: auth.longDate, scope: auth.scope, seedSignature: auth.signature } : undefined,
    );
    const expected = headers['x-amz-decoded-content-length'];
    if (expected !== undefined && Number(expected) !== decoded.body.length) throw new S3Error('IncompleteBody');
    return decoded;
  }
  if (hash !== UNSIGNED_PAYLOAD && sha256Hex(raw) !== hash.toLowerCase()) {
    throw new S3Error('XAmzContentSHA256Mismatch', undefined, { ClientComputedContentSHA256: hash, S3ComputedContentSHA256: sha256Hex(raw) });
  }
  return { body: raw, trailers: {} };
}
