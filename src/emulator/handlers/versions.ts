// S3 object versions: addressing one by id, and ListObjectVersions. The strong model keeps every
// version (models/version-store.ts); the others keep only each key's latest, which is exactly S3
// in a bucket that never had versioning (each object's one version is "null"), so there they
// answer through LatestOnlyVersions, and once a bucket has had versioning they refuse
// (NotImplemented) rather than answer with half the versions.
import type { OutgoingHttpHeaders } from 'node:http';
import type { Bucket } from '../buckets.js';
import { S3Error } from '../errors.js';
import { queryValue } from '../http/request-target.js';
import type { VersionedKeyspace } from '../models/keyspace.js';
import { LatestOnlyVersions } from '../models/latest-only-versions.js';
import { newVersionId, versionIdOf, versionIdWriteId, type ObjectVersion } from '../object-version.js';
import { listVersionsPage } from '../version-listing.js';
import { S3_NS, el } from '../xml.js';
import { encodingType, maxKeys, ownerXml } from './list-objects.js';
import { xmlResponse } from './xml-response.js';
import type { EmulatorState, S3Request, S3Response } from './types.js';

/** The bucket's versions, or NotImplemented where the model cannot tell them. */
export function bucketVersions(state: EmulatorState, bucket: Bucket): VersionedKeyspace {
  if (bucket.keyspace.versions) return bucket.keyspace.versions;
  if (bucket.versioning.latest() !== null) {
    throw new S3Error(
      'NotImplemented',
      `Object versions in a bucket that has had versioning enabled need --consistency strong: the ${state.options.model.model} model keeps only the latest version of an object`,
    );
  }
  return new LatestOnlyVersions(bucket.keyspace);
}

/**
 * Checks the form of a version id a request names (?versionId= or a DeleteObjects entry): "null"
 * or one the emulator makes. Anything else cannot name a version: 400, as S3 answers an id it
 * cannot decode, where a well-formed id that names nothing is 404 NoSuchVersion.
 */
export function checkVersionId(versionId: string): void {
  if (versionId !== 'null' && versionIdWriteId(versionId) === undefined) {
    throw new S3Error('InvalidArgument', 'Invalid version id specified', { ArgumentName: 'versionId', ArgumentValue: versionId });
  }
}

/** The ?versionId= of a request on an object, checked; undefined when there is none. */
export function requestVersionId(request: S3Request): string | undefined {
  const versionId = queryValue(request.target.query, 'versionId');
  if (versionId !== undefined) checkVersionId(versionId);
  return versionId;
}

/** The id a write to this bucket gives its new version now (none before versioning was ever enabled). */
export function writeVersionId(bucket: Bucket, writeId: number): string | undefined {
  return newVersionId(bucket.versioning.effective(), writeId);
}

/** x-amz-version-id for a version a request returns or copies: S3 names it once the bucket has had versioning. */
export function versionIdHeader(bucket: Bucket, version: ObjectVersion, name = 'x-amz-version-id'): OutgoingHttpHeaders {
  if (version.versionId !== undefined) return { [name]: version.versionId };
  return bucket.keyspace.versions && bucket.versioning.latest() !== null ? { [name]: 'null' } : {};
}

/** What S3 sends about a delete marker it answers for (with a 404 or a 405). */
export function deleteMarkerHeaders(marker: ObjectVersion): OutgoingHttpHeaders {
  return { 'x-amz-delete-marker': 'true', 'x-amz-version-id': versionIdOf(marker), 'last-modified': marker.lastModified.toUTCString() };
}

/** ListObjectVersions: versions and delete markers, key ascending and newest first within a key. */
export async function listObjectVersions(state: EmulatorState, request: S3Request): Promise<S3Response> {
  const bucket = state.buckets.get(request.target.bucket!);
  const versions = bucketVersions(state, bucket);
  const q = request.target.query;
  const prefix = queryValue(q, 'prefix') ?? '';
  const delimiter = queryValue(q, 'delimiter') ?? '';
  const keyMarker = queryValue(q, 'key-marker') ?? '';
  const versionIdMarker = queryValue(q, 'version-id-marker');
  if (versionIdMarker !== undefined && versionIdMarker !== '') {
    if (keyMarker === '') throw new S3Error('InvalidArgument', 'A version-id marker cannot be specified without a key marker.', { ArgumentName: 'version-id-marker', ArgumentValue: versionIdMarker });
    checkVersionId(versionIdMarker);
  }
  const max = maxKeys(request);
  const encode = encodingType(request);
  const enc = encode ?? ((s: string) => s);
  const page = listVersionsPage(await versions.listVersions(), {
    prefix,
    delimiter,
    maxKeys: max,
    keyMarker,
    ...(versionIdMarker ? { versionIdMarker } : {}),
  });
  let xml =
    `<ListVersionsResult xmlns="${S3_NS}">${el('Name', bucket.name)}${el('Prefix', enc(prefix))}${el('KeyMarker', enc(keyMarker))}` +
    `${el('VersionIdMarker', versionIdMarker ?? '')}${el('MaxKeys', max)}` +
    (delimiter !== '' ? el('Delimiter', enc(delimiter)) : '') +
    (encode ? el('EncodingType', 'url') : '') +
    el('IsTruncated', page.isTruncated);
  if (page.isTruncated && page.nextKeyMarker !== undefined) {
    xml += el('NextKeyMarker', enc(page.nextKeyMarker));
    if (page.nextVersionIdMarker !== undefined) xml += el('NextVersionIdMarker', page.nextVersionIdMarker);
  }
  for (const { key, version, isLatest } of page.entries) {
    const common = `${el('Key', enc(key))}${el('VersionId', versionIdOf(version))}${el('IsLatest', isLatest)}${el('LastModified', version.lastModified.toISOString())}`;
    xml += version.deleted
      ? `<DeleteMarker>${common}${ownerXml(state, bucket, version)}</DeleteMarker>`
      : `<Version>${common}${el('ETag', version.etag)}${el('Size', version.body.length)}${ownerXml(state, bucket, version)}<StorageClass>STANDARD</StorageClass></Version>`;
  }
  for (const p of page.commonPrefixes) xml += `<CommonPrefixes>${el('Prefix', enc(p))}</CommonPrefixes>`;
  xml += '</ListVersionsResult>';
  request.notes.push({ op: 'ListObjectVersions' });
  return xmlResponse(200, xml);
}
