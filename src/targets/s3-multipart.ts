import { classifyS3Error } from './s3-errors.js';
import { TargetError, type PutOptions } from './target.js';

/** S3's multipart calls on one key, as a client makes them (the SDK's here, the lean client's in s3-lean-client.ts). */
export interface MultipartCalls {
  /** CreateMultipartUpload with the PUT's content type and metadata: the upload id. */
  create(options: PutOptions | undefined): Promise<string>;
  /** UploadPart: the part's ETag. */
  uploadPart(uploadId: string, partNumber: number, chunk: Uint8Array, signal: AbortSignal | undefined): Promise<string>;
  /** CompleteMultipartUpload with the PUT's If-Match / If-None-Match: what the object now is. */
  complete(uploadId: string, parts: readonly CompletedPart[], options: PutOptions | undefined): Promise<{ etag: string }>;
  abort(uploadId: string): Promise<void>;
}

export interface CompletedPart {
  partNumber: number;
  etag: string;
}

/**
 * One PUT as a multipart upload: create, the parts in order, complete (carrying the PUT's
 * If-Match / If-None-Match, as S3 takes them there). Only the completion writes the object, so
 * a failure before it is definite (nothing was written) and the upload is aborted; the
 * completion's own failure is for the caller to classify like a PUT's.
 */
export async function putMultipart(calls: MultipartCalls, body: Uint8Array, partSize: number, options?: PutOptions): Promise<{ etag: string }> {
  const signal = options?.signal;
  let uploadId: string | undefined;
  const parts: CompletedPart[] = [];
  try {
    uploadId = await calls.create(options);
    for (let offset = 0, n = 1; offset < body.byteLength; offset += partSize, n++) {
      const chunk = body.subarray(offset, Math.min(body.byteLength, offset + partSize));
      parts.push({ partNumber: n, etag: await calls.uploadPart(uploadId, n, chunk, signal) });
    }
  } catch (err) {
    // Aborted in the background: its parts would otherwise be kept (and billed).
    if (uploadId) calls.abort(uploadId).catch(() => {});
    throw new TargetError('definite', `multipart upload not completed, nothing written: ${classifyS3Error(err).message}`);
  }
  return calls.complete(uploadId, parts, options);
}
