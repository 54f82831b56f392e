import { S3Error } from '../errors.js';
import { requestedAcl } from '../access/acl.js';
import type { Bucket } from '../buckets.js';
import { queryValue } from '../http/request-target.js';
import { S3_NS, el, parseLocationConstraint, parseVersioningStatus, xmlEscape } from '../xml.js';
import { type EmulatorState, type S3Request, type S3Response } from './types.js';
import { emptyResponse, xmlResponse } from './xml-response.js';

/** The caller's buckets; without access control every key is trusted with every bucket, and sees them all. */
export async function listBuckets(state: EmulatorState, request: S3Request): Promise<S3Response> {
  const caller = request.caller;
  const buckets = state.buckets
    .list()
    .filter((b) => (!state.access && caller.accessKeyId !== null) || b.owner === caller.id)
    .map((b) => `<Bucket>${el('Name', b.name)}${el('CreationDate', b.createdAt.toISOString())}</Bucket>`)
    .join('');
  return xmlResponse(200, `<ListAllMyBucketsResult xmlns="${S3_NS}"><Owner>${el('ID', caller.id)}${el('DisplayName', caller.displayName)}</Owner><Buckets>${buckets}</Buckets></ListAllMyBucketsResult>`);
}

export async function createBucket(state: EmulatorState, request: S3Request): Promise<S3Response> {
  const name = request.target.bucket!;
  const owner = request.caller.id;
  const acl = requestedAcl(request.headers, owner, owner);
  const location = parseLocationConstraint(request.payload.body.toString('utf8'));
  // Creating a bucket one already owns: us-east-1 answers 200 (for compatibility with its first
  // days), every other region BucketAlreadyOwnedByYou. Another user's is BucketAlreadyExists.
  if (!state.buckets.create(name, owner, { ...(acl ? { acl } : {}), ...(location ? { location } : {}) }) && state.options.region !== 'us-east-1') {
    throw new S3Error('BucketAlreadyOwnedByYou', undefined, { BucketName: name });
  }
  return emptyResponse(200, { location: `/${name}` });
}

export async function headBucket(state: EmulatorState, request: S3Request): Promise<S3Response> {
  const bucket = state.buckets.get(request.target.bucket!);
  // ?read-stats=true: RGW's extension, the bucket's object count and bytes (current versions).
  const stats = queryValue(request.target.query, 'read-stats') === 'true' ? await bucketStats(bucket) : {};
  return emptyResponse(200, { 'x-amz-bucket-region': state.options.region, ...stats });
}

async function bucketStats(bucket: Bucket): Promise<Record<string, number>> {
  const snapshot = await bucket.keyspace.list();
  let count = 0;
  let bytes = 0;
  for (const key of snapshot.sortedKeys) {
    const v = snapshot.lookup(key);
    if (!v || v.deleted) continue;
    count++;
    bytes += v.body.length;
  }
  return { 'x-rgw-object-count': count, 'x-rgw-bytes-used': bytes, 'x-rgw-quota-max-buckets': 1000 };
}

export async function deleteBucket(state: EmulatorState, request: S3Request): Promise<S3Response> {
  state.buckets.delete(request.target.bucket!);
  return emptyResponse(204);
}

export async function getBucketLocation(state: EmulatorState, request: S3Request): Promise<S3Response> {
  const bucket = state.buckets.get(request.target.bucket!);
  // The constraint it was created with; else its region, us-east-1 being the empty constraint,
  // for historical reasons clients still rely on.
  const region = bucket.location ?? (state.options.region === 'us-east-1' ? '' : state.options.region);
  return xmlResponse(200, `<LocationConstraint xmlns="${S3_NS}">${xmlEscape(region)}</LocationConstraint>`);
}

/** The status last set; a bucket that never had versioning enabled has an empty configuration. */
export async function getBucketVersioning(state: EmulatorState, request: S3Request): Promise<S3Response> {
  const status = state.buckets.get(request.target.bucket!).versioning.latest();
  return xmlResponse(200, status ? `<VersioningConfiguration xmlns="${S3_NS}">${el('Status', status)}</VersioningConfiguration>` : `<VersioningConfiguration xmlns="${S3_NS}"/>`);
}

export async function putBucketVersioning(state: EmulatorState, request: S3Request): Promise<S3Response> {
  const bucket = state.buckets.get(request.target.bucket!);
  const status = parseVersioningStatus(request.payload.body.toString('utf8'));
  // The journal records each key's current version only; versions it cannot keep would be lost at restart.
  if (state.options.persistence && status === 'Enabled') {
    throw new S3Error('NotImplemented', 'Versioning is not available in persistent mode (--data-dir): the journal keeps only the latest version of each object');
  }
  bucket.versioning.set(status);
  const truth = state.truth;
  if (truth) {
    const atNs = truth.now();
    truth.record({ kind: 'control', setting: 'versioning', bucket: bucket.name, atNs, effectiveNs: atNs + Math.round(state.options.configDelayMs * 1e6) });
  }
  return emptyResponse(200);
}
