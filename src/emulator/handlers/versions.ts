// Versions as far as the emulator keeps them. It keeps one version of an object, the latest: in
// a bucket that never had versioning enabled that is exactly what S3 has (each object's one
// version, whose id is "null"), so listing versions, and addressing ?versionId=null, are exact
// there. In a bucket that has had versioning on, S3 keeps older versions the emulator does not:
// it refuses (NotImplemented) rather than answer with half the versions.
import { S3Error } from '../errors.js';
import { queryValue } from '../http/request-target.js';
import { listPage } from '../listing.js';
import { S3_NS, el } from '../xml.js';
import type { Bucket } from '../buckets.js';
import { encodingType, maxKeys, OWNER } from './list-objects.js';
import { xmlResponse } from './xml-response.js';
import type { EmulatorState, S3Request, S3Response } from './types.js';

function unversioned(bucket: Bucket, what: string): void {
  if (bucket.versioning.latest() !== null) {
    throw new S3Error('NotImplemented', `${what} in a bucket that has had versioning enabled: the emulator keeps only the latest version of an object`);
  }
}

/**
 * Checks a versionId a request names (?versionId= or a DeleteObjects entry): in a bucket that
 * never had versioning, "null" is the object itself; any other id names no version.
 */
export function checkVersionId(bucket: Bucket, versionId: string | undefined): void {
  if (versionId === undefined) return;
  unversioned(bucket, 'Addressing a version by id');
  if (versionId !== 'null') throw new S3Error('InvalidArgument', 'Invalid version id specified', { ArgumentName: 'versionId', ArgumentValue: versionId });
}

/** The ?versionId= of a request on an object, checked. */
export function requestVersionId(state: EmulatorState, request: S3Request): string | undefined {
  const versionId = queryValue(request.target.query, 'versionId');
  checkVersionId(state.buckets.get(request.target.bucket!), versionId);
  return versionId;
}

/** ListObjectVersions: each object's one version, "null", the latest; key-marker pages as marker does. */
export async function listObjectVersions(state: EmulatorState, request: S3Request): Promise<S3Response> {
  const bucket = state.buckets.get(request.target.bucket!);
  unversioned(bucket, 'ListObjectVersions');
  const q = request.target.query;
  const prefix = queryValue(q, 'prefix') ?? '';
  const delimiter = queryValue(q, 'delimiter') ?? '';
  const keyMarker = queryValue(q, 'key-marker') ?? '';
  const max = maxKeys(request);
  const encode = encodingType(request);
  const enc = encode ?? ((s: string) => s);
  const page = listPage(await bucket.keyspace.list(), { prefix, delimiter, maxKeys: max, after: keyMarker });
  let xml =
    `<ListVersionsResult xmlns="${S3_NS}">${el('Name', bucket.name)}${el('Prefix', enc(prefix))}${el('KeyMarker', enc(keyMarker))}` +
    `${el('VersionIdMarker', queryValue(q, 'version-id-marker') ?? '')}${el('MaxKeys', max)}` +
    (delimiter !== '' ? el('Delimiter', enc(delimiter)) : '') +
    (encode ? el('EncodingType', 'url') : '') +
    el('IsTruncated', page.isTruncated) +
    (page.isTruncated && page.last !== undefined ? `${el('NextKeyMarker', enc(page.last))}${el('NextVersionIdMarker', 'null')}` : '');
  for (const { key, version } of page.contents) {
    xml += `<Version>${el('Key', enc(key))}${el('VersionId', 'null')}${el('IsLatest', true)}${el('LastModified', version.lastModified.toISOString())}${el('ETag', version.etag)}${el('Size', version.body.length)}${OWNER}<StorageClass>STANDARD</StorageClass></Version>`;
  }
  for (const p of page.commonPrefixes) xml += `<CommonPrefixes>${el('Prefix', enc(p))}</CommonPrefixes>`;
  xml += '</ListVersionsResult>';
  request.notes.push({ op: 'ListObjectVersions' });
  return xmlResponse(200, xml);
}
