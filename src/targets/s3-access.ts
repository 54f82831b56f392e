import { DeleteBucketPolicyCommand, PutBucketPolicyCommand } from '@aws-sdk/client-s3';
import { classifyS3Error } from './s3-errors.js';
import type { S3TargetClient } from './s3-client.js';
import { TargetError, type AccessCapability, type CallOptions } from './target.js';

/**
 * Grant and revoke through S3's bucket policy API (PutBucketPolicy / DeleteBucketPolicy), and a
 * second principal's reads through its own client. The policy is bucket-wide, so only a bucket
 * the run owns (the emulator's) may have it changed. Disabling the principal's key is not an S3
 * call; the target says how (`setKeyActive`).
 */
export function s3Access(owner: S3TargetClient, principal: S3TargetClient, principalId: string, setKeyActive: (active: boolean) => Promise<void>): AccessCapability {
  const policy = JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { AWS: [principalId] }, Action: ['s3:GetObject'], Resource: [`arn:aws:s3:::${owner.bucket}/${owner.prefix}*`] }],
  });
  const send = async (run: () => Promise<unknown>) => {
    try {
      await run();
    } catch (err) {
      throw classifyS3Error(err);
    }
  };
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
