import type { IncomingHttpHeaders } from 'node:http';
import { s3Address } from './s3-address.js';
import type { S3Connection } from './s3-client.js';
import { isNoSuchKey } from './s3-errors.js';
import { HttpPool, type HttpResponse } from './s3-http.js';
import { putMultipart, type MultipartCalls } from './s3-multipart.js';
import { responseFailure, S3Requests, type CredentialSource } from './s3-request.js';
import { encodeKeyPath } from './s3-uri.js';
import { xmlElements, xmlEscape, xmlText } from './s3-xml.js';
import { TargetError, type CallOptions, type ObjectMeta, type PutOptions, type StoredObject, type TargetClient } from './target.js';

const META = 'x-amz-meta-';

/**
 * A TargetClient that speaks S3's REST API itself (`--client lean`, the default): signed
 * requests over a keep-alive pool, a fifth to a tenth of the SDK's CPU a request, so that the instrument
 * costs far less than what it measures. It makes the same calls as S3TargetClient and reports
 * outcomes through the same classification (s3-errors.ts), so histories mean the same.
 */
export class LeanS3Client implements TargetClient {
  constructor(
    private readonly requests: S3Requests,
    readonly prefix: string,
    /** Bodies larger than this go as multipart uploads of parts this size (undefined: never). */
    readonly partSize?: number,
  ) {}

  get bucket(): string {
    return this.requests.bucket;
  }

  async get(key: string, options?: CallOptions): Promise<StoredObject | null> {
    const r = await this.requests.send({ method: 'GET', key: this.prefix + key, ...signal(options) });
    const failure = responseFailure(r, 'object');
    if (failure) {
      if (isNoSuchKey(failure.status, failure.code)) return null;
      throw failure;
    }
    const body = new Uint8Array(r.body.buffer, r.body.byteOffset, r.body.byteLength);
    return withMeta({ body, etag: header(r.headers, 'etag'), size: body.byteLength }, r.headers);
  }

  async head(key: string, options?: CallOptions): Promise<ObjectMeta | null> {
    const r = await this.requests.send({ method: 'HEAD', key: this.prefix + key, ...signal(options) });
    const failure = responseFailure(r, 'object');
    if (failure) {
      if (isNoSuchKey(failure.status, failure.code)) return null;
      throw failure;
    }
    return withMeta({ etag: header(r.headers, 'etag'), size: Number(header(r.headers, 'content-length') || 0) }, r.headers);
  }

  async put(key: string, body: Uint8Array, options?: PutOptions): Promise<{ etag: string; versionId?: string }> {
    try {
      if (this.partSize !== undefined && body.byteLength > this.partSize) return await putMultipart(this.multipart(this.prefix + key), body, this.partSize, options);
      return await this.putObject(this.prefix + key, body, options);
    } catch (err) {
      // S3 answers If-Match on a missing key with 404 NoSuchKey: the condition did not hold.
      if (options?.ifMatch !== undefined && err instanceof TargetError && isNoSuchKey(err.status, err.code)) throw new TargetError('precondition', err.message, err.status, err.code);
      throw err;
    }
  }

  /** One PutObject; If-Match and If-None-Match go out exactly as given (an ETag keeps its quotes). */
  private async putObject(fullKey: string, body: Uint8Array, options?: PutOptions): Promise<{ etag: string; versionId?: string }> {
    const r = await this.requests.send({ method: 'PUT', key: fullKey, headers: writeHeaders(options, true), body, ...signal(options) });
    const failure = responseFailure(r, 'document');
    if (failure) throw failure;
    const etag = header(r.headers, 'etag');
    const versionId = header(r.headers, 'x-amz-version-id');
    // S3 says "null" for a write to an unversioned (or suspended) bucket.
    return versionId && versionId !== 'null' ? { etag, versionId } : { etag };
  }

  async replaceMetadata(key: string, metadata: Record<string, string>, options?: CallOptions): Promise<{ etag: string }> {
    const fullKey = this.prefix + key;
    const headers: Record<string, string> = {
      // "bucket/key", URL-encoded except for the slashes of the key, as S3TargetClient sends it.
      'x-amz-copy-source': `${this.bucket}/${encodeKeyPath(fullKey)}`,
      'x-amz-metadata-directive': 'REPLACE',
    };
    for (const [k, v] of Object.entries(metadata)) headers[META + k.toLowerCase()] = v;
    const r = await this.requests.send({ method: 'PUT', key: fullKey, headers, ...signal(options) });
    const failure = responseFailure(r, 'result');
    if (failure) throw failure;
    return { etag: xmlText(r.body.toString('utf8'), 'ETag') ?? '' };
  }

  async delete(key: string, options?: CallOptions): Promise<void> {
    const r = await this.requests.send({ method: 'DELETE', key: this.prefix + key, ...signal(options) });
    const failure = responseFailure(r, 'document');
    if (failure) throw failure;
  }

