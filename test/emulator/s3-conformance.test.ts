// Behaviour that ceph/s3-tests checks and the emulator got wrong (issue 20), each against S3's
// documented answer: recreating an owned bucket, max-keys=0, an empty continuation token.
import { CreateBucketCommand, ListObjectVersionsCommand, ListObjectsCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { failure, withEmulator } from './sdk.js';

let emulator: RunningEmulator;
let s3: S3Client;
const Bucket = 'conf-bucket';

beforeAll(async () => {
  ({ emulator, s3 } = await withEmulator({ buckets: [Bucket] }));
  for (const Key of ['bar', 'baz', 'foo', 'quxx']) await s3.send(new PutObjectCommand({ Bucket, Key, Body: Key }));
});
afterAll(async () => {
  s3.destroy();
  await emulator.close();
});

describe('S3 conformance details', () => {
  it('CreateBucket of a bucket one owns: 200 in us-east-1, BucketAlreadyOwnedByYou elsewhere', async () => {
    expect(emulator.region).toBe('us-east-1');
    await s3.send(new CreateBucketCommand({ Bucket: 'twice' }));
    await s3.send(new CreateBucketCommand({ Bucket: 'twice' }));
    const { emulator: west, s3: westS3 } = await withEmulator({ region: 'eu-west-1' });
    try {
      await westS3.send(new CreateBucketCommand({ Bucket: 'twice', CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' } }));
      expect(await failure(westS3.send(new CreateBucketCommand({ Bucket: 'twice', CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' } })))).toEqual({ name: 'BucketAlreadyOwnedByYou', status: 409 });
    } finally {
      westS3.destroy();
      await west.close();
    }
  });

  it('max-keys=0 lists nothing and says nothing was left out: v1, v2 and versions', async () => {
    const v1 = await s3.send(new ListObjectsCommand({ Bucket, MaxKeys: 0 }));
    expect([v1.IsTruncated, v1.Contents ?? []]).toEqual([false, []]);
    const v2 = await s3.send(new ListObjectsV2Command({ Bucket, MaxKeys: 0 }));
    expect([v2.IsTruncated, v2.Contents ?? [], v2.NextContinuationToken]).toEqual([false, [], undefined]);
    const versions = await s3.send(new ListObjectVersionsCommand({ Bucket, MaxKeys: 0 }));
    expect([versions.IsTruncated, versions.Versions ?? []]).toEqual([false, []]);
  });

  it('an empty continuation token lists from the start and is echoed', async () => {
    const out = await s3.send(new ListObjectsV2Command({ Bucket, ContinuationToken: '' }));
    expect(out.ContinuationToken).toBe('');
    expect(out.IsTruncated).toBe(false);
    expect(out.Contents!.map((c) => c.Key)).toEqual(['bar', 'baz', 'foo', 'quxx']);
  });
});
