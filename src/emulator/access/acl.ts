// S3 access control lists: who a bucket's or an object's grants let do what. The grant lists come
// from a canned ACL (x-amz-acl), x-amz-grant-* headers or an AccessControlPolicy document, and
// are answered by GetBucketAcl / GetObjectAcl in S3's XML. Deciding a request is access-rules.ts.
import { S3Error } from '../errors.js';
import { S3_NS, el, xmlUnescape } from '../xml.js';
import type { Caller } from './users.js';

export type Permission = 'FULL_CONTROL' | 'READ' | 'WRITE' | 'READ_ACP' | 'WRITE_ACP';
const PERMISSIONS: readonly Permission[] = ['FULL_CONTROL', 'READ', 'WRITE', 'READ_ACP', 'WRITE_ACP'];

export const ALL_USERS = 'http://acs.amazonaws.com/groups/global/AllUsers';
export const AUTHENTICATED_USERS = 'http://acs.amazonaws.com/groups/global/AuthenticatedUsers';
const LOG_DELIVERY = 'http://acs.amazonaws.com/groups/s3/LogDelivery';

export type Grantee = { type: 'CanonicalUser'; id: string } | { type: 'Group'; uri: string } | { type: 'AmazonCustomerByEmail'; email: string };

export interface Grant {
  grantee: Grantee;
  permission: Permission;
}

/** The grants a resource has when nobody said otherwise: its owner's FULL_CONTROL ("private"). */
export function privateAcl(owner: string): Grant[] {
  return [{ grantee: { type: 'CanonicalUser', id: owner }, permission: 'FULL_CONTROL' }];
}

const CANNED = ['private', 'public-read', 'public-read-write', 'authenticated-read', 'bucket-owner-read', 'bucket-owner-full-control', 'log-delivery-write'];

/**
 * A canned ACL's grants, in the order S3 lists them: groups first, then the owner. The
 * bucket-owner-* ones (for objects) also grant the bucket's owner, when that is someone else.
 */
export function cannedAcl(name: string, owner: string, bucketOwner: string): Grant[] {
  if (!CANNED.includes(name)) throw new S3Error('InvalidArgument', `Unknown canned ACL ${name}`, { ArgumentName: 'x-amz-acl', ArgumentValue: name });
  const group = (uri: string, permission: Permission): Grant => ({ grantee: { type: 'Group', uri }, permission });
  const user = (id: string, permission: Permission): Grant => ({ grantee: { type: 'CanonicalUser', id }, permission });
  switch (name) {
    case 'public-read':
      return [group(ALL_USERS, 'READ'), ...privateAcl(owner)];
    case 'public-read-write':
      return [group(ALL_USERS, 'READ'), group(ALL_USERS, 'WRITE'), ...privateAcl(owner)];
    case 'authenticated-read':
      return [group(AUTHENTICATED_USERS, 'READ'), ...privateAcl(owner)];
    case 'bucket-owner-read':
      return [...privateAcl(owner), ...(bucketOwner !== owner ? [user(bucketOwner, 'READ')] : [])];
    case 'bucket-owner-full-control':
      return [...privateAcl(owner), ...(bucketOwner !== owner ? [user(bucketOwner, 'FULL_CONTROL')] : [])];
    case 'log-delivery-write':
      return [group(LOG_DELIVERY, 'WRITE'), group(LOG_DELIVERY, 'READ_ACP'), ...privateAcl(owner)];
    default:
      return privateAcl(owner);
  }
}

const GRANT_HEADERS: readonly (readonly [string, Permission])[] = [
  ['x-amz-grant-read', 'READ'],
  ['x-amz-grant-write', 'WRITE'],
  ['x-amz-grant-read-acp', 'READ_ACP'],
  ['x-amz-grant-write-acp', 'WRITE_ACP'],
  ['x-amz-grant-full-control', 'FULL_CONTROL'],
];

/** A grantee as the x-amz-grant-* headers name one: id="…", uri="…" or emailAddress="…". */
function headerGrantee(text: string): Grantee {
  const m = /^\s*(id|uri|emailAddress)\s*=\s*"?([^"]*)"?\s*$/i.exec(text);
  if (!m) throw new S3Error('InvalidArgument', `Invalid grantee ${text}`);
  const kind = m[1]!.toLowerCase();
  if (kind === 'id') return { type: 'CanonicalUser', id: m[2]! };
  if (kind === 'uri') return { type: 'Group', uri: m[2]! };
  return { type: 'AmazonCustomerByEmail', email: m[2]! };
}

/**
 * The ACL a create or write request asks for: a canned one (x-amz-acl) or explicit grants
 * (x-amz-grant-*), never both; undefined when it names none (the resource is private).
 */
