// Stored checksums (a single PUT's x-amz-checksum-*, a multipart upload's COMPOSITE or
// FULL_OBJECT one and its parts') and GetObjectAttributes, as S3 gives them.
import { createHash } from 'node:crypto';
import {
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  GetObjectAttributesCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  UploadPartCommand,
  type ChecksumAlgorithm,
  type S3Client,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crc32c, crc64nvme } from '../../src/emulator/auth/crc.js';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { failure, withEmulator } from './sdk.js';

let emulator: RunningEmulator;
let s3: S3Client;
const BUCKET = 'attrs';

beforeAll(async () => {
  ({ emulator, s3 } = await withEmulator({}));
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
});
afterAll(async () => {
  s3.destroy();
  await emulator.close();
});

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('base64');
const ALL = ['ETag', 'Checksum', 'ObjectParts', 'StorageClass', 'ObjectSize'] as const;

/** A two-part upload (5 MiB of 'a', then 'tail'), with the checksum asked for; returns the parts and the completion. */
async function twoParts(key: string, algorithm?: ChecksumAlgorithm, type?: 'COMPOSITE' | 'FULL_OBJECT') {
  const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: key, ...(algorithm ? { ChecksumAlgorithm: algorithm } : {}), ...(type ? { ChecksumType: type } : {}) }));
  const bodies = [Buffer.alloc(5 * 1024 * 1024, 'a'), Buffer.from('tail')];
  const parts: { PartNumber: number; ETag: string; sha256?: string | undefined; crc32c?: string | undefined }[] = [];
  for (const [i, body] of bodies.entries()) {
    const out = await s3.send(new UploadPartCommand({ Bucket: BUCKET, Key: key, UploadId, PartNumber: i + 1, Body: body }));
    parts.push({ PartNumber: i + 1, ETag: out.ETag!, sha256: out.ChecksumSHA256, crc32c: out.ChecksumCRC32C });
  }
  const complete = (extra = {}) =>
    s3.send(new CompleteMultipartUploadCommand({ Bucket: BUCKET, Key: key, UploadId, MultipartUpload: { Parts: parts.map(({ PartNumber, ETag }) => ({ PartNumber, ETag })) }, ...extra }));
  return { bodies, parts, complete };
}

describe('stored checksums of a single PUT', () => {
  it('kept as sent (and verified), answered to the PUT, on HEAD and GET only when asked, in GetObjectAttributes', async () => {
    const body = Buffer.alloc(1024, 'A');
    const put = await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'sha', Body: body, ChecksumSHA256: sha256(body) }));
    expect(put.ChecksumSHA256).toBe(sha256(body));
    expect((await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'sha' }))).ChecksumSHA256).toBeUndefined();
    expect((await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'sha', ChecksumMode: 'ENABLED' }))).ChecksumSHA256).toBe(sha256(body));
    const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'sha', ChecksumMode: 'ENABLED' }));
    await got.Body!.transformToByteArray();
    expect(got.ChecksumSHA256).toBe(sha256(body));
    const attrs = await s3.send(new GetObjectAttributesCommand({ Bucket: BUCKET, Key: 'sha', ObjectAttributes: [...ALL] }));
    expect(attrs.Checksum).toEqual({ ChecksumSHA256: sha256(body), ChecksumType: 'FULL_OBJECT' });
    expect(attrs.ObjectParts).toBeUndefined();
  });

  it('CRC-32C and CRC-64/NVME are computed and verified too: a wrong one is BadDigest', async () => {
    const body = Buffer.alloc(1024, 'A');
    // The value the peer suite (ceph/s3-tests) knows for these bytes.
    expect(crc64nvme(body).toString('base64')).toBe('Qeh8oXvGiSo=');
    const put = await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'crc', Body: body, ChecksumCRC64NVME: 'Qeh8oXvGiSo=' }));
    expect(put.ChecksumCRC64NVME).toBe('Qeh8oXvGiSo=');
    expect(await failure(s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'crc', Body: body, ChecksumCRC64NVME: 'AAAAAAAAAAA=' })))).toEqual({ name: 'BadDigest', status: 400 });
    const c = Buffer.alloc(4);
    c.writeUInt32BE(crc32c(body));
    expect(await failure(s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'crc', Body: body, ChecksumCRC32C: 'AAAAAA==' })))).toEqual({ name: 'BadDigest', status: 400 });
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'crc', Body: body, ChecksumCRC32C: c.toString('base64') }));
  });
});

