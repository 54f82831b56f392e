import { createHash } from 'node:crypto';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  ListMultipartUploadsCommand,
  PutObjectCommand,
  UploadPartCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { failure, withEmulator } from './sdk.js';

let emulator: RunningEmulator;
let s3: S3Client;
const Bucket = 'mpu-bucket';

beforeAll(async () => {
  ({ emulator, s3 } = await withEmulator({ buckets: [Bucket] }));
});
afterAll(async () => {
  s3.destroy();
  await emulator.close();
});

const md5 = (b: Buffer) => createHash('md5').update(b).digest();

describe('multipart upload', () => {
  it('assembles parts in order, with S3-style ETag and the metadata given at the start', async () => {
    const part1 = Buffer.alloc(5 * 1024 * 1024, 'a');
    const part2 = Buffer.from('the tail');
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket, Key: 'mpu/obj', ContentType: 'text/x-mpu', Metadata: { kind: 'multi' } }));
    const listed = await s3.send(new ListMultipartUploadsCommand({ Bucket }));
    expect(listed.Uploads!.map((u) => u.UploadId)).toEqual([UploadId]);
    const e2 = await s3.send(new UploadPartCommand({ Bucket, Key: 'mpu/obj', UploadId, PartNumber: 2, Body: part2 }));
    const e1 = await s3.send(new UploadPartCommand({ Bucket, Key: 'mpu/obj', UploadId, PartNumber: 1, Body: part1 }));
    const done = await s3.send(
      new CompleteMultipartUploadCommand({
        Bucket,
        Key: 'mpu/obj',
        UploadId,
        MultipartUpload: { Parts: [{ PartNumber: 1, ETag: e1.ETag }, { PartNumber: 2, ETag: e2.ETag }] },
      }),
    );
    const expected = `"${createHash('md5').update(Buffer.concat([md5(part1), md5(part2)])).digest('hex')}-2"`;
    expect(done.ETag).toBe(expected);
    const out = await s3.send(new GetObjectCommand({ Bucket, Key: 'mpu/obj' }));
    const body = Buffer.from(await out.Body!.transformToByteArray());
    expect(body.equals(Buffer.concat([part1, part2]))).toBe(true);
    expect(out.ETag).toBe(expected);
    expect(out.ContentType).toBe('text/x-mpu');
    expect(out.Metadata).toEqual({ kind: 'multi' });
    expect((await s3.send(new ListMultipartUploadsCommand({ Bucket }))).Uploads ?? []).toEqual([]);
  });

  it('answers a retried CompleteMultipartUpload as the first (a client whose answer was lost), without writing again', async () => {
    const part = Buffer.from('only part');
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket, Key: 'mpu/retry' }));
    const e1 = await s3.send(new UploadPartCommand({ Bucket, Key: 'mpu/retry', UploadId, PartNumber: 1, Body: part }));
    const complete = () => s3.send(new CompleteMultipartUploadCommand({ Bucket, Key: 'mpu/retry', UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: e1.ETag }] } }));
    const first = await complete();
    // Another writer replaces the object; the retry must not bring the upload's body back.
    await s3.send(new PutObjectCommand({ Bucket, Key: 'mpu/retry', Body: 'later' }));
    const retry = await complete();
    expect(retry.ETag).toBe(first.ETag);
    const out = await s3.send(new GetObjectCommand({ Bucket, Key: 'mpu/retry' }));
    expect(await out.Body!.transformToString()).toBe('later');
    // Another key with that upload id is still no upload.
    expect(await failure(s3.send(new CompleteMultipartUploadCommand({ Bucket, Key: 'mpu/other', UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: e1.ETag }] } })))).toEqual({ name: 'NoSuchUpload', status: 404 });
  });

  it('refuses small non-final parts, wrong ETags, and aborted uploads', async () => {
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket, Key: 'mpu/bad' }));
    const e1 = await s3.send(new UploadPartCommand({ Bucket, Key: 'mpu/bad', UploadId, PartNumber: 1, Body: 'small' }));
    const e2 = await s3.send(new UploadPartCommand({ Bucket, Key: 'mpu/bad', UploadId, PartNumber: 2, Body: 'small' }));
    const complete = (parts: { PartNumber: number; ETag?: string }[]) =>
      s3.send(new CompleteMultipartUploadCommand({ Bucket, Key: 'mpu/bad', UploadId, MultipartUpload: { Parts: parts } }));
    expect(await failure(complete([{ PartNumber: 1, ETag: e1.ETag }, { PartNumber: 2, ETag: e2.ETag }]))).toEqual({ name: 'EntityTooSmall', status: 400 });
    expect(await failure(complete([{ PartNumber: 1, ETag: '"00000000000000000000000000000000"' }]))).toEqual({ name: 'InvalidPart', status: 400 });
    expect(await failure(complete([{ PartNumber: 2, ETag: e2.ETag }, { PartNumber: 1, ETag: e1.ETag }]))).toEqual({ name: 'InvalidPartOrder', status: 400 });
    await s3.send(new AbortMultipartUploadCommand({ Bucket, Key: 'mpu/bad', UploadId }));
    expect(await failure(complete([{ PartNumber: 1, ETag: e1.ETag }]))).toEqual({ name: 'NoSuchUpload', status: 404 });
    expect(await failure(s3.send(new GetObjectCommand({ Bucket, Key: 'mpu/bad' })))).toEqual({ name: 'NoSuchKey', status: 404 });
  });
});
