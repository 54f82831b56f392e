// UploadPartCopy: a part of a multipart upload taken from (a byte range of) an existing object.
// Reading the source is a read like GetObject's (through the model, under the source's ACL and
// conditions); the part becomes part of an object only when the upload completes, a write.
import { checkRead } from '../conditions.js';
import { S3Error } from '../errors.js';
import { md5Etag } from '../object-version.js';
import { S3_NS, el } from '../xml.js';
import { partTarget } from './multipart.js';
import { copySourceVersion, parseCopySource, readPrecondition } from './object.js';
import { header, type EmulatorState, type S3Request, type S3Response } from './types.js';
import { versionIdHeader } from './versions.js';
import { xmlResponse } from './xml-response.js';

/** x-amz-copy-source-range: exactly "bytes=FIRST-LAST" (inclusive); anything else is InvalidArgument, past the end InvalidRange. */
function copyRange(text: string | undefined, size: number): { start: number; end: number } {
  if (text === undefined) return { start: 0, end: size - 1 };
  const m = /^bytes=(\d+)-(\d+)$/.exec(text.trim());
  if (!m) throw new S3Error('InvalidArgument', 'The x-amz-copy-source-range value must be of the form bytes=first-last where first and last are the zero-based offsets of the first and last bytes to copy', { ArgumentName: 'x-amz-copy-source-range', ArgumentValue: text });
  const start = Number(m[1]);
  const end = Number(m[2]);
  if (end < start || end >= size) throw new S3Error('InvalidRange', 'The requested range is not satisfiable', { RangeRequested: text, ActualObjectSize: String(size) });
  return { start, end };
}

export async function uploadPartCopy(state: EmulatorState, request: S3Request): Promise<S3Response> {
  const { upload, partNumber } = partTarget(state, request);
  const source = parseCopySource(header(request, 'x-amz-copy-source')!);
  const from = await copySourceVersion(state, request, source);
  const failed = checkRead(readPrecondition(request, 'x-amz-copy-source-'), from);
  // As for CopyObject, every failed source condition is a 412.
  if (failed) throw new S3Error('PreconditionFailed', undefined, failed.details);
  const { start, end } = copyRange(header(request, 'x-amz-copy-source-range'), from.body.length);
  // A copy of the bytes, not a view: the part must not change if the source's buffer were reused.
  const body = Buffer.from(from.body.subarray(start, end + 1));
  const etag = md5Etag(body);
  const lastModified = new Date();
  upload.parts.set(partNumber, { body, etag });
  const xml = `<CopyPartResult xmlns="${S3_NS}">${el('LastModified', lastModified.toISOString())}${el('ETag', etag)}</CopyPartResult>`;
  return xmlResponse(200, xml, versionIdHeader(state.buckets.get(source.bucket), from, 'x-amz-copy-source-version-id'));
}
