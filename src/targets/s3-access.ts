import { DeleteBucketPolicyCommand, PutBucketPolicyCommand, PutBucketVersioningCommand, type S3Client } from '@aws-sdk/client-s3';
import { classifyS3Error } from './s3-errors.js';
import { TargetError, type AccessCapability, type CallOptions, type TargetClient } from './target.js';

// Capabilities that change a bucket-wide setting through S3's own API. Only a bucket the run owns
// (the emulator's) may have them changed: against a shared bucket a run touches only its prefix.

/** The bucket as its owner reaches it through the SDK, and the run's prefix in it. */
export interface BucketOwner {
  s3: S3Client;
  bucket: string;
  prefix: string;
}

/**
 * Grant and revoke through S3's bucket policy API (PutBucketPolicy / DeleteBucketPolicy), and a
 * second principal's reads through its own client. The policy is bucket-wide, so only a bucket
 * the run owns (the emulator's) may have it changed. Disabling the principal's key is not an S3
 * call; the target says how (`setKeyActive`).
 */
export function s3Access(owner: BucketOwner, principal: TargetClient, principalId: string, setKeyActive: (active: boolean) => Promise<void>): AccessCapability {
  const policy = JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { AWS: [principalId] }, Action: ['s3:GetObject'], Resource: [`arn:aws:s3:::${owner.bucket}/${owner.prefix}*`] }],
  });
  return {
    async readAsPrincipal(key: string, options?: CallOptions) {
      try {
        await principal.get(key, options);
        return 'allowed';
      } catch (err) {
        // AccessDenied for a policy, InvalidAccessKeyId for a disabled key: both are 403s.
        if (err instanceof TargetError && err.status === 403) return 'denied';
        throw err;
      }
    },
    grantRead: (options?: CallOptions) => send(() => owner.s3.send(new PutBucketPolicyCommand({ Bucket: owner.bucket, Policy: policy }), { abortSignal: options?.signal })),
    revokeRead: (options?: CallOptions) => send(() => owner.s3.send(new DeleteBucketPolicyCommand({ Bucket: owner.bucket }), { abortSignal: options?.signal })),
    setKeyActive: (active: boolean) => setKeyActive(active),
  };
}

async function send(run: () => Promise<unknown>): Promise<void> {
  try {
    await run();
  } catch (err) {
    throw classifyS3Error(err);
  }
}

/** Versioning on or suspended, through PutBucketVersioning: bucket-wide, so only for a bucket the run owns. */
export function s3SetVersioning(owner: BucketOwner): (enabled: boolean, options?: CallOptions) => Promise<void> {
  return (enabled, options) =>
    send(() =>
      owner.s3.send(new PutBucketVersioningCommand({ Bucket: owner.bucket, VersioningConfiguration: { Status: enabled ? 'Enabled' : 'Suspended' } }), {
        abortSignal: options?.signal,
      }),
    );
}
