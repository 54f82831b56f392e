// GetBucketAcl, PutBucketAcl, GetObjectAcl, PutObjectAcl. An ACL is access control, not data:
// changing one takes effect at once and is no write of the consistency model (S3 makes no new
// object version for it either). Who may call these is decided by access/access-rules.ts.
import { objectAcl, ownerOf } from '../access/access-rules.js';
import { aclXml, checkGrantees, parseAccessControlPolicy, requestedAcl, type Grant } from '../access/acl.js';
import { checkAclAllowed } from '../access/public-access-block.js';
import { S3Error } from '../errors.js';
import type { EmulatorState, S3Request, S3Response } from './types.js';
import { addressedVersion } from './addressed.js';
import { versionIdHeader } from './versions.js';
import { emptyResponse, xmlResponse } from './xml-response.js';

/** The grants a Put*Acl request sets: from its headers (canned or x-amz-grant-*) or its body. */
function newGrants(state: EmulatorState, request: S3Request, owner: string, bucketOwner: string): Grant[] {
  const fromHeaders = requestedAcl(request.headers, owner, bucketOwner);
  const body = request.payload.body.toString('utf8');
  if (fromHeaders && body.trim() !== '') throw new S3Error('UnexpectedContent', 'This request does not support content');
  if (!fromHeaders && body.trim() === '') throw new S3Error('MissingSecurityHeader', 'Your request was missing a required header', { MissingHeaderName: 'x-amz-acl' });
  return checkGrantees(fromHeaders ?? parseAccessControlPolicy(body), (id) => state.users.has(id));
}

export async function getBucketAcl(state: EmulatorState, request: S3Request): Promise<S3Response> {
  const bucket = state.buckets.get(request.target.bucket!);
  return xmlResponse(200, aclXml(bucket.owner, bucket.acl, (id) => state.users.displayName(id)));
}

export async function putBucketAcl(state: EmulatorState, request: S3Request): Promise<S3Response> {
  const bucket = state.buckets.get(request.target.bucket!);
  const acl = newGrants(state, request, bucket.owner, bucket.owner);
  checkAclAllowed(bucket, acl);
  bucket.acl = acl;
  return emptyResponse(200);
}

export async function getObjectAcl(state: EmulatorState, request: S3Request): Promise<S3Response> {
  const bucket = state.buckets.get(request.target.bucket!);
  const version = await addressedVersion(state, request, 'GetObjectAcl');
  return xmlResponse(200, aclXml(ownerOf(bucket, version), objectAcl(bucket, version), (id) => state.users.displayName(id)), versionIdHeader(bucket, version));
}

export async function putObjectAcl(state: EmulatorState, request: S3Request): Promise<S3Response> {
  const bucket = state.buckets.get(request.target.bucket!);
  const version = await addressedVersion(state, request, 'PutObjectAcl');
  // The owner stays who wrote the object, whatever the document's Owner says.
  const acl = newGrants(state, request, ownerOf(bucket, version), bucket.owner);
  checkAclAllowed(bucket, acl);
  version.acl = acl;
  return emptyResponse(200, versionIdHeader(bucket, version));
}
