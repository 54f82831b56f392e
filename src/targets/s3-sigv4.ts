import { createHash, createHmac } from 'node:crypto';

// AWS Signature Version 4 for S3, written out because the SDK's signer costs more than the rest
// of a request: the signing key is derived once a day and region (four HMACs) and kept, so a
// request costs two SHA-256 and one HMAC. test/targets/s3-sigv4.test.ts holds it to
// @smithy/signature-v4's output.

export interface SigningCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** The payload hash S3 accepts over TLS in place of the body's SHA-256. */
export const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';
const EMPTY_SHA256 = createHash('sha256').digest('hex');

/** Headers proxies may change on the way, which the SDK never signs: neither do we. */
const UNSIGNED_HEADERS = new Set(['authorization', 'cache-control', 'connection', 'expect', 'from', 'keep-alive', 'max-forwards', 'pragma', 'referer', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'user-agent', 'x-amzn-trace-id']);

export function payloadHash(body: Uint8Array | undefined): string {
  return body === undefined || body.byteLength === 0 ? EMPTY_SHA256 : createHash('sha256').update(body).digest('hex');
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
  private keyFor?: { secret: string; day: string; key: Buffer };

  constructor(
    private readonly region: string,
    private readonly service = 's3',
  ) {}

  /** Adds x-amz-date, x-amz-content-sha256, the session token if any, and Authorization to the request's headers. */
  sign(request: RequestToSign, credentials: SigningCredentials, now: Date = new Date()): void {
    const amzDate = now.toISOString().replace(/[-:]|\.\d{3}/g, '');
    const day = amzDate.slice(0, 8);
    const headers = request.headers;
    headers['x-amz-date'] = amzDate;
    headers['x-amz-content-sha256'] = request.payloadHash;
    if (credentials.sessionToken) headers['x-amz-security-token'] = credentials.sessionToken;
    const names = Object.keys(headers)
      .filter((name) => !UNSIGNED_HEADERS.has(name))
      .sort();
    let canonicalHeaders = '';
    for (const name of names) canonicalHeaders += `${name}:${headers[name]!.trim().replace(/\s+/g, ' ')}\n`;
    const signedHeaders = names.join(';');
    const canonicalRequest = `${request.method}\n${request.path}\n${request.query}\n${canonicalHeaders}\n${signedHeaders}\n${request.payloadHash}`;
    const scope = `${day}/${this.region}/${this.service}/aws4_request`;
    const stringToSign = `AWS4-HMAC-SHA256\n${amzDate}\n${scope}\n${createHash('sha256').update(canonicalRequest).digest('hex')}`;
    const signature = createHmac('sha256', this.signingKey(credentials.secretAccessKey, day)).update(stringToSign).digest('hex');
    headers.authorization = `AWS4-HMAC-SHA256 Credential=${credentials.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
  }

  private signingKey(secret: string, day: string): Buffer {
    const cached = this.keyFor;
    if (cached && cached.secret === secret && cached.day === day) return cached.key;
    const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest();
    const key = hmac(hmac(hmac(hmac(`AWS4${secret}`, day), this.region), this.service), 'aws4_request');
    this.keyFor = { secret, day, key };
    return key;
  }
}
