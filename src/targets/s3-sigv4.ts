import { createHmac, hash } from 'node:crypto';

// AWS Signature Version 4 for S3, written out because the SDK's signer costs more than the rest
// of a request: the signing key is derived once a day and region (four HMACs) and kept, so a
// request costs two SHA-256 and one HMAC. test/targets/s3-sigv4.test.ts holds it to
// @smithy/signature-v4's output.
// Each is a one-shot crypto.hash, the HMAC too (RFC 2104 over the kept key's pads): a Hash or
// Hmac object per call cost several µs more a request, and at the low rates of a slow store,
// where every request runs on cold caches, each µs of the client's counts two or three times.

export interface SigningCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** The payload hash S3 accepts over TLS in place of the body's SHA-256. */
export const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';
const EMPTY_SHA256 = hash('sha256', '', 'hex');

/** Headers proxies may change on the way, which the SDK never signs: neither do we. */
const UNSIGNED_HEADERS = new Set(['authorization', 'cache-control', 'connection', 'expect', 'from', 'keep-alive', 'max-forwards', 'pragma', 'referer', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'user-agent', 'x-amzn-trace-id']);

const WHITESPACE = /\s/;

/** A header's value as SigV4 signs it: trimmed, each run of whitespace one space (most have none). */
function canonicalValue(value: string): string {
  return WHITESPACE.test(value) ? value.trim().replace(/\s+/g, ' ') : value;
}

export function payloadHash(body: Uint8Array | undefined): string {
  return body === undefined || body.byteLength === 0 ? EMPTY_SHA256 : hash('sha256', body, 'hex');
}

export interface RequestToSign {
  method: string;
  /** The URL path, already encoded as it goes on the wire. */
  path: string;
  /** The query in canonical form (canonicalQuery), as it goes on the wire. */
  query: string;
  /** Lower-case names. All are signed but those proxies may change (UNSIGNED_HEADERS); the signer adds its own. */
  headers: Record<string, string>;
  /** The body's SHA-256 in hex, or UNSIGNED_PAYLOAD. */
  payloadHash: string;
}

export class S3Signer {
  private keyFor?: { secret: string; day: string; hmac: KeyedSha256 };
  private dateOf?: { second: number; text: string };

  constructor(
    private readonly region: string,
    private readonly service = 's3',
  ) {}

  /** Adds x-amz-date, x-amz-content-sha256, the session token if any, and Authorization to the request's headers. */
  sign(request: RequestToSign, credentials: SigningCredentials, now?: Date): void {
    const amzDate = this.amzDate(now ? now.getTime() : Date.now());
    const day = amzDate.slice(0, 8);
    const headers = request.headers;
    headers['x-amz-date'] = amzDate;
    headers['x-amz-content-sha256'] = request.payloadHash;
    if (credentials.sessionToken) headers['x-amz-security-token'] = credentials.sessionToken;
    const names = Object.keys(headers)
      .filter((name) => !UNSIGNED_HEADERS.has(name))
      .sort();
    let canonicalHeaders = '';
    for (const name of names) canonicalHeaders += `${name}:${canonicalValue(headers[name]!)}\n`;
    const signedHeaders = names.join(';');
    const canonicalRequest = `${request.method}\n${request.path}\n${request.query}\n${canonicalHeaders}\n${signedHeaders}\n${request.payloadHash}`;
    const scope = `${day}/${this.region}/${this.service}/aws4_request`;
    const stringToSign = `AWS4-HMAC-SHA256\n${amzDate}\n${scope}\n${hash('sha256', canonicalRequest, 'hex')}`;
    const signature = this.signingKey(credentials.secretAccessKey, day).hex(stringToSign);
    headers.authorization = `AWS4-HMAC-SHA256 Credential=${credentials.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
  }

  /** YYYYMMDD'T'HHMMSS'Z', formatted once a second (a request signs in well under one). */
  private amzDate(nowMs: number): string {
    const second = Math.floor(nowMs / 1000);
    if (second !== this.dateOf?.second) this.dateOf = { second, text: new Date(nowMs).toISOString().replace(/[-:]|\.\d{3}/g, '') };
    return this.dateOf.text;
  }

  private signingKey(secret: string, day: string): KeyedSha256 {
    const cached = this.keyFor;
    if (cached && cached.secret === secret && cached.day === day) return cached.hmac;
    const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest();
    const key = hmac(hmac(hmac(hmac(`AWS4${secret}`, day), this.region), this.service), 'aws4_request');
    this.keyFor = { secret, day, hmac: new KeyedSha256(key) };
    return this.keyFor.hmac;
  }
}

const BLOCK = 64;

/**
 * HMAC-SHA256 with one key (of at most a block), for many messages: H((K ^ opad) || H((K ^ ipad) || m)),
 * RFC 2104, with the padded keys made once and each message written into a scratch buffer
 * (as UTF-8, as Hmac.update takes a string).
 */
export class KeyedSha256 {
  private readonly inner = Buffer.alloc(BLOCK);
  private readonly outer = Buffer.alloc(BLOCK + 32);
  private scratch = Buffer.alloc(BLOCK + 512);

  constructor(key: Uint8Array) {
    if (key.byteLength > BLOCK) throw new Error(`an HMAC key of ${key.byteLength} bytes: at most ${BLOCK}`);
    for (let i = 0; i < BLOCK; i++) {
      const k = i < key.byteLength ? key[i]! : 0;
      this.inner[i] = k ^ 0x36;
      this.outer[i] = k ^ 0x5c;
    }
  }

  hex(message: string): string {
    // A UTF-16 unit is at most 3 bytes of UTF-8.
    if (this.scratch.byteLength < BLOCK + message.length * 3) this.scratch = Buffer.alloc(BLOCK + message.length * 3);
    this.inner.copy(this.scratch, 0);
    const n = this.scratch.write(message, BLOCK, 'utf8');
    hash('sha256', this.scratch.subarray(0, BLOCK + n), 'buffer').copy(this.outer, BLOCK);
    return hash('sha256', this.outer, 'hex');
  }
}
