// GetObjectTagging, PutObjectTagging, DeleteObjectTagging. As in S3, a tag set belongs to one
// object version and changing it makes no new version: it is set in place, at once, and is no
// write of the consistency model (a read of the object's bytes sees no difference).
import { parseTaggingXml, taggingXml } from '../tags.js';
import type { EmulatorState, S3Request, S3Response } from './types.js';
import { addressedVersion } from './addressed.js';
import { versionIdHeader } from './versions.js';
import { emptyResponse, xmlResponse } from './xml-response.js';

export async function getObjectTagging(state: EmulatorState, request: S3Request): Promise<S3Response> {
  const version = await addressedVersion(state, request, 'GetObjectTagging');
  return xmlResponse(200, taggingXml(version.tags ?? []), versionIdHeader(state.buckets.get(request.target.bucket!), version));
}

export async function putObjectTagging(state: EmulatorState, request: S3Request): Promise<S3Response> {
  const tags = parseTaggingXml(request.payload.body.toString('utf8'));
  const version = await addressedVersion(state, request, 'PutObjectTagging');
  if (tags.length > 0) version.tags = tags;
  else delete version.tags;
  return emptyResponse(200, versionIdHeader(state.buckets.get(request.target.bucket!), version));
}

export async function deleteObjectTagging(state: EmulatorState, request: S3Request): Promise<S3Response> {
  const version = await addressedVersion(state, request, 'DeleteObjectTagging');
  delete version.tags;
  return emptyResponse(204, versionIdHeader(state.buckets.get(request.target.bucket!), version));
}
