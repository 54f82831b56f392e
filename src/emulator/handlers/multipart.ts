import { createHash } from 'node:crypto';
import { checksumHeader, computeChecksum, verifyChecksums, type StoredChecksum } from '../auth/checksums.js';
import { S3Error } from '../errors.js';
import { queryValue } from '../http/request-target.js';
import { md5Etag, type NewObject } from '../object-version.js';
import { S3_NS, el, parseCompleteMultipart, type CompletedPart } from '../xml.js';
import { newObject, writeNote, writePrecondition, writtenVersionHeader } from './object.js';
import { writeVersionId } from './versions.js';
import { type EmulatorState, type S3Request, type S3Response } from './types.js';
import { emptyResponse, xmlResponse } from './xml-response.js';
import { checksumXml, objectChecksum, partChecksum, requestedUploadChecksum } from './multipart-checksum.js';
import type { Upload } from './multipart-uploads.js';

const MIN_PART_BYTES = 5 * 1024 * 1024;
const MAX_PARTS = 10_000;

export async function createMultipartUpload(state: EmulatorState, request: S3Request): Promise<S3Response> {
  const bucket = state.buckets.get(request.target.bucket!);
  const key = request.target.key!;
  const { body: _body, etag: _etag, ...template } = newObject(request, Buffer.alloc(0), bucket);
  const checksum = requestedUploadChecksum(request);
  const upload = state.uploads.start(bucket.name, key, template, checksum);
  const headers = checksum ? { 'x-amz-checksum-algorithm': checksum.algorithm, 'x-amz-checksum-type': checksum.type } : {};
  return xmlResponse(200, `<InitiateMultipartUploadResult xmlns="${S3_NS}">${el('Bucket', bucket.name)}${el('Key', key)}${el('UploadId', upload.id)}</InitiateMultipartUploadResult>`, headers);
}

/** The upload a part request names, and the part number it gives, checked. */
export function partTarget(state: EmulatorState, request: S3Request): { upload: Upload; partNumber: number } {
  const q = request.target.query;
  const upload = state.uploads.get(queryValue(q, 'uploadId'), request.target.bucket!, request.target.key!);
  const partNumber = Number(queryValue(q, 'partNumber'));
  if (!Number.isInteger(partNumber) || partNumber < 1 || partNumber > MAX_PARTS) {
    throw new S3Error('InvalidArgument', 'Part number must be an integer between 1 and 10000, inclusive');
  }
  return { upload, partNumber };
}

export async function uploadPart(state: EmulatorState, request: S3Request): Promise<S3Response> {
  const { upload, partNumber } = partTarget(state, request);
  const body = request.payload.body;
  verifyChecksums(body, request.headers);
  verifyChecksums(body, request.payload.trailers);
  const etag = md5Etag(body);
  const spec = upload.checksum;
  if (!spec) {
    upload.parts.set(partNumber, { body, etag });
    return emptyResponse(200, { etag });
  }
  const checksum = partChecksum(spec, request, body);
  upload.parts.set(partNumber, { body, etag, checksum });
  return emptyResponse(200, { etag, [checksumHeader(spec)]: checksum });
}

