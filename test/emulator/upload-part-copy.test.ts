import {
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  UploadPartCommand,
  UploadPartCopyCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { failure, withEmulator } from './sdk.js';

let emulator: RunningEmulator;
let s3: S3Client;
const Bucket = 'upc-bucket';
const MiB = 1024 * 1024;

beforeAll(async () => {
  ({ emulator, s3 } = await withEmulator({ buckets: [Bucket] }));
});
afterAll(async () => {
  s3.destroy();
  await emulator.close();
});

async function bytes(Key: string, extra: { VersionId?: string; PartNumber?: number } = {}) {
  const out = await s3.send(new GetObjectCommand({ Bucket, Key, ...extra }));
  return { body: Buffer.from(await out.Body!.transformToByteArray()), out };
}

describe('UploadPartCopy', () => {
  it('copies byte ranges of an object (or all of it) into parts, which complete into the object', async () => {
    const source = Buffer.alloc(6 * MiB + 3);
    for (let i = 0; i < source.length; i++) source[i] = (i * 7) % 251;
    await s3.send(new PutObjectCommand({ Bucket, Key: 'src', Body: source }));
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket, Key: 'dst' }));
    const p1 = await s3.send(new UploadPartCopyCommand({ Bucket, Key: 'dst', UploadId, PartNumber: 1, CopySource: `${Bucket}/src`, CopySourceRange: `bytes=0-${5 * MiB - 1}` }));
    const p2 = await s3.send(new UploadPartCopyCommand({ Bucket, Key: 'dst', UploadId, PartNumber: 2, CopySource: `${Bucket}/src`, CopySourceRange: `bytes=${5 * MiB}-${source.length - 1}` }));
    await s3.send(
      new CompleteMultipartUploadCommand({ Bucket, Key: 'dst', UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: p1.CopyPartResult!.ETag }, { PartNumber: 2, ETag: p2.CopyPartResult!.ETag }] } }),
    );
    expect((await bytes('dst')).body.equals(source)).toBe(true);

    // Without a range, the whole object is the part.
    const whole = await s3.send(new CreateMultipartUploadCommand({ Bucket, Key: 'dst2' }));
    const p = await s3.send(new UploadPartCopyCommand({ Bucket, Key: 'dst2', UploadId: whole.UploadId, PartNumber: 1, CopySource: `${Bucket}/src` }));
    await s3.send(new CompleteMultipartUploadCommand({ Bucket, Key: 'dst2', UploadId: whole.UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: p.CopyPartResult!.ETag }] } }));
    expect((await bytes('dst2')).body.equals(source)).toBe(true);
  });

  it('copies from the version named, and says which', async () => {
    const b = 'upc-versioned';
    await s3.send(new CreateBucketCommand({ Bucket: b }));
    await s3.send(new PutBucketVersioningCommand({ Bucket: b, VersioningConfiguration: { Status: 'Enabled' } }));
    const v1 = (await s3.send(new PutObjectCommand({ Bucket: b, Key: 'k', Body: 'first' }))).VersionId!;
    await s3.send(new PutObjectCommand({ Bucket: b, Key: 'k', Body: 'second' }));
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket, Key: 'from-v1' }));
    const p = await s3.send(new UploadPartCopyCommand({ Bucket, Key: 'from-v1', UploadId, PartNumber: 1, CopySource: `${b}/k?versionId=${v1}` }));
    expect(p.CopySourceVersionId).toBe(v1);
    await s3.send(new CompleteMultipartUploadCommand({ Bucket, Key: 'from-v1', UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: p.CopyPartResult!.ETag }] } }));
    expect((await bytes('from-v1')).body.toString()).toBe('first');
  });

  it('refuses a range past the end (InvalidRange) and one not of the form bytes=first-last (InvalidArgument)', async () => {
    await s3.send(new PutObjectCommand({ Bucket, Key: 'five', Body: '12345' }));
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket, Key: 'bad' }));
    const copy = (CopySourceRange: string) => s3.send(new UploadPartCopyCommand({ Bucket, Key: 'bad', UploadId, PartNumber: 1, CopySource: `${Bucket}/five`, CopySourceRange }));
    expect((await failure(copy('bytes=0-21'))).name).toBe('InvalidRange');
    for (const range of ['0-2', 'bytes=0', 'bytes=hello-world', 'bytes=0-bar', 'bytes=hello-', 'bytes=0-2,3-5']) {
      expect(await failure(copy(range))).toEqual({ name: 'InvalidArgument', status: 400 });
    }
  });
});

describe('multipart details', () => {
  it('a part number listed twice (a resent part whose answers both came back) counts once: the last entry, the part uploaded last', async () => {
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket, Key: 'resend' }));
    const b = await s3.send(new UploadPartCommand({ Bucket, Key: 'resend', UploadId, PartNumber: 1, Body: 'BBBBBBBB' }));
    const a = await s3.send(new UploadPartCommand({ Bucket, Key: 'resend', UploadId, PartNumber: 1, Body: 'AAAAAAAA' }));
    await s3.send(new CompleteMultipartUploadCommand({ Bucket, Key: 'resend', UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: b.ETag }, { PartNumber: 1, ETag: a.ETag }] } }));
    expect((await bytes('resend')).body.toString()).toBe('AAAAAAAA');
  });

  it('GET and HEAD ?partNumber= serve one part, with the part count; a part that is not there is InvalidPart', async () => {
    const part1 = Buffer.alloc(5 * MiB, 'x');
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket, Key: 'parts' }));
    const e1 = await s3.send(new UploadPartCommand({ Bucket, Key: 'parts', UploadId, PartNumber: 1, Body: part1 }));
    const e2 = await s3.send(new UploadPartCommand({ Bucket, Key: 'parts', UploadId, PartNumber: 2, Body: 'tail' }));
    const done = await s3.send(new CompleteMultipartUploadCommand({ Bucket, Key: 'parts', UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: e1.ETag }, { PartNumber: 2, ETag: e2.ETag }] } }));
    const second = await bytes('parts', { PartNumber: 2 });
    expect([second.body.toString(), second.out.PartsCount, second.out.ETag]).toEqual(['tail', 2, done.ETag]);
    expect((await s3.send(new HeadObjectCommand({ Bucket, Key: 'parts', PartNumber: 1 }))).ContentLength).toBe(5 * MiB);
    expect(await failure(bytes('parts', { PartNumber: 3 }))).toEqual({ name: 'InvalidPart', status: 400 });
    // An object written in one piece is its one part.
    await s3.send(new PutObjectCommand({ Bucket, Key: 'single', Body: 'body' }));
    expect((await bytes('single', { PartNumber: 1 })).body.toString()).toBe('body');
    expect(await failure(bytes('single', { PartNumber: 2 }))).toEqual({ name: 'InvalidPart', status: 400 });
  });
});
