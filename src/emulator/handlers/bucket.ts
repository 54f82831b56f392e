import { S3Error } from '../errors.js';
import { S3_NS, el, parseDeleteRequest, parseVersioningStatus, xmlEscape } from '../xml.js';
import { type EmulatorState, type S3Request, type S3Response, type TruthNote } from './types.js';
import { emptyResponse, xmlResponse } from './xml-response.js';
import { checkVersionId } from './versions.js';

export async function listBuckets(state: EmulatorState): Promise<S3Response> {
  const buckets = state.buckets
    .list()
    .map((b) => `<Bucket>${el('Name', b.name)}${el('CreationDate', b.createdAt.toISOString())}</Bucket>`)
    .join('');
  return xmlResponse(200, `<ListAllMyBucketsResult xmlns="${S3_NS}"><Owner><ID>objcheck</ID><DisplayName>objcheck</DisplayName></Owner><Buckets>${buckets}</Buckets></ListAllMyBucketsResult>`);
}

export async function createBucket(state: EmulatorState, request: S3Request): Promise<S3Response> {
  const name = request.target.bucket!;
  // Creating a bucket one already owns: us-east-1 answers 200 (for compatibility with its first
  // days), every other region BucketAlreadyOwnedByYou.
  if (!state.buckets.create(name) && state.options.region !== 'us-east-1') throw new S3Error('BucketAlreadyOwnedByYou', undefined, { BucketName: name });
  return emptyResponse(200, { location: `/${name}` });
}

export async function headBucket(state: EmulatorState, request: S3Request): Promise<S3Response> {
  state.buckets.get(request.target.bucket!);
  return emptyResponse(200, { 'x-amz-bucket-region': state.options.region });
}

export async function deleteBucket(state: EmulatorState, request: S3Request): Promise<S3Response> {
  state.buckets.delete(request.target.bucket!);
  return emptyResponse(204);
}

export async function getBucketLocation(state: EmulatorState, request: S3Request): Promise<S3Response> {
  state.buckets.get(request.target.bucket!);
  // us-east-1 is the empty constraint, for historical reasons clients still rely on.
  const region = state.options.region === 'us-east-1' ? '' : state.options.region;
  return xmlResponse(200, `<LocationConstraint xmlns="${S3_NS}">${xmlEscape(region)}</LocationConstraint>`);
}

/** The status last set; a bucket that never had versioning enabled has an empty configuration. */
export async function getBucketVersioning(state: EmulatorState, request: S3Request): Promise<S3Response> {
  const status = state.buckets.get(request.target.bucket!).versioning.latest();
  return xmlResponse(200, status ? `<VersioningConfiguration xmlns="${S3_NS}">${el('Status', status)}</VersioningConfiguration>` : `<VersioningConfiguration xmlns="${S3_NS}"/>`);
}

export async function putBucketVersioning(state: EmulatorState, request: S3Request): Promise<S3Response> {
  const bucket = state.buckets.get(request.target.bucket!);
  bucket.versioning.set(parseVersioningStatus(request.payload.body.toString('utf8')));
  const truth = state.truth;
  if (truth) {
    const atNs = truth.now();
    truth.record({ kind: 'control', setting: 'versioning', bucket: bucket.name, atNs, effectiveNs: atNs + Math.round(state.options.configDelayMs * 1e6) });
  }
  return emptyResponse(200);
}

/** DeleteObjects: each key is its own delete (its own write), all sent at once. */
export async function deleteObjects(state: EmulatorState, request: S3Request): Promise<S3Response> {
  const bucket = state.buckets.get(request.target.bucket!);
  const { quiet, objects } = parseDeleteRequest(request.payload.body.toString('utf8'));
  const results = await Promise.all(
    objects.map(async ({ key, versionId, etag }) => {
      const writeId = state.nextWriteId();
      try {
        checkVersionId(bucket, versionId);
        // An entry's ETag is a condition, as If-Match on DeleteObject: never a silent unconditional delete.
        const outcome = await bucket.keyspace.write({ key, object: null, writeId, ...(etag !== undefined ? { precondition: { ifMatch: etag } } : {}) });
        const note: TruthNote = { op: 'DeleteObject', key, replicas: outcome.replicas, writeId };
        if (outcome.coordinator !== undefined) note.coordinator = outcome.coordinator;
        request.notes.push(note);
        return { key, versionId };
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
    else if (!quiet) xml += `<Deleted>${el('Key', r.key)}${version}</Deleted>`;
  }
  xml += '</DeleteResult>';
  return xmlResponse(200, xml);
}
