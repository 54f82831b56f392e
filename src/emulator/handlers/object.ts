import type { OutgoingHttpHeaders } from 'node:http';
import { headerText, metadataHeaderValue } from '../metadata-text.js';
import { checksumHeader, sentChecksum, verifyChecksums } from '../auth/checksums.js';
import { checkRead, type ReadPrecondition, type WritePrecondition } from '../conditions.js';
import { S3Error } from '../errors.js';
import { queryValue } from '../http/request-target.js';
import type { ReadOutcome, WriteOutcome } from '../models/keyspace.js';
import { md5Etag, type NewObject, type ObjectVersion } from '../object-version.js';
import { parseRange, type ByteRange } from '../range.js';
import { partRange } from '../part-range.js';
import { parseTaggingHeader } from '../tags.js';
import { authorizeObject } from '../access/access-rules.js';
import { requestedAcl } from '../access/acl.js';
import { checkAclAllowed } from '../access/public-access-block.js';
import type { Bucket } from '../buckets.js';
import { S3_NS, el } from '../xml.js';
import { header, type EmulatorState, type S3Request, type S3Response, type TruthNote } from './types.js';
import { bucketVersions, checkVersionId, deleteMarkerHeaders, requestVersionId, versionIdHeader, writeVersionId } from './versions.js';
import { emptyResponse, xmlResponse } from './xml-response.js';

const DEFAULT_CONTENT_TYPE = 'binary/octet-stream';
const META_PREFIX = 'x-amz-meta-';
const MAX_KEY_BYTES = 1024;

function checkKey(key: string): void {
  if (Buffer.byteLength(key) > MAX_KEY_BYTES) throw new S3Error('KeyTooLongError');
}

function userMetadata(request: S3Request): Record<string, string> {
  const metadata: Record<string, string> = {};
  for (const name in request.headers) {
    if (name.startsWith(META_PREFIX)) metadata[name.slice(META_PREFIX.length)] = headerText(header(request, name)!);
  }
  return metadata;
}

/** The request's write conditions; none when the emulator is told to ignore them (a fault). */
export function writePrecondition(state: EmulatorState, request: S3Request): WritePrecondition | undefined {
  if (state.options.ignoreConditions) return undefined;
  const ifMatch = header(request, 'if-match');
  const ifNoneMatch = header(request, 'if-none-match');
  if (ifMatch === undefined && ifNoneMatch === undefined) return undefined;
  return { ...(ifMatch !== undefined ? { ifMatch } : {}), ...(ifNoneMatch !== undefined ? { ifNoneMatch } : {}) };
}

export function readPrecondition(request: S3Request, prefix = ''): ReadPrecondition {
  const p: ReadPrecondition = {};
  const get = (name: string) => header(request, prefix + name);
  const ifMatch = get('if-match');
  const ifNoneMatch = get('if-none-match');
  const ifModifiedSince = get('if-modified-since');
  const ifUnmodifiedSince = get('if-unmodified-since');
  if (ifMatch !== undefined) p.ifMatch = ifMatch;
  if (ifNoneMatch !== undefined) p.ifNoneMatch = ifNoneMatch;
  if (ifModifiedSince !== undefined) p.ifModifiedSince = ifModifiedSince;
  if (ifUnmodifiedSince !== undefined) p.ifUnmodifiedSince = ifUnmodifiedSince;
  return p;
}

export function writeNote(op: string, key: string, outcome: WriteOutcome): TruthNote {
  const note: TruthNote = { op, key, replicas: outcome.replicas, writeId: outcome.version.writeId };
  if (outcome.coordinator !== undefined) note.coordinator = outcome.coordinator;
  if (outcome.committedAtNs !== undefined) note.committedAtNs = outcome.committedAtNs;
  return note;
}

function readNote(op: string, key: string, outcome: ReadOutcome): TruthNote {
  const note: TruthNote = { op, key, replicas: outcome.replicas, writeId: outcome.version?.writeId ?? null };
  if (outcome.coordinator !== undefined) note.coordinator = outcome.coordinator;
  if (outcome.servedBy !== undefined) note.servedBy = outcome.servedBy;
  if (outcome.readAtNs !== undefined) note.readAtNs = outcome.readAtNs;
  if (outcome.startedAtNs !== undefined) note.startedAtNs = outcome.startedAtNs;
  return note;
}

/** Representation headers S3 keeps as sent and gives back on GET and HEAD. */
const KEPT_HEADERS = ['content-disposition', 'content-language', 'expires'];