describe('multipart checksums', () => {
  it('COMPOSITE: the checksum of the parts\' checksums, "-N"; each part\'s on GET ?partNumber=; a wrong expected one is BadDigest', async () => {
    const { bodies, parts, complete } = await twoParts('composite', 'SHA256');
    expect(parts.map((p) => p.sha256)).toEqual(bodies.map(sha256));
    const composite = `${createHash('sha256')
      .update(Buffer.concat(bodies.map((b) => createHash('sha256').update(b).digest())))
      .digest('base64')}-2`;
    expect(await failure(complete({ ChecksumSHA256: sha256(Buffer.from('wrong')) }))).toEqual({ name: 'BadDigest', status: 400 });
    const done = await complete({ ChecksumSHA256: composite });
    expect([done.ChecksumSHA256, done.ChecksumType]).toEqual([composite, 'COMPOSITE']);
    // A retried completion answers the same.
    expect((await complete()).ChecksumSHA256).toBe(composite);
    const head = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'composite', ChecksumMode: 'ENABLED' }));
    expect([head.ChecksumSHA256, head.ChecksumType]).toEqual([composite, 'COMPOSITE']);
    const part = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'composite', PartNumber: 2 }));
    expect(await part.Body!.transformToString()).toBe('tail');
    expect(part.ChecksumSHA256).toBe(sha256(bodies[1]!));
    const attrs = await s3.send(new GetObjectAttributesCommand({ Bucket: BUCKET, Key: 'composite', ObjectAttributes: ['Checksum', 'ObjectParts'] }));
    expect(attrs.Checksum).toEqual({ ChecksumSHA256: composite, ChecksumType: 'COMPOSITE' });
    expect(attrs.ObjectParts?.Parts?.map((p) => p.ChecksumSHA256)).toEqual(bodies.map(sha256));
  });

  it('FULL_OBJECT: the checksum of the whole body', async () => {
    const { bodies, parts, complete } = await twoParts('full', 'CRC32C', 'FULL_OBJECT');
    const whole = (b: Buffer) => {
      const out = Buffer.alloc(4);
      out.writeUInt32BE(crc32c(b));
      return out.toString('base64');
    };
    expect(parts.map((p) => p.crc32c)).toEqual(bodies.map(whole));
    const done = await complete();
    expect([done.ChecksumCRC32C, done.ChecksumType]).toEqual([whole(Buffer.concat(bodies)), 'FULL_OBJECT']);
  });
});

describe('GetObjectAttributes', () => {
  it('a multipart object lists its parts a page at a time; one written in one piece has none', async () => {
    const { complete } = await twoParts('plain');
    const done = await complete();
    const page = await s3.send(new GetObjectAttributesCommand({ Bucket: BUCKET, Key: 'plain', ObjectAttributes: [...ALL], MaxParts: 1 }));
    expect(page.ETag).toBe(done.ETag!.replace(/"/g, ''));
    expect(page.ObjectSize).toBe(5 * 1024 * 1024 + 4);
    expect(page.StorageClass).toBe('STANDARD');
    expect(page.Checksum).toBeUndefined();
    // The SDK reads the markers as strings.
    expect(page.ObjectParts).toMatchObject({ TotalPartsCount: 2, PartNumberMarker: '0', NextPartNumberMarker: '1', MaxParts: 1, IsTruncated: true, Parts: [{ PartNumber: 1, Size: 5 * 1024 * 1024 }] });
    const rest = await s3.send(new GetObjectAttributesCommand({ Bucket: BUCKET, Key: 'plain', ObjectAttributes: ['ObjectParts'], PartNumberMarker: '1' }));
    expect(rest.ObjectParts).toMatchObject({ IsTruncated: false, Parts: [{ PartNumber: 2, Size: 4 }] });
    expect(await failure(s3.send(new GetObjectAttributesCommand({ Bucket: BUCKET, Key: 'missing', ObjectAttributes: ['ETag'] })))).toEqual({ name: 'NoSuchKey', status: 404 });
  });

  it('reads the version asked for, and names it', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'attrs-versioned' }));
    await s3.send(new PutBucketVersioningCommand({ Bucket: 'attrs-versioned', VersioningConfiguration: { Status: 'Enabled' } }));
    const first = await s3.send(new PutObjectCommand({ Bucket: 'attrs-versioned', Key: 'k', Body: 'one' }));
    await s3.send(new PutObjectCommand({ Bucket: 'attrs-versioned', Key: 'k', Body: 'three' }));
    const current = await s3.send(new GetObjectAttributesCommand({ Bucket: 'attrs-versioned', Key: 'k', ObjectAttributes: ['ObjectSize'] }));
    expect(current.ObjectSize).toBe(5);
    const old = await s3.send(new GetObjectAttributesCommand({ Bucket: 'attrs-versioned', Key: 'k', VersionId: first.VersionId, ObjectAttributes: ['ObjectSize', 'ETag'] }));
    expect([old.VersionId, old.ObjectSize, old.ETag]).toEqual([first.VersionId, 3, first.ETag!.replace(/"/g, '')]);
  });
});
