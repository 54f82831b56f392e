import { createHash, createHmac, hash, type Hash, type Hmac } from 'node:crypto';
import type { Checksum, SourceData } from '@smithy/types';

function bytes(data: SourceData): Uint8Array | string {
  if (typeof data === 'string') return data;
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return new Uint8Array(data);
}

/**
 * The SHA-256 the Smithy signer takes, backed by Node's OpenSSL instead of a JavaScript
 * implementation: the signer hashes on every request, and the native hash is far cheaper.
 * With a secret it is an HMAC, as the signer's contract says.
 */
export class NodeSha256 implements Checksum {
  private hash: Hash | Hmac;

  constructor(private readonly secret?: SourceData) {
    this.hash = this.fresh();
  }

  private fresh(): Hash | Hmac {
    return this.secret === undefined ? createHash('sha256') : createHmac('sha256', bytes(this.secret));
  }

  update(data: Uint8Array): void {
    this.hash.update(data);
  }

  async digest(): Promise<Uint8Array> {
    return this.hash.digest();
  }

  reset(): void {
    this.hash = this.fresh();
  }
}

/** One call into OpenSSL, without the Hash object createHash makes (a string is hashed as UTF-8). */
export function sha256Hex(data: Uint8Array | string): string {
  return hash('sha256', data, 'hex');
}

export function hmacSha256(key: Uint8Array | string, data: string): Buffer {
  return createHmac('sha256', key).update(data).digest();
}

const BLOCK = 64;

/**
 * HMAC-SHA256 under one key (RFC 2104) as two one-shot hashes over the key's pads, computed once:
 * createHmac looks the digest up by name and builds a context on every call, which costs as much
 * as the two hashes. Not reentrant (it writes the message into a buffer it keeps): for
 * synchronous callers.
 */
export class Sha256Hmac {
  /** The inner pad, then room for the message. */
  private inner: Buffer;
  /** The inner pad and the last message, as long as it was: SigV4's strings to sign of a day are all as long. */
  private message: Buffer;
  /** The outer pad, then the inner digest. */
  private readonly outer = Buffer.alloc(BLOCK + 32);

  constructor(key: Uint8Array) {
    const k = key.length > BLOCK ? hash('sha256', key, 'buffer') : key;
    this.inner = Buffer.alloc(BLOCK + 256);
    this.message = this.inner.subarray(0, BLOCK);
    for (let i = 0; i < BLOCK; i++) {
      this.inner[i] = (k[i] ?? 0) ^ 0x36;
      this.outer[i] = (k[i] ?? 0) ^ 0x5c;
    }
  }

  /** The MAC of `data` (hashed as UTF-8, as createHmac's update does a string). */
  digest(data: string): Buffer;
  digest(data: string, encoding: 'hex'): string;
  digest(data: string, encoding?: 'hex'): Buffer | string {
    // UTF-8 takes at most 3 bytes per UTF-16 unit: room enough without measuring first.
    if (BLOCK + data.length * 3 > this.inner.length) {
      const grown = Buffer.alloc(BLOCK + data.length * 3);
      this.inner.copy(grown, 0, 0, BLOCK);
      this.inner = grown;
      this.message = grown.subarray(0, BLOCK);
    }
    const n = BLOCK + this.inner.write(data, BLOCK, 'utf8');
    if (this.message.length !== n) this.message = this.inner.subarray(0, n);
    // The inner digest as a latin-1 string: no Buffer (and no backing store) made for 32 bytes.
    this.outer.write(hash('sha256', this.message, 'binary'), BLOCK, 'latin1');
    return encoding === 'hex' ? hash('sha256', this.outer, 'hex') : hash('sha256', this.outer, 'buffer');
  }
}

/** SigV4's signing key: the secret HMAC-chained through the date, region, service and "aws4_request". */
export function deriveSigningKey(secret: string, shortDate: string, region: string, service: string): Buffer {
  return hmacSha256(hmacSha256(hmacSha256(hmacSha256(`AWS4${secret}`, shortDate), region), service), 'aws4_request');
}