/** What a write asks to be kept beside the bytes: the headers above, and Content-Encoding without aws-chunked (the framing of this request's body, not the object's encoding). */
function contentHeaders(request: S3Request): Record<string, string> | undefined {
  const kept: Record<string, string> = {};
  for (const name of KEPT_HEADERS) {
    const value = header(request, name);
    if (value !== undefined) kept[name] = value;
  }
  const encoding = header(request, 'content-encoding')
    ?.split(',')
    .map((e) => e.trim())
    .filter((e) => e !== '' && e.toLowerCase() !== 'aws-chunked')
    .join(', ');
  if (encoding) kept['content-encoding'] = encoding;
  return Object.keys(kept).length > 0 ? kept : undefined;
}

/**
 * The object a write (PUT, a copy that replaces metadata, a multipart upload) asks for: its bytes
 * and headers, its writer as owner, and the ACL and tags it was given.
 */
export function newObject(request: S3Request, body: Buffer, bucket: Bucket): NewObject {
  const object: NewObject = {
    body,
    etag: md5Etag(body),
    contentType: header(request, 'content-type') ?? DEFAULT_CONTENT_TYPE,
    metadata: userMetadata(request),
    owner: request.caller.id,
  };
  const cacheControl = header(request, 'cache-control');
  if (cacheControl !== undefined) object.cacheControl = cacheControl;
  const kept = contentHeaders(request);
  if (kept) object.contentHeaders = kept;
  Object.assign(object, grantsAndTags(request, bucket));
  return object;
}

/** The ACL (x-amz-acl, x-amz-grant-*) and tags (x-amz-tagging) a write gives its object. */
export function grantsAndTags(request: S3Request, bucket: Bucket): Pick<NewObject, 'acl' | 'tags'> {
  const acl = requestedAcl(request.headers, request.caller.id, bucket.owner);
  checkAclAllowed(bucket, acl);
  const tagging = header(request, 'x-amz-tagging');
  const tags = tagging !== undefined ? parseTaggingHeader(tagging) : [];
  return { ...(acl ? { acl } : {}), ...(tags.length > 0 ? { tags } : {}) };
}

export async function putObject(state: EmulatorState, request: S3Request): Promise<S3Response> {
  const key = request.target.key!;
  checkKey(key);
  const bucket = state.buckets.get(request.target.bucket!);
  const body = request.payload.body;
  verifyChecksums(body, request.headers);
  verifyChecksums(body, request.payload.trailers);
  const precondition = writePrecondition(state, request);
  const writeId = state.nextWriteId();
  const versionId = writeVersionId(bucket, writeId);
  const object = newObject(request, body, bucket);
  // The checksum sent is kept, and given back now and on GET/HEAD with x-amz-checksum-mode: ENABLED.
  const checksum = sentChecksum(request.headers, request.payload.trailers);
  if (checksum) object.checksum = checksum;
  const outcome = await bucket.keyspace.write({ key, object, writeId, ...(versionId !== undefined ? { versionId } : {}), ...(precondition ? { precondition } : {}) });
  request.notes.push(writeNote('PutObject', key, outcome));
  return emptyResponse(200, { etag: outcome.version.etag, ...writtenVersionHeader(versionId), ...(checksum ? { [checksumHeader(checksum)]: checksum.value } : {}) });
}

/**
 * What S3 answers a write with: the new version's id while versioning is enabled. A write while
 * it is suspended makes the "null" version, and S3 names none in its answer (as for a bucket
 * that never had versioning).
 */
export function writtenVersionHeader(versionId: string | undefined): OutgoingHttpHeaders {
  return versionId !== undefined && versionId !== 'null' ? { 'x-amz-version-id': versionId } : {};
}

/** Headers a GET's query may set (response-content-type=...), with their parameter's name. */
const RESPONSE_OVERRIDES = ['content-type', 'content-language', 'expires', 'cache-control', 'content-disposition', 'content-encoding'].map((name) => [name, `response-${name}`] as const);

function objectHeaders(version: ObjectVersion, request: S3Request): OutgoingHttpHeaders {
  const headers: OutgoingHttpHeaders = {
    etag: version.etag,
    'last-modified': version.lastModified.toUTCString(),
    'content-type': version.contentType,
    'accept-ranges': 'bytes',
  };
  if (version.cacheControl !== undefined) headers['cache-control'] = version.cacheControl;
  Object.assign(headers, version.contentHeaders);
  if (version.tags) headers['x-amz-tagging-count'] = version.tags.length;
  for (const name in version.metadata) headers[META_PREFIX + name] = metadataHeaderValue(version.metadata[name]!);
  // A presigned GET may ask for other response headers (response-content-type=...).
  const q = request.target.query;
  for (const [name, parameter] of RESPONSE_OVERRIDES) {
    const override = queryValue(q, parameter);
    if (override === undefined) continue;
    // A decoded query value can hold characters no HTTP header may carry.
    if (/[^\t\x20-\x7e\x80-\xff]/.test(override)) throw new S3Error('InvalidArgument', `${parameter} holds characters a header cannot carry`);
    headers[name] = override;
  }
  return headers;
}

