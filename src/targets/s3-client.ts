import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { classifyS3Error, httpStatus, isNoSuchKey } from './s3-errors.js';
import { putMultipart, type MultipartCalls } from './s3-multipart.js';
import { TargetError, type CallOptions, type ObjectMeta, type PutOptions, type StoredObject, type TargetClient } from './target.js';

export interface S3Connection {
  /** Omitted: AWS's own endpoint for the region. */
  endpoint?: string;
  region: string;
  bucket: string;
  forcePathStyle: boolean;
  /** Omitted: the SDK's default chain (environment, shared files, instance roles). */
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /** The transport's own deadline, a little beyond the runner's per-op timeout. */
  requestTimeoutMs: number;
  /** Sockets kept open: at least the number of workers. */
  maxSockets: number;
  /**
   * The lean client's connections, where they should be fewer than maxSockets: one per worker.
   * undici's pool opens another connection when a request comes while the last answer is still
   * being handed over, so twice the workers' sockets get opened and used in turn, and that measured
   * a fifth more client CPU a request against the emulator (16 workers, 16 vs 32 connections).
   */
  connections?: number;
}

/**
 * The SDK configured for measurement: one request per operation (no retries, which would
 * hide failures and stretch latencies), checksums only where required (the newer defaults
 * break R2 and several third-party servers), and a request timeout that throws.
 */
export function makeS3Client(c: S3Connection): S3Client {
  const agentOptions = { keepAlive: true, maxSockets: c.maxSockets };
  const config: S3ClientConfig = {
    region: c.region,
    forcePathStyle: c.forcePathStyle,
    maxAttempts: 1,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    requestHandler: new NodeHttpHandler({
      requestTimeout: c.requestTimeoutMs,
      connectionTimeout: c.requestTimeoutMs,
      throwOnRequestTimeout: true,
      httpAgent: new HttpAgent(agentOptions),
      httpsAgent: new HttpsAgent(agentOptions),
    }),
  };
  if (c.endpoint) config.endpoint = c.endpoint;
  if (c.credentials) config.credentials = c.credentials;
  return new S3Client(config);
}

/** A TargetClient over the AWS SDK (`--client sdk`), confined to one prefix of one bucket. */
export class S3TargetClient implements TargetClient {
  constructor(
    readonly s3: S3Client,
    readonly bucket: string,
    readonly prefix: string,
    /** Bodies larger than this go as multipart uploads of parts this size (undefined: never). */
    readonly partSize?: number,
  ) {}

  private path(key: string): string {
    return this.prefix + key;
  }

