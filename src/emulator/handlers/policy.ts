import { isPublicPolicy, parsePolicy } from '../access/policy.js';
import { S3Error } from '../errors.js';
import type { EmulatorState, S3Request, S3Response } from './types.js';
import { emptyResponse } from './xml-response.js';

// Bucket policies exist only with access control on (--policy-delay / --key-state-delay):
// otherwise every key may do everything and a policy would be a promise the emulator ignores.

function access(state: EmulatorState) {
  if (!state.access) throw new S3Error('NotImplemented', 'Bucket policies need access control: start the emulator with --policy-delay MS');
  return state.access;
}

export async function putBucketPolicy(state: EmulatorState, request: S3Request): Promise<S3Response> {
  const bucket = state.buckets.get(request.target.bucket!);
  const control = access(state);
  const text = request.payload.body.toString('utf8');
  if (bucket.publicAccessBlock?.blockPublicPolicy && isPublicPolicy(parsePolicy(text))) throw new S3Error('AccessDenied', 'Public policies are blocked by the bucket\'s public access block');
  control.putPolicy(bucket.name, text);
  return emptyResponse(204);
}

export async function getBucketPolicy(state: EmulatorState, request: S3Request): Promise<S3Response> {
  const bucket = state.buckets.get(request.target.bucket!).name;
  const text = access(state).policyText(bucket);
  if (text === null) throw new S3Error('NoSuchBucketPolicy', undefined, { BucketName: bucket });
  return { status: 200, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }, body: text };
}

export async function deleteBucketPolicy(state: EmulatorState, request: S3Request): Promise<S3Response> {
  const bucket = state.buckets.get(request.target.bucket!).name;
  access(state).deletePolicy(bucket);
  return emptyResponse(204);
}