async function readObject(state: EmulatorState, request: S3Request, op: 'GetObject' | 'HeadObject'): Promise<S3Response> {
  const key = request.target.key!;
  const bucket = state.buckets.get(request.target.bucket!);
  const versionId = requestVersionId(request);
  let version: ObjectVersion;
  if (versionId === undefined) {
    const outcome = await bucket.keyspace.read(key);
    request.notes.push(readNote(op, key, outcome));
    authorizeObject(state, request, op, bucket, key, outcome.version);
    if (!outcome.version) {
      const error = new S3Error('NoSuchKey', undefined, { Key: key });
      throw outcome.deleteMarker ? error.withHeaders(deleteMarkerHeaders(outcome.deleteMarker)) : error;
    }
    version = outcome.version;
  } else {
    const outcome = await bucketVersions(state, bucket).readVersion(key, versionId);
    request.notes.push(readNote(op, key, outcome));
    authorizeObject(state, request, op, bucket, key, outcome.version);
    if (!outcome.version) throw new S3Error('NoSuchVersion', undefined, { Key: key, VersionId: versionId });
    // A delete marker has no body to read: S3 answers 405 and says what it is.
    if (outcome.version.deleted) throw new S3Error('MethodNotAllowed').withHeaders(deleteMarkerHeaders(outcome.version));
    version = outcome.version;
  }
  // Conditions apply to the version addressed (the current one without ?versionId=).
  const failed = checkRead(readPrecondition(request), version);
  if (failed) {
    if (failed.code === 'NotModified') {
      return { status: 304, headers: { etag: version.etag, 'last-modified': version.lastModified.toUTCString(), ...versionIdHeader(bucket, version) } };
    }
    throw failed;
  }
  const headers = { ...objectHeaders(version, request), ...versionIdHeader(bucket, version) };
  const size = version.body.length;
  const partNumber = queryValue(request.target.query, 'partNumber');
  let range: ByteRange | null;
  if (partNumber !== undefined) {
    if (header(request, 'range') !== undefined) throw new S3Error('InvalidRequest', 'Cannot specify both Range header and partNumber query parameter');
    const part = partRange(version, partNumber);
    range = part.range;
    headers['x-amz-mp-parts-count'] = part.count;
  } else {
    range = parseRange(header(request, 'range'), size);
    if (version.partSizes) headers['x-amz-mp-parts-count'] = version.partSizes.length;
  }
  Object.assign(headers, checksumHeaders(version, request, range, partNumber));
  if (range) {
    headers['content-range'] = `bytes ${range.start}-${range.end}/${size}`;
    headers['content-length'] = range.end - range.start + 1;
    const body = op === 'GetObject' ? version.body.subarray(range.start, range.end + 1) : undefined;
    return { status: 206, headers, ...(body ? { body } : {}) };
  }
  headers['content-length'] = size;
  return { status: 200, headers, ...(op === 'GetObject' ? { body: version.body } : {}) };
}

/**
 * The stored checksum S3 shows on a read: a whole object's when x-amz-checksum-mode is ENABLED; a
 * part's (GET ?partNumber=) always, when its upload kept one. A byte range has none.
 */
function checksumHeaders(version: ObjectVersion, request: S3Request, range: ByteRange | null, partNumber: string | undefined): OutgoingHttpHeaders {
  const c = version.checksum;
  if (!c) return {};
  const type = { 'x-amz-checksum-type': c.type ?? 'FULL_OBJECT' };
  if (partNumber !== undefined) {
    const part = version.partChecksums?.[Number(partNumber) - 1];
    return part !== undefined ? { [checksumHeader(c)]: part, ...type } : {};
  }
  if (range || header(request, 'x-amz-checksum-mode')?.toUpperCase() !== 'ENABLED') return {};
  return { [checksumHeader(c)]: c.value, ...type };
}

export function getObject(state: EmulatorState, request: S3Request): Promise<S3Response> {
  return readObject(state, request, 'GetObject');
}

export function headObject(state: EmulatorState, request: S3Request): Promise<S3Response> {
  return readObject(state, request, 'HeadObject');
}

