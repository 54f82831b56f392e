// A bucket's public access block (PutPublicAccessBlock): four switches that keep a bucket from
// being opened to everyone by ACLs or by its policy, whatever those say.
import { S3Error } from '../errors.js';
import { ALL_USERS, AUTHENTICATED_USERS, type Grant } from './acl.js';

/** What of a bucket these rules read: its block (the bucket itself, without importing it). */
interface WithBlock {
  readonly publicAccessBlock?: PublicAccessBlock | undefined;
}

export interface PublicAccessBlock {
  /** Refuse requests that set an ACL granting everyone (or every signed caller) anything. */
  blockPublicAcls: boolean;
  /** Let such grants grant nothing. */
  ignorePublicAcls: boolean;
  /** Refuse a bucket policy that lets everyone in. */
  blockPublicPolicy: boolean;
  /** While the policy lets everyone in, let it allow nobody but the owner. */
  restrictPublicBuckets: boolean;
}

function isPublicGrant(g: Grant): boolean {
  return g.grantee.type === 'Group' && (g.grantee.uri === ALL_USERS || g.grantee.uri === AUTHENTICATED_USERS);
}

export function isPublicAcl(acl: readonly Grant[]): boolean {
  return acl.some(isPublicGrant);
}

/** Throws S3's refusal when the bucket blocks public ACLs and this one is public. */
export function checkAclAllowed(bucket: WithBlock, acl: readonly Grant[] | undefined): void {
  if (acl && bucket.publicAccessBlock?.blockPublicAcls && isPublicAcl(acl)) throw new S3Error('AccessDenied', 'Public ACLs are blocked by the bucket\'s public access block');
}

/** The grants that count: public ones are ignored while the bucket says so. */
export function effectiveGrants(bucket: WithBlock, acl: readonly Grant[]): readonly Grant[] {
  return bucket.publicAccessBlock?.ignorePublicAcls ? acl.filter((g) => !isPublicGrant(g)) : acl;
}
