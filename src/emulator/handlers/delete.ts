// DeleteObject and DeleteObjects: each deletion is its own write, and both mean the same thing,
// S3's way. Without a version id: before versioning was ever enabled the object goes; after, a
// delete marker becomes the current version (while suspended, as the key's "null" version) and
// older versions stay. With a version id: that version goes for good, and the next older one
// (if any) becomes current, so deleting a delete marker brings the object back. Conditions
// (If-Match, x-amz-if-match-last-modified-time, x-amz-if-match-size; in DeleteObjects an entry's
// ETag, LastModifiedTime, Size) are judged by conditions.ts's checkDelete.
import { NothingToDelete, type WritePrecondition } from '../conditions.js';
import { S3Error } from '../errors.js';
import type { Bucket } from '../buckets.js';
import { S3_NS, el, parseDeleteRequest } from '../xml.js';
import { writeNote } from './object.js';
import { header, type EmulatorState, type S3Request, type S3Response } from './types.js';
import { bucketVersions, checkVersionId, requestVersionId, writeVersionId } from './versions.js';
import { emptyResponse, xmlResponse } from './xml-response.js';

interface Deletion {
  key: string;
  /** The version to remove for good; none: delete the key (a delete marker under versioning). */
  versionId?: string;
  precondition?: WritePrecondition;
}

interface Deleted {
  /** The version removed (as asked for), or the delete marker made: its id. */
  versionId?: string;
  /** Whether a delete marker was made, or the version removed was one. */
  deleteMarker: boolean;
}

async function deleteOne(state: EmulatorState, request: S3Request, bucket: Bucket, d: Deletion): Promise<Deleted> {
  const { key, precondition } = d;
  const writeId = state.nextWriteId();
  if (d.versionId !== undefined) {
    const versionId = d.versionId;
    const outcome = await bucketVersions(state, bucket).deleteVersion({ key, versionId, writeId, ...(precondition ? { precondition } : {}) });
    request.notes.push({ op: 'DeleteObject', key, replicas: outcome.replicas, writeId });
    return { versionId, deleteMarker: outcome.removed?.deleted === true };
  }
  const versionId = writeVersionId(bucket, writeId);
  let outcome;
  try {
    outcome = await bucket.keyspace.write({ key, object: null, writeId, ...(versionId !== undefined ? { versionId } : {}), ...(precondition ? { precondition } : {}) });
  } catch (e) {
    if (!(e instanceof NothingToDelete)) throw e;
    // A conditional delete of nothing: no write was made, no delete marker either.
    request.notes.push({ op: 'DeleteObject', key, writeId: null });
    return { deleteMarker: false };
  }
  request.notes.push(writeNote('DeleteObject', key, outcome));
  return versionId !== undefined ? { versionId, deleteMarker: true } : { deleteMarker: false };
}

/** A delete's conditions, from DeleteObject's headers or a DeleteObjects entry; none: undefined. */
function deletePrecondition(state: EmulatorState, given: Omit<WritePrecondition, 'forDelete'>): WritePrecondition | undefined {
  if (state.options.ignoreConditions) return undefined;
  const defined = Object.entries(given).filter(([, v]) => v !== undefined);
  return defined.length === 0 ? undefined : { ...Object.fromEntries(defined), forDelete: true };
}

export async function deleteObject(state: EmulatorState, request: S3Request): Promise<S3Response> {
  const bucket = state.buckets.get(request.target.bucket!);
  const versionId = requestVersionId(request);
  const precondition = deletePrecondition(state, {
    ifMatch: header(request, 'if-match'),
    ifNoneMatch: header(request, 'if-none-match'),
    ifMatchLastModifiedTime: header(request, 'x-amz-if-match-last-modified-time'),
    ifMatchSize: header(request, 'x-amz-if-match-size'),
  });
  const deleted = await deleteOne(state, request, bucket, { key: request.target.key!, ...(versionId !== undefined ? { versionId } : {}), ...(precondition ? { precondition } : {}) });
  return emptyResponse(204, {
    ...(deleted.versionId !== undefined ? { 'x-amz-version-id': deleted.versionId } : {}),
    ...(deleted.deleteMarker ? { 'x-amz-delete-marker': 'true' } : {}),
  });
}

/** DeleteObjects: each entry is its own deletion (its own write), all sent at once. */
export async function deleteObjects(state: EmulatorState, request: S3Request): Promise<S3Response> {
  const bucket = state.buckets.get(request.target.bucket!);
  const { quiet, objects } = parseDeleteRequest(request.payload.body.toString('utf8'));
  const results = await Promise.all(
    objects.map(async ({ key, versionId, etag, lastModifiedTime, size }) => {
      try {
        if (versionId !== undefined) checkVersionId(versionId);
        // An entry's ETag, LastModifiedTime and Size are conditions, as on DeleteObject: never a silent unconditional delete.
        const precondition = deletePrecondition(state, { ifMatch: etag, ifMatchLastModifiedTime: lastModifiedTime, ifMatchSize: size });
        const deleted = await deleteOne(state, request, bucket, { key, ...(versionId !== undefined ? { versionId } : {}), ...(precondition ? { precondition } : {}) });
        return { key, versionId, deleted };
      } catch (e) {
        const error = e instanceof S3Error ? e : new S3Error('InternalError');
        return { key, versionId, error };
      }
    }),
  );
  let xml = `<DeleteResult xmlns="${S3_NS}">`;
  for (const r of results) {
    const version = r.versionId !== undefined ? el('VersionId', r.versionId) : '';
    if (r.error) xml += `<Error>${el('Key', r.key)}${version}${el('Code', r.error.code)}${el('Message', r.error.message)}</Error>`;
    else if (!quiet) {
      // As S3: a marker made or removed is named as DeleteMarkerVersionId.
      const marker = r.deleted.deleteMarker ? `${el('DeleteMarker', true)}${el('DeleteMarkerVersionId', r.deleted.versionId!)}` : '';
      xml += `<Deleted>${el('Key', r.key)}${version}${marker}</Deleted>`;
    }
  }
  xml += '</DeleteResult>';
  return xmlResponse(200, xml);
}