/** "/bucket/key", "bucket/key" or either with ?versionId=, URL-encoded. */
export function parseCopySource(text: string): { bucket: string; key: string; versionId?: string } {
  const q = text.indexOf('?');
  let decoded: string;
  try {
    decoded = decodeURIComponent(q < 0 ? text : text.slice(0, q));
  } catch {
    throw new S3Error('InvalidArgument', 'Invalid copy source encoding');
  }
  if (decoded.startsWith('/')) decoded = decoded.slice(1);
  const slash = decoded.indexOf('/');
  if (slash <= 0 || slash === decoded.length - 1) throw new S3Error('InvalidArgument', 'Copy Source must mention the source bucket and key: sourcebucket/sourcekey');
  const source = { bucket: decoded.slice(0, slash), key: decoded.slice(slash + 1) };
  const versionId = q < 0 ? undefined : (new URLSearchParams(text.slice(q + 1)).get('versionId') ?? undefined);
  if (versionId === undefined) return source;
  checkVersionId(versionId);
  return { ...source, versionId };
}

/** The version a copy reads: the source's current one, or the one its ?versionId= names. */
export async function copySourceVersion(state: EmulatorState, request: S3Request, source: { bucket: string; key: string; versionId?: string }): Promise<ObjectVersion> {
  const bucket = state.buckets.get(source.bucket);
  if (source.versionId === undefined) {
    const read = await bucket.keyspace.read(source.key);
    request.notes.push(readNote('CopyObject:source', source.key, read));
    // Reading the source is a GetObject of its own: its bucket's owner, policy or the object's ACL must allow it.
    authorizeObject(state, request, 'GetObject', bucket, source.key, read.version);
    if (!read.version) throw new S3Error('NoSuchKey', undefined, { Key: source.key });
    return read.version;
  }
  const read = await bucketVersions(state, bucket).readVersion(source.key, source.versionId);
  request.notes.push(readNote('CopyObject:source', source.key, read));
  authorizeObject(state, request, 'GetObject', bucket, source.key, read.version);
  if (!read.version) throw new S3Error('NoSuchVersion', undefined, { Key: source.key, VersionId: source.versionId });
  if (read.version.deleted) throw new S3Error('InvalidRequest', 'The source of a copy request may not specifically refer to a delete marker by version id.');
  return read.version;
}

export async function copyObject(state: EmulatorState, request: S3Request): Promise<S3Response> {
  const key = request.target.key!;
  checkKey(key);
  const destination = state.buckets.get(request.target.bucket!);
  const source = parseCopySource(header(request, 'x-amz-copy-source')!);
  const directive = (header(request, 'x-amz-metadata-directive') ?? 'COPY').toUpperCase();
  if (directive !== 'COPY' && directive !== 'REPLACE') throw new S3Error('InvalidArgument', 'Unknown metadata directive.');
  // Copying a version by id onto its own key is allowed: it is how S3 restores an older version.
  if (source.bucket === destination.name && source.key === key && source.versionId === undefined && directive === 'COPY') {
    throw new S3Error(
      'InvalidRequest',
      "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.",
    );
  }
  const from = await copySourceVersion(state, request, source);
  const failed = checkRead(readPrecondition(request, 'x-amz-copy-source-'), from);
  // For a copy, every failed source condition is a 412, even If-None-Match.
  if (failed) throw new S3Error('PreconditionFailed', undefined, failed.details);
  // The copy is the caller's, with the ACL it asks for; the source's tags come along unless replaced.
  const object: NewObject =
    directive === 'COPY'
      ? {
          body: from.body,
          etag: from.etag,
          contentType: from.contentType,
          metadata: { ...from.metadata },
          ...(from.cacheControl !== undefined ? { cacheControl: from.cacheControl } : {}),
          ...(from.contentHeaders ? { contentHeaders: { ...from.contentHeaders } } : {}),
          ...(from.checksum ? { checksum: from.checksum } : {}),
          owner: request.caller.id,
          ...grantsAndTags(request, destination),
        }
      : newObject(request, from.body, destination);
  if (!object.tags && from.tags && (header(request, 'x-amz-tagging-directive') ?? 'COPY').toUpperCase() === 'COPY') object.tags = [...from.tags];
  const precondition = writePrecondition(state, request);
  const writeId = state.nextWriteId();
  const versionId = writeVersionId(destination, writeId);
  const outcome = await destination.keyspace.write({ key, object, writeId, ...(versionId !== undefined ? { versionId } : {}), ...(precondition ? { precondition } : {}) });
  request.notes.push(writeNote('CopyObject', key, outcome));
  const xml = `<CopyObjectResult xmlns="${S3_NS}">${el('LastModified', outcome.version.lastModified.toISOString())}${el('ETag', outcome.version.etag)}</CopyObjectResult>`;
  return xmlResponse(200, xml, { ...writtenVersionHeader(versionId), ...versionIdHeader(state.buckets.get(source.bucket), from, 'x-amz-copy-source-version-id') });
}
