import { authorizeObject } from '../access/access-rules.js';
import { S3Error } from '../errors.js';
import type { ObjectVersion } from '../object-version.js';
import type { EmulatorState, S3Request } from './types.js';
import { bucketVersions, requestVersionId } from './versions.js';

/**
 * The object version a subresource request (?acl, ?tagging) is about: the current one, or the one
 * ?versionId= names, once the caller may do `op` on it. A delete marker has none of these: 405.
 */
export async function addressedVersion(state: EmulatorState, request: S3Request, op: string): Promise<ObjectVersion> {
  const bucket = state.buckets.get(request.target.bucket!);
  const key = request.target.key!;
  const versionId = requestVersionId(request);
  const version = versionId === undefined ? (await bucket.keyspace.read(key)).version : (await bucketVersions(state, bucket).readVersion(key, versionId)).version;
  authorizeObject(state, request, op, bucket, key, version);
  if (!version) throw versionId === undefined ? new S3Error('NoSuchKey', undefined, { Key: key }) : new S3Error('NoSuchVersion', undefined, { Key: key, VersionId: versionId });
  if (version.deleted) throw new S3Error('MethodNotAllowed');
  return version;
}
