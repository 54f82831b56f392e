// GetBucketPolicyStatus and the bucket's public access block (Put/Get/DeletePublicAccessBlock).
import { ALL_USERS, AUTHENTICATED_USERS } from '../access/acl.js';
import type { PublicAccessBlock } from '../access/public-access-block.js';
import { S3Error } from '../errors.js';
import { S3_NS, el } from '../xml.js';
import type { EmulatorState, S3Request, S3Response } from './types.js';
import { emptyResponse, xmlResponse } from './xml-response.js';

const FIELDS: [keyof PublicAccessBlock, string][] = [
  ['blockPublicAcls', 'BlockPublicAcls'],
  ['ignorePublicAcls', 'IgnorePublicAcls'],
  ['blockPublicPolicy', 'BlockPublicPolicy'],
  ['restrictPublicBuckets', 'RestrictPublicBuckets'],
];

/** Whether the bucket is public: its ACL grants everyone (or every signed caller) something, or its policy lets everyone in. */
export async function getBucketPolicyStatus(state: EmulatorState, request: S3Request): Promise<S3Response> {
  const bucket = state.buckets.get(request.target.bucket!);
  const publicAcl = bucket.acl.some((g) => g.grantee.type === 'Group' && (g.grantee.uri === ALL_USERS || g.grantee.uri === AUTHENTICATED_USERS));
  const isPublic = publicAcl || (state.access?.latestIsPublic(bucket.name) ?? false);
  return xmlResponse(200, `<PolicyStatus xmlns="${S3_NS}">${el('IsPublic', isPublic)}</PolicyStatus>`);
}

export async function putPublicAccessBlock(state: EmulatorState, request: S3Request): Promise<S3Response> {
  const bucket = state.buckets.get(request.target.bucket!);
  const xml = request.payload.body.toString('utf8');
  if (!/<PublicAccessBlockConfiguration[\s>]/.test(xml)) throw new S3Error('MalformedXML');
  const block = {} as PublicAccessBlock;
  for (const [field, name] of FIELDS) block[field] = new RegExp(`<${name}>\\s*true\\s*</${name}>`, 'i').test(xml);
  bucket.publicAccessBlock = block;
  return emptyResponse(200);
}

export async function getPublicAccessBlock(state: EmulatorState, request: S3Request): Promise<S3Response> {
  const bucket = state.buckets.get(request.target.bucket!);
  const block = bucket.publicAccessBlock;
  if (!block) throw new S3Error('NoSuchPublicAccessBlockConfiguration', undefined, { BucketName: bucket.name });
  return xmlResponse(200, `<PublicAccessBlockConfiguration xmlns="${S3_NS}">${FIELDS.map(([f, name]) => el(name, block[f])).join('')}</PublicAccessBlockConfiguration>`);
}

export async function deletePublicAccessBlock(state: EmulatorState, request: S3Request): Promise<S3Response> {
  delete state.buckets.get(request.target.bucket!).publicAccessBlock;
  return emptyResponse(204);
}
