import { awsUriEncodePath } from '../auth/uri.js';
import { S3Error } from '../errors.js';
import { queryValue } from '../http/request-target.js';
import { listPage, type ListPage } from '../listing.js';
import { S3_NS, el } from '../xml.js';
import { ownerOf } from '../access/access-rules.js';
import type { Bucket } from '../buckets.js';
import type { ObjectVersion } from '../object-version.js';
import { xmlResponse } from './xml-response.js';
import type { EmulatorState, S3Request, S3Response } from './types.js';

/** An entry's Owner element: who wrote the version (as GetObjectAcl names it). */
export function ownerXml(state: EmulatorState, bucket: Bucket, version: ObjectVersion): string {
  const id = ownerOf(bucket, version);
  return `<Owner>${el('ID', id)}${el('DisplayName', state.users.displayName(id))}</Owner>`;
}

/**
 * allow-unordered=true (RGW's extension): a listing in no particular order, which the emulator
 * may answer in order; it cannot be combined with a delimiter, as in RGW.
 */
function checkUnordered(request: S3Request, delimiter: string): void {
  if (queryValue(request.target.query, 'allow-unordered') === 'true' && delimiter !== '') {
    throw new S3Error('InvalidArgument', 'allow-unordered cannot be used with a delimiter', { ArgumentName: 'allow-unordered', ArgumentValue: 'true' });
  }
}

export function maxKeys(request: S3Request): number {
  const text = queryValue(request.target.query, 'max-keys');
  if (text === undefined) return 1000;
  const n = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(n)) throw new S3Error('InvalidArgument', 'Provided max-keys not an integer or within integer range');
  return Math.min(n, 1000);
}

export function encodingType(request: S3Request): ((s: string) => string) | undefined {
  const type = queryValue(request.target.query, 'encoding-type');
  if (type === undefined) return undefined;
  if (type !== 'url') throw new S3Error('InvalidArgument', 'Invalid Encoding Method specified in Request');
  return awsUriEncodePath;
}

function entries(state: EmulatorState, bucket: Bucket, page: ListPage, enc: (s: string) => string, fetchOwner: boolean): string {
  let xml = '';
  for (const { key, version } of page.contents) {
    xml += `<Contents>${el('Key', enc(key))}${el('LastModified', version.lastModified.toISOString())}${el('ETag', version.etag)}${el('Size', version.body.length)}${fetchOwner ? ownerXml(state, bucket, version) : ''}<StorageClass>STANDARD</StorageClass></Contents>`;
  }
  for (const prefix of page.commonPrefixes) xml += `<CommonPrefixes>${el('Prefix', enc(prefix))}</CommonPrefixes>`;
  return xml;
}

/** ListObjectsV2. The continuation token is the last returned name, base64url'd: opaque enough. */
export async function listObjectsV2(state: EmulatorState, request: S3Request): Promise<S3Response> {
  const bucket = state.buckets.get(request.target.bucket!);
  const q = request.target.query;
  const prefix = queryValue(q, 'prefix') ?? '';
  const delimiter = queryValue(q, 'delimiter') ?? '';
  const token = queryValue(q, 'continuation-token');
  const startAfter = queryValue(q, 'start-after');
  checkUnordered(request, delimiter);
  const max = maxKeys(request);
  const encode = encodingType(request);
  let after = startAfter ?? '';
  // An empty token is no token (S3 echoes it and lists from the start).
  if (token !== undefined && token !== '') {
    after = Buffer.from(token, 'base64url').toString('utf8');
    if (token === '' || Buffer.from(after, 'utf8').toString('base64url') !== token) {
      throw new S3Error('InvalidArgument', 'The continuation token provided is incorrect');
    }
  }
  const page = listPage(await bucket.keyspace.list(), { prefix, delimiter, maxKeys: max, after });
  const enc = encode ?? ((s: string) => s);
  const xml =
    `<ListBucketResult xmlns="${S3_NS}">${el('Name', bucket.name)}${el('Prefix', enc(prefix))}` +
    (startAfter !== undefined ? el('StartAfter', enc(startAfter)) : '') +
    (token !== undefined ? el('ContinuationToken', token) : '') +
    (page.isTruncated && page.last !== undefined ? el('NextContinuationToken', Buffer.from(page.last, 'utf8').toString('base64url')) : '') +
    el('KeyCount', page.contents.length + page.commonPrefixes.length) +
    el('MaxKeys', max) +
    (delimiter !== '' ? el('Delimiter', enc(delimiter)) : '') +
    (encode ? el('EncodingType', 'url') : '') +
    el('IsTruncated', page.isTruncated) +
    entries(state, bucket, page, enc, queryValue(q, 'fetch-owner') === 'true') +
    '</ListBucketResult>';
  request.notes.push({ op: 'ListObjectsV2' });
  return xmlResponse(200, xml);
}

/** ListObjects (v1): marker instead of a token; NextMarker is given whenever truncated. */
export async function listObjectsV1(state: EmulatorState, request: S3Request): Promise<S3Response> {
  const bucket = state.buckets.get(request.target.bucket!);
  const q = request.target.query;
  const prefix = queryValue(q, 'prefix') ?? '';
  const delimiter = queryValue(q, 'delimiter') ?? '';
  const marker = queryValue(q, 'marker') ?? '';
  checkUnordered(request, delimiter);
  const max = maxKeys(request);
  const encode = encodingType(request);
  const enc = encode ?? ((s: string) => s);
  const page = listPage(await bucket.keyspace.list(), { prefix, delimiter, maxKeys: max, after: marker });
  const xml =
    // v1's Prefix is sent back as given: clients (botocore) decode Marker, NextMarker, Delimiter,
    // keys and common prefixes of a v1 answer, but not its Prefix.
    `<ListBucketResult xmlns="${S3_NS}">${el('Name', bucket.name)}${el('Prefix', prefix)}${el('Marker', enc(marker))}` +
    (page.isTruncated && page.last !== undefined ? el('NextMarker', enc(page.last)) : '') +
    el('MaxKeys', max) +
    (delimiter !== '' ? el('Delimiter', enc(delimiter)) : '') +
    (encode ? el('EncodingType', 'url') : '') +
    el('IsTruncated', page.isTruncated) +
    entries(state, bucket, page, enc, true) +
    '</ListBucketResult>';
  request.notes.push({ op: 'ListObjects' });
  return xmlResponse(200, xml);
}