  private async send<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (err) {
      throw classifyS3Error(err);
    }
  }

  async get(key: string, options?: CallOptions): Promise<StoredObject | null> {
    return this.send(async () => {
      try {
        const r = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.path(key) }), { abortSignal: options?.signal });
        // Always consume the body: an unread body holds its socket and throughput collapses.
        const body = r.Body ? await r.Body.transformToByteArray() : new Uint8Array();
        const o: StoredObject = { body, etag: r.ETag ?? '', size: body.byteLength };
        if (r.LastModified) o.lastModified = r.LastModified;
        if (r.Metadata && Object.keys(r.Metadata).length > 0) o.metadata = r.Metadata;
        return o;
      } catch (err) {
        if (isNotFound(err)) return null;
        throw err;
      }
    });
  }

  async head(key: string, options?: CallOptions): Promise<ObjectMeta | null> {
    return this.send(async () => {
      try {
        const r = await this.s3.send(new HeadObjectCommand({ Bucket: this.bucket, Key: this.path(key) }), { abortSignal: options?.signal });
        const m: ObjectMeta = { etag: r.ETag ?? '', size: r.ContentLength ?? 0 };
        if (r.LastModified) m.lastModified = r.LastModified;
        if (r.Metadata && Object.keys(r.Metadata).length > 0) m.metadata = r.Metadata;
        return m;
      } catch (err) {
        if (isNotFound(err)) return null;
        throw err;
      }
    });
  }

  async put(key: string, body: Uint8Array, options?: PutOptions): Promise<{ etag: string; versionId?: string }> {
    return this.send(async () => {
      try {
        return await this.putOnce(key, body, options);
      } catch (err) {
        // S3 answers If-Match on a missing key with 404 NoSuchKey: the condition did not hold.
        if (options?.ifMatch !== undefined && isNotFound(err)) {
          const e = classifyS3Error(err);
          throw new TargetError('precondition', e.message, e.status, e.code);
        }
        throw err;
      }
    });
  }

  /** One PutObject, or a multipart upload beyond the part size; If-Match and If-None-Match go out exactly as given (an ETag keeps its quotes). */
  private async putOnce(key: string, body: Uint8Array, options?: PutOptions): Promise<{ etag: string; versionId?: string }> {
    if (this.partSize !== undefined && body.byteLength > this.partSize) return putMultipart(sdkMultipart(this.s3, this.bucket, this.path(key)), body, this.partSize, options);
    const r = await this.s3.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: this.path(key),
        Body: body,
        ContentLength: body.byteLength,
        ContentType: options?.contentType,
        CacheControl: options?.cacheControl,
        Metadata: options?.metadata,
        IfMatch: options?.ifMatch,
        IfNoneMatch: options?.ifNoneMatch,
      }),
      { abortSignal: options?.signal },
    );
    // S3 says "null" for a write to an unversioned (or suspended) bucket.
    return r.VersionId && r.VersionId !== 'null' ? { etag: r.ETag ?? '', versionId: r.VersionId } : { etag: r.ETag ?? '' };
  }

  async replaceMetadata(key: string, metadata: Record<string, string>, options?: CallOptions): Promise<{ etag: string }> {
    return this.send(async () => {
      // CopySource is "bucket/key", URL-encoded except for the slashes of the key.
      const source = `${this.bucket}/${encodeURIComponent(this.path(key)).replace(/%2F/g, '/')}`;
      const r = await this.s3.send(
        new CopyObjectCommand({ Bucket: this.bucket, Key: this.path(key), CopySource: source, MetadataDirective: 'REPLACE', Metadata: metadata }),
        { abortSignal: options?.signal },
      );
      return { etag: r.CopyObjectResult?.ETag ?? '' };
    });
  }

  async delete(key: string, options?: CallOptions): Promise<void> {
    await this.send(() => this.s3.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.path(key) }), { abortSignal: options?.signal }));
  }

  async list(prefix: string, options?: CallOptions): Promise<string[]> {
    return this.send(async () => {
      const keys: string[] = [];
      let token: string | undefined;
      do {
        const r = await this.s3.send(
          new ListObjectsV2Command({ Bucket: this.bucket, Prefix: this.path(prefix), ContinuationToken: token }),
          { abortSignal: options?.signal },
        );
        for (const o of r.Contents ?? []) if (o.Key) keys.push(o.Key.slice(this.prefix.length));
        token = r.IsTruncated ? r.NextContinuationToken : undefined;
      } while (token);
      return keys;
    });
  }
}

function isNotFound(err: unknown): boolean {
  return isNoSuchKey(httpStatus(err), (err as { name?: string })?.name);
}

/** The multipart calls through the AWS SDK. */
export function sdkMultipart(s3: S3Client, bucket: string, key: string): MultipartCalls {
  return {
    async create(options) {
      const r = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key, ContentType: options?.contentType, Metadata: options?.metadata }), { abortSignal: options?.signal });
      return r.UploadId ?? '';
    },
    async uploadPart(uploadId, partNumber, chunk, signal) {
      const r = await s3.send(new UploadPartCommand({ Bucket: bucket, Key: key, UploadId: uploadId, PartNumber: partNumber, Body: chunk, ContentLength: chunk.byteLength }), { abortSignal: signal });
      return r.ETag ?? '';
    },
    async complete(uploadId, parts, options) {
      const done = await s3.send(
        new CompleteMultipartUploadCommand({
          Bucket: bucket,
          Key: key,
          UploadId: uploadId,
          MultipartUpload: { Parts: parts.map((p) => ({ ETag: p.etag, PartNumber: p.partNumber })) },
          IfMatch: options?.ifMatch,
          IfNoneMatch: options?.ifNoneMatch,
        }),
        { abortSignal: options?.signal },
      );
      return { etag: done.ETag ?? '' };
    },
    async abort(uploadId) {
      await s3.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId }));
    },
  };
}

/**
 * Deletes the objects under the run's prefix, and only those: the keys come from listing that
 * prefix, so nothing the run did not create can be touched.
 */
export async function deletePrefix(s3: S3Client, bucket: string, prefix: string): Promise<number> {
  if (!prefix.startsWith('objcheck/') || !prefix.endsWith('/')) throw new Error(`refusing to clean up outside a run prefix: ${prefix}`);
  let deleted = 0;
  let token: string | undefined;
  do {
    const r = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
    const keys = (r.Contents ?? []).map((o) => o.Key!).filter((k) => k.startsWith(prefix));
    if (keys.length > 0) {
      try {
        await s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys.map((Key) => ({ Key })), Quiet: true } }));
      } catch {
        // GCS's XML API has no multi-object delete, and s3rver fails it with a 500 when two of
        // the keys share a folder: one at a time then.
        for (const Key of keys) await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key }));
      }
      deleted += keys.length;
    }
    token = r.IsTruncated ? r.NextContinuationToken : undefined;
  } while (token);
  return deleted;
}
