// Who may do what, S3's way: a bucket's owner may do anything in it but read or change what
// another user's object guards (its bytes, its ACL, its tags: the object's ACL decides those, as
// in S3 and RGW); anyone else what the bucket policy allows (an explicit Deny wins), or else what
// the ACLs grant: the bucket's for listing and for writing objects into it, the object's for
// reading it and its ACL. Policy conditions are judged on the request's condition keys
// (condition-keys.ts); for operations on one object, once its version (and tag set) is known,
// so that s3:ExistingObjectTag can be judged. Signed requests are
// decided so only with access control on (--policy-delay / --key-state-delay): without it every
// key pair is trusted with everything, as the emulator always did. Anonymous (unsigned) requests
// are always decided so, which lets them exactly what an ACL or policy grants everyone.
import type { Bucket } from '../buckets.js';
import { S3Error } from '../errors.js';
import type { EmulatorState, S3Request } from '../handlers/types.js';
import type { ObjectVersion } from '../object-version.js';
import { grants, privateAcl, type Permission } from './acl.js';
import { conditionKeys, type RequestFacts } from './condition-keys.js';
import type { KeyLookup } from './policy-conditions.js';
import { effectiveGrants } from './public-access-block.js';
import type { Caller } from './users.js';

/** What each operation on a bucket needs of the bucket's ACL; absent: only its owner (or a policy) may. */
const BUCKET_PERMISSION: Record<string, Permission> = {
  ListObjects: 'READ',
  ListObjectsV2: 'READ',
  ListObjectVersions: 'READ',
  ListMultipartUploads: 'READ',
  HeadBucket: 'READ',
  GetBucketAcl: 'READ_ACP',
  PutBucketAcl: 'WRITE_ACP',
  DeleteObjects: 'WRITE',
  PutObject: 'WRITE',
  CopyObject: 'WRITE',
  DeleteObject: 'WRITE',
  CreateMultipartUpload: 'WRITE',
  UploadPart: 'WRITE',
  UploadPartCopy: 'WRITE',
  CompleteMultipartUpload: 'WRITE',
  AbortMultipartUpload: 'WRITE',
  ListParts: 'WRITE',
};

/** Operations on an object that its own ACL decides, once the handler has the version: authorizeObject. */
export const OBJECT_PERMISSION: Record<string, Permission> = {
  GetObject: 'READ',
  HeadObject: 'READ',
  GetObjectAttributes: 'READ',
  GetObjectAcl: 'READ_ACP',
  PutObjectAcl: 'WRITE_ACP',
  GetObjectTagging: 'READ',
  PutObjectTagging: 'WRITE_ACP',
  DeleteObjectTagging: 'WRITE_ACP',
};

type Trust = 'trusted' | 'policy-allowed' | 'decide';

/** What the owner may always do, so that no policy locks the owner out of changing it. */
const POLICY_OPS = new Set(['PutBucketPolicy', 'GetBucketPolicy', 'DeleteBucketPolicy']);

/**
 * Whether the rules apply to this caller at all, and whether the bucket's policy or owner settle
 * it. A policy's explicit Deny binds the owner too (except on the policy itself); its Allow
 * counts for nobody but the owner while a public access block restricts a public policy.
 * `objectOwner`: the owner of the object an object-ACL operation acts on, which the bucket's
 * owner must be to be trusted with it.
 */
function trust(state: EmulatorState, caller: Caller, op: string, bucket: Bucket, key: string | undefined, keys: KeyLookup, objectOwner?: string): Trust {
  if (caller.accessKeyId !== null && !state.access) return 'trusted';
  const bucketOwner = caller.accessKeyId !== null && caller.id === bucket.owner;
  const decision = bucketOwner && POLICY_OPS.has(op) ? undefined : state.access?.policyDecision(caller.accessKeyId === null ? [] : [caller.accessKeyId, caller.id], op, bucket.name, key, keys);
  if (decision === 'deny') throw new S3Error('AccessDenied');
  if (bucketOwner && (objectOwner === undefined || objectOwner === caller.id)) return 'trusted';
  if (decision === 'allow' && !(bucket.publicAccessBlock?.restrictPublicBuckets && state.access?.hasPublicPolicy(bucket.name))) return 'policy-allowed';
  return 'decide';
}

/**
 * The gate every request passes before its body is read: throws S3's refusal (AccessDenied,
 * InvalidAccessKeyId for a disabled key) or, for a bucket that is not there, NoSuchBucket (which
 * S3 answers before any permission, so that even an anonymous caller learns the bucket is gone).
 * Operations the object's own ACL decides pass here and are decided, policy included, by
 * authorizeObject once their version is known.
 */
export function authorizeRequest(state: EmulatorState, caller: Caller, op: string, bucketName: string | undefined, key: string | undefined, facts: RequestFacts): void {
  if (caller.accessKeyId !== null) state.access?.checkKeyActive(caller.accessKeyId);
  const anonymous = caller.accessKeyId === null;
  if (!anonymous && !state.access) return;
  if (bucketName === undefined) return; // ListBuckets: an anonymous caller owns none, and sees none
  if (op === 'CreateBucket') {
    if (anonymous) throw new S3Error('AccessDenied', 'Anonymous users cannot create buckets');
    return;
  }
  const bucket = state.buckets.get(bucketName);
  if (OBJECT_PERMISSION[op] !== undefined) return;
  if (trust(state, caller, op, bucket, key, conditionKeys(facts)) !== 'decide') return;
  const permission = BUCKET_PERMISSION[op];
  if (permission === undefined || !grants(effectiveGrants(bucket, bucket.acl), caller, permission)) throw new S3Error('AccessDenied');
}

/** The object's ACL grants: as set, or private to its owner. */
export function objectAcl(bucket: Bucket, version: ObjectVersion) {
  return version.acl ?? privateAcl(ownerOf(bucket, version));
}

/** The object's owner: its writer, or the bucket's owner for objects written before owners were kept. */
export function ownerOf(bucket: Bucket, version: ObjectVersion): string {
  return version.owner ?? bucket.owner;
}

/**
 * The second gate, for operations on one object (OBJECT_PERMISSION, and a copy's source with
 * 'READ'): the bucket policy (with the object's tags as s3:ExistingObjectTag), then the object's
 * ACL decides, its owner always having READ_ACP and WRITE_ACP. With no object to decide on, a
 * caller who may list the bucket learns it is missing (the handler's NoSuchKey); anyone else
 * gets AccessDenied, as from S3, so that absence does not leak.
 */
export function authorizeObject(state: EmulatorState, request: S3Request, op: string, bucket: Bucket, key: string, version: ObjectVersion | null): void {
  const caller = request.caller;
  if (caller.accessKeyId !== null && !state.access) return;
  const existing = version && !version.deleted ? version : undefined;
  const keys = conditionKeys({ headers: request.headers, query: request.target.query }, existing?.tags);
  if (trust(state, caller, op, bucket, key, keys, existing && ownerOf(bucket, existing)) !== 'decide') return;
  const permission = OBJECT_PERMISSION[op] ?? 'READ';
  if (!version || version.deleted) {
    if (grants(effectiveGrants(bucket, bucket.acl), caller, 'READ')) return;
    throw new S3Error('AccessDenied');
  }
  const owner = ownerOf(bucket, version);
  if ((permission === 'READ_ACP' || permission === 'WRITE_ACP') && caller.accessKeyId !== null && caller.id === owner) return;
  if (!grants(effectiveGrants(bucket, objectAcl(bucket, version)), caller, permission)) throw new S3Error('AccessDenied');
}
