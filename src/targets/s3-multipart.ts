import { AbortMultipartUploadCommand, CompleteMultipartUploadCommand, CreateMultipartUploadCommand, UploadPartCommand, type S3Client } from '@aws-sdk/client-s3';
import { classifyS3Error } from './s3-errors.js';
import { TargetError, type PutOptions } from './target.js';

/**
 * One PUT as a multipart upload: create, the parts in order, complete (carrying the PUT's
 * If-Match / If-None-Match, as S3 takes them there). Only the completion writes the object, so
 * a failure before it is definite (nothing was written) and the upload is aborted; the
 * completion's own failure is for the caller to classify like a PUT's.
 */
export async function putMultipart(s3: S3Client, bucket: string, key: string, body: Uint8Array, partSize: number, options?: PutOptions): Promise<{ etag: string }> {
  const signal = options?.signal;
  let uploadId: string | undefined;
  const parts: { ETag: string; PartNumber: number }[] = [];
  try {
    const created = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key, ContentType: options?.contentType, Metadata: options?.metadata }), { abortSignal: signal });
    uploadId = created.UploadId;
    for (let offset = 0, n = 1; offset < body.byteLength; offset += partSize, n++) {
      const chunk = body.subarray(offset, Math.min(body.byteLength, offset + partSize));
      const r = await s3.send(new UploadPartCommand({ Bucket: bucket, Key: key, UploadId: uploadId, PartNumber: n, Body: chunk, ContentLength: chunk.byteLength }), { abortSignal: signal });
      parts.push({ ETag: r.ETag ?? '', PartNumber: n });
    }
  } catch (err) {
    if (uploadId) abandon(s3, bucket, key, uploadId);
    throw new TargetError('definite', `multipart upload not completed, nothing written: ${classifyS3Error(err).message}`);
  }
  const done = await s3.send(
    new CompleteMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId, MultipartUpload: { Parts: parts }, IfMatch: options?.ifMatch, IfNoneMatch: options?.ifNoneMatch }),
    { abortSignal: signal },
  );
  return { etag: done.ETag ?? '' };
}

/** Aborts an upload in the background: its parts would otherwise be kept (and billed). */
function abandon(s3: S3Client, bucket: string, key: string, uploadId: string): void {
  s3.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId })).catch(() => {});
}