  async list(prefix: string, options?: CallOptions): Promise<string[]> {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const query: Record<string, string> = { 'list-type': '2', prefix: this.prefix + prefix };
      if (token) query['continuation-token'] = token;
      const r = await this.requests.send({ method: 'GET', query, ...signal(options) });
      const failure = responseFailure(r, 'document');
      if (failure) throw failure;
      const xml = r.body.toString('utf8');
      for (const entry of xmlElements(xml, 'Contents')) {
        const k = xmlText(entry, 'Key');
        if (k) keys.push(k.slice(this.prefix.length));
      }
      token = xmlText(xml, 'IsTruncated') === 'true' ? xmlText(xml, 'NextContinuationToken') : undefined;
    } while (token);
    return keys;
  }

  /** Closes the connections. */
  destroy(): Promise<void> {
    return this.requests.close();
  }

  private multipart(fullKey: string): MultipartCalls {
    const requests = this.requests;
    return {
      async create(options) {
        const r = await requests.send({ method: 'POST', key: fullKey, query: { uploads: '' }, headers: writeHeaders(options, false), ...signal(options) });
        const failure = responseFailure(r, 'document');
        if (failure) throw failure;
        return xmlText(r.body.toString('utf8'), 'UploadId') ?? '';
      },
      async uploadPart(uploadId, partNumber, chunk, abort) {
        const r = await requests.send({ method: 'PUT', key: fullKey, query: { partNumber: String(partNumber), uploadId }, body: chunk, ...(abort ? { signal: abort } : {}) });
        const failure = responseFailure(r, 'document');
        if (failure) throw failure;
        return header(r.headers, 'etag');
      },
      async complete(uploadId, parts, options) {
        const xml = `<CompleteMultipartUpload xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${parts
          .map((p) => `<Part><ETag>${xmlEscape(p.etag)}</ETag><PartNumber>${p.partNumber}</PartNumber></Part>`)
          .join('')}</CompleteMultipartUpload>`;
        const headers: Record<string, string> = { 'content-type': 'application/xml' };
        if (options?.ifMatch !== undefined) headers['if-match'] = options.ifMatch;
        if (options?.ifNoneMatch !== undefined) headers['if-none-match'] = options.ifNoneMatch;
        const r = await requests.send({ method: 'POST', key: fullKey, query: { uploadId }, headers, body: Buffer.from(xml), ...signal(options) });
        const failure = responseFailure(r, 'result');
        if (failure) throw failure;
        return { etag: xmlText(r.body.toString('utf8'), 'ETag') ?? '' };
      },
      async abort(uploadId) {
        const r = await requests.send({ method: 'DELETE', key: fullKey, query: { uploadId } });
        const failure = responseFailure(r, 'document');
        if (failure) throw failure;
      },
    };
  }
}

function signal(options: CallOptions | undefined): { signal?: AbortSignal } {
  return options?.signal ? { signal: options.signal } : {};
}

/** A PUT's headers: its content type, caching, metadata, and (on PutObject itself) its conditions. */
function writeHeaders(options: PutOptions | undefined, conditions: boolean): Record<string, string> {
  const headers: Record<string, string> = {};
  if (!options) return headers;
  if (options.contentType !== undefined) headers['content-type'] = options.contentType;
  if (options.cacheControl !== undefined) headers['cache-control'] = options.cacheControl;
  if (options.metadata) for (const [k, v] of Object.entries(options.metadata)) headers[META + k.toLowerCase()] = v;
  if (conditions) {
    if (options.ifMatch !== undefined) headers['if-match'] = options.ifMatch;
    if (options.ifNoneMatch !== undefined) headers['if-none-match'] = options.ifNoneMatch;
  }
  return headers;
}

function header(headers: IncomingHttpHeaders, name: string): string {
  const v = headers[name];
  return Array.isArray(v) ? (v[0] ?? '') : (v ?? '');
}

/** Last-Modified and the user metadata (x-amz-meta-*, names lower-cased as the SDK gives them), where present. */
function withMeta<T extends ObjectMeta>(o: T, headers: HttpResponse['headers']): T {
  const lastModified = header(headers, 'last-modified');
  if (lastModified) o.lastModified = new Date(lastModified);
  let metadata: Record<string, string> | undefined;
  for (const name in headers) {
    if (name.startsWith(META)) (metadata ??= {})[name.slice(META.length)] = header(headers, name);
  }
  if (metadata) o.metadata = metadata;
  return o;
}

/**
 * A lean client for a connection. Without credentials of its own it asks `defaultCredentials`
 * (the SDK client's default chain, so that users see no difference between the clients).
 */
export function makeLeanClient(c: S3Connection, defaultCredentials: CredentialSource, prefix: string, partSize?: number): LeanS3Client {
  const address = s3Address(c.endpoint, c.region, c.bucket, c.forcePathStyle);
  const pool = new HttpPool(address.origin, { connections: c.connections ?? c.maxSockets, timeoutMs: c.requestTimeoutMs });
  return new LeanS3Client(new S3Requests(address, c.bucket, c.region, c.credentials ?? defaultCredentials, pool), prefix, partSize);
}