export function requestedAcl(headers: Record<string, string | string[] | undefined>, owner: string, bucketOwner: string): Grant[] | undefined {
  const text = (name: string) => {
    const v = headers[name];
    return Array.isArray(v) ? v.join(',') : v;
  };
  const canned = text('x-amz-acl');
  const grants: Grant[] = [];
  for (const [name, permission] of GRANT_HEADERS) {
    const value = text(name);
    if (value === undefined) continue;
    for (const one of value.split(',')) if (one.trim() !== '') grants.push({ grantee: headerGrantee(one), permission });
  }
  if (canned !== undefined && grants.length > 0) throw new S3Error('InvalidRequest', 'Specifying both Canned ACLs and Header Grants is not allowed');
  if (canned !== undefined) return cannedAcl(canned.trim(), owner, bucketOwner);
  return grants.length > 0 ? grants : undefined;
}

/** Reads an AccessControlPolicy document (PutBucketAcl / PutObjectAcl with a body). */
export function parseAccessControlPolicy(xml: string): Grant[] {
  if (!/<AccessControlPolicy[\s>]/.test(xml)) throw new S3Error('MalformedACLError');
  const grants: Grant[] = [];
  for (const m of xml.matchAll(/<Grant>([\s\S]*?)<\/Grant>/g)) {
    const body = m[1]!;
    const field = (name: string) => {
      const f = new RegExp(`<${name}>([\\s\\S]*?)</${name}>`).exec(body);
      return f ? xmlUnescape(f[1]!.trim()) : undefined;
    };
    const permission = field('Permission') as Permission | undefined;
    if (!permission || !PERMISSIONS.includes(permission)) throw new S3Error('MalformedACLError');
    const type = /<Grantee[^>]*\btype="([^"]+)"/.exec(body)?.[1];
    const id = field('ID');
    const uri = field('URI');
    const email = field('EmailAddress');
    let grantee: Grantee;
    if (id !== undefined && (type === undefined || type === 'CanonicalUser')) grantee = { type: 'CanonicalUser', id };
    else if (uri !== undefined && (type === undefined || type === 'Group')) grantee = { type: 'Group', uri };
    else if (email !== undefined) grantee = { type: 'AmazonCustomerByEmail', email };
    else throw new S3Error('MalformedACLError');
    grants.push({ grantee, permission });
  }
  return grants;
}

/** Whether the grants give the caller this permission (FULL_CONTROL gives every one). */
export function grants(acl: readonly Grant[], caller: Caller, permission: Permission): boolean {
  return acl.some((g) => {
    if (g.permission !== permission && g.permission !== 'FULL_CONTROL') return false;
    const who = g.grantee;
    if (who.type === 'CanonicalUser') return caller.accessKeyId !== null && who.id === caller.id;
    if (who.type === 'Group') return who.uri === ALL_USERS || (who.uri === AUTHENTICATED_USERS && caller.accessKeyId !== null);
    return false;
  });
}

/** Refuses a grant to a canonical user the emulator does not know, as S3 refuses an id that names nobody. */
export function checkGrantees(acl: readonly Grant[], known: (id: string) => boolean): Grant[] {
  for (const g of acl) {
    if (g.grantee.type === 'CanonicalUser' && !known(g.grantee.id)) throw new S3Error('InvalidArgument', 'Invalid id', { ArgumentName: 'CanonicalUser/ID', ArgumentValue: g.grantee.id });
  }
  return [...acl];
}

/** GetBucketAcl's and GetObjectAcl's answer; group grants first, as RGW lists them (clients compare lists so). */
export function aclXml(owner: string, acl: readonly Grant[], displayName: (id: string) => string): string {
  const xsi = 'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"';
  let xml = `<AccessControlPolicy xmlns="${S3_NS}"><Owner>${el('ID', owner)}${el('DisplayName', displayName(owner))}</Owner><AccessControlList>`;
  const ordered = [...acl.filter((g) => g.grantee.type === 'Group'), ...acl.filter((g) => g.grantee.type !== 'Group')];
  for (const g of ordered) {
    const who = g.grantee;
    const inner =
      who.type === 'CanonicalUser' ? `${el('ID', who.id)}${el('DisplayName', displayName(who.id))}` : who.type === 'Group' ? el('URI', who.uri) : el('EmailAddress', who.email);
    xml += `<Grant><Grantee ${xsi} xsi:type="${who.type}">${inner}</Grantee>${el('Permission', g.permission)}</Grant>`;
  }
  return xml + '</AccessControlList></AccessControlPolicy>';
}
