import { bucketRootPath, objectPath, type S3Address } from './s3-address.js';
import { classifyS3Failure, type S3Failure } from './s3-errors.js';
import { HttpPool, type HttpRequest, type HttpResponse } from './s3-http.js';
import { payloadHash, S3Signer, UNSIGNED_PAYLOAD, type SigningCredentials } from './s3-sigv4.js';
import { canonicalQuery } from './s3-uri.js';
import { xmlText } from './s3-xml.js';
import type { TargetError } from './target.js';

/** Static keys, or a provider (the SDK's default chain, which caches and refreshes what it finds). */
export type CredentialSource = SigningCredentials | (() => Promise<SigningCredentials>);

export interface S3Request {
  method: HttpRequest['method'];
  /** The object's full key in the bucket; omitted for a request on the bucket itself. */
  key?: string;
  query?: Record<string, string>;
  /** Lower-case names; signed (but for the few a proxy may change). */
  headers?: Record<string, string>;
  body?: Uint8Array;
  signal?: AbortSignal;
}

/** Signed requests on one bucket: addressing, SigV4, the connection pool. */
export class S3Requests {
  private readonly signer: S3Signer;
  private readonly paths = new Map<string, string>();

  constructor(
    readonly address: S3Address,
    readonly bucket: string,
    region: string,
    private readonly credentials: CredentialSource,
    private readonly pool: HttpPool,
  ) {
    this.signer = new S3Signer(region);
  }

  async send(r: S3Request): Promise<HttpResponse> {
    const credentials = typeof this.credentials === 'function' ? await this.credentials() : this.credentials;
    const path = r.key === undefined ? bucketRootPath(this.address) : this.objectPath(r.key);
    const query = r.query ? canonicalQuery(r.query) : '';
    const headers: Record<string, string> = r.headers ? { host: this.address.host, ...r.headers } : { host: this.address.host };
    // Over TLS the body is protected in transit and S3 takes it unhashed; over plain HTTP the
    // signature must cover it.
    const hash = this.address.secure ? UNSIGNED_PAYLOAD : payloadHash(r.body);
    this.signer.sign({ method: r.method, path, query, headers, payloadHash: hash }, credentials);
    return this.pool.send({ method: r.method, path: query ? `${path}?${query}` : path, headers, ...(r.body ? { body: r.body } : {}), ...(r.signal ? { signal: r.signal } : {}) });
  }

  close(): Promise<void> {
    return this.pool.close();
  }

  /** A key's path, encoded once: a run comes back to the same keys again and again. */
  private objectPath(key: string): string {
    let path = this.paths.get(key);
    if (path === undefined) {
      if (this.paths.size >= MAX_CACHED_PATHS) this.paths.clear();
      path = objectPath(this.address, key);
      this.paths.set(key, path);
    }
    return path;
  }
}

const MAX_CACHED_PATHS = 10_000;

/**
 * What a 200 answers with: the object itself (GET or HEAD of an object: never an S3 error), an
 * XML document or nothing, or a result that is due (CopyObject, CompleteMultipartUpload).
 */
export type Answer = 'object' | 'document' | 'result';

/**
 * The failure a response reports, or undefined for a success. S3 can answer 200 and still fail
 * (an <Error> document; for CopyObject and CompleteMultipartUpload, also an empty body); the
 * SDK treats both as a 503, and so does this, so that both clients record the same outcome.
 */
export function responseFailure(response: HttpResponse, answer: Answer): TargetError | undefined {
  const { status, body } = response;
  if (status >= 200 && status < 300) {
    if (answer === 'object') return undefined;
    if (answer === 'result' && body.byteLength === 0) return classifyS3Failure({ name: 'InternalError', status: 503, message: 'S3 aborted request' });
    if (!endsWithErrorElement(body)) return undefined;
    return classifyS3Failure(errorOf(503, body));
  }
  return classifyS3Failure(errorOf(status, body));
}

function errorOf(status: number, body: Buffer): S3Failure {
  const xml = body.byteLength > 0 ? body.toString('utf8') : '';
  // A body-less answer (HEAD, or a proxy's) names a 404 NotFound, and nothing else: as the SDK does.
  const name = xmlText(xml, 'Code') ?? (status === 404 ? 'NotFound' : 'Unknown');
  return { name, status, message: xmlText(xml, 'Message') ?? 'UnknownError' };
}

function endsWithErrorElement(body: Buffer): boolean {
  return body.byteLength >= 8 && body.toString('utf8', Math.max(0, body.byteLength - 16)).endsWith('</Error>');
}