export async function completeMultipartUpload(state: EmulatorState, request: S3Request): Promise<S3Response> {
  const bucket = state.buckets.get(request.target.bucket!);
  const key = request.target.key!;
  const id = queryValue(request.target.query, 'uploadId');
  const done = state.uploads.completedAs(id, bucket.name, key);
  if (done !== undefined) {
    // A retry of a completion that was applied: the same answer, no second write.
    request.notes.push({ op: 'CompleteMultipartUpload', key });
    return completeResult(bucket.name, key, done.etag, done.checksum);
  }
  const upload = state.uploads.get(id, bucket.name, key);
  const listed = completedParts(parseCompleteMultipart(request.payload.body.toString('utf8')));
  const bodies: Buffer[] = [];
  const checksums: string[] = [];
  const md5 = createHash('md5');
  listed.forEach((p, i) => {
    const part = upload.parts.get(p.partNumber);
    if (!part || part.etag.replace(/"/g, '') !== p.etag.replace(/"/g, '')) throw new S3Error('InvalidPart', undefined, { PartNumber: String(p.partNumber) });
    if (i < listed.length - 1 && part.body.length < MIN_PART_BYTES) throw new S3Error('EntityTooSmall', undefined, { PartNumber: String(p.partNumber) });
    bodies.push(part.body);
    if (upload.checksum) checksums.push(part.checksum ?? computeChecksum(upload.checksum.algorithm, part.body));
    md5.update(Buffer.from(part.etag.replace(/"/g, ''), 'hex'));
  });
  // S3's multipart ETag: the MD5 of the parts' binary MD5s, then "-" and the part count.
  const etag = `"${md5.digest('hex')}-${listed.length}"`;
  const object: NewObject = { ...upload.template, body: Buffer.concat(bodies), etag, partSizes: bodies.map((b) => b.length) };
  if (upload.checksum) {
    object.checksum = objectChecksum(upload.checksum, bodies.map((body, i) => ({ body, checksum: checksums[i]! })), request);
    object.partChecksums = checksums;
  }
  const precondition = writePrecondition(state, request);
  const writeId = state.nextWriteId();
  const versionId = writeVersionId(bucket, writeId);
  const outcome = await bucket.keyspace.write({ key, object, writeId, ...(versionId !== undefined ? { versionId } : {}), ...(precondition ? { precondition } : {}) });
  state.uploads.complete(upload, etag, object.checksum);
  request.notes.push(writeNote('CompleteMultipartUpload', key, outcome));
  return completeResult(bucket.name, key, etag, object.checksum, versionId);
}

/**
 * The parts a completion lists, in order. A part number listed twice in a row is the same part
 * (a client that resent a part and kept both answers lists it twice): the last entry counts, as
 * in RGW, and the part is the one uploaded last. Anything out of order is InvalidPartOrder.
 */
function completedParts(listed: CompletedPart[]): CompletedPart[] {
  const parts: CompletedPart[] = [];
  for (const p of listed) {
    const last = parts[parts.length - 1];
    if (last && p.partNumber < last.partNumber) throw new S3Error('InvalidPartOrder');
    if (last && p.partNumber === last.partNumber) parts[parts.length - 1] = p;
    else parts.push(p);
  }
  return parts;
}

function completeResult(bucket: string, key: string, etag: string, checksum: StoredChecksum | undefined, versionId?: string): S3Response {
  return xmlResponse(
    200,
    `<CompleteMultipartUploadResult xmlns="${S3_NS}">${el('Location', `/${bucket}/${key}`)}${el('Bucket', bucket)}${el('Key', key)}${el('ETag', etag)}${checksumXml(checksum)}</CompleteMultipartUploadResult>`,
    writtenVersionHeader(versionId),
  );
}

export async function abortMultipartUpload(state: EmulatorState, request: S3Request): Promise<S3Response> {
  const upload = state.uploads.get(queryValue(request.target.query, 'uploadId'), request.target.bucket!, request.target.key!);
  state.uploads.end(upload.id);
  return emptyResponse(204);
}

export async function listMultipartUploads(state: EmulatorState, request: S3Request): Promise<S3Response> {
  const bucket = state.buckets.get(request.target.bucket!);
  const uploads = state.uploads
    .inBucket(bucket.name)
    .map((u) => {
      // Who started it, as S3 names them: the initiator, who also owns it.
      const id = u.template.owner ?? bucket.owner;
      const who = `${el('ID', id)}${el('DisplayName', state.users.displayName(id))}`;
      return `<Upload>${el('Key', u.key)}${el('UploadId', u.id)}<Initiator>${who}</Initiator><Owner>${who}</Owner>${el('Initiated', u.initiated.toISOString())}<StorageClass>STANDARD</StorageClass></Upload>`;
    })
    .join('');
  return xmlResponse(200, `<ListMultipartUploadsResult xmlns="${S3_NS}">${el('Bucket', bucket.name)}<KeyMarker></KeyMarker><UploadIdMarker></UploadIdMarker>${el('MaxUploads', 1000)}${el('IsTruncated', false)}${uploads}</ListMultipartUploadsResult>`);
}
