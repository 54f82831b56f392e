// What the conformance suite (ceph/s3-tests) needs of versions, and what the emulator keeps: one
// version of an object. In a bucket that never had versioning that is S3 exactly (version
// "null"); in one that had, the emulator refuses rather than list half the versions (issue 20).
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectVersionsCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { failure, readText, withEmulator } from './sdk.js';

let emulator: RunningEmulator;
let s3: S3Client;
const BUCKET = 'versions-bucket';

beforeAll(async () => {
  ({ emulator, s3 } = await withEmulator({ buckets: [BUCKET] }));
});
afterAll(async () => {
  s3.destroy();
  await emulator.close();
});

const put = (Key: string, Body: string, Bucket = BUCKET) => s3.send(new PutObjectCommand({ Bucket, Key, Body }));

describe('versions in a bucket that never had versioning', () => {
  it('ListObjectVersions lists each object once, version "null", latest; pages by key marker', async () => {
    for (const k of ['v/a', 'v/b', 'v/c']) await put(k, k);
    const first = await s3.send(new ListObjectVersionsCommand({ Bucket: BUCKET, Prefix: 'v/', MaxKeys: 2 }));
    expect(first.Versions!.map((v) => [v.Key, v.VersionId, v.IsLatest, v.Size])).toEqual([
      ['v/a', 'null', true, 3],
      ['v/b', 'null', true, 3],
    ]);
    expect(first).toMatchObject({ IsTruncated: true, NextKeyMarker: 'v/b' });
    const rest = await s3.send(new ListObjectVersionsCommand({ Bucket: BUCKET, Prefix: 'v/', KeyMarker: first.NextKeyMarker }));
    expect(rest.Versions!.map((v) => v.Key)).toEqual(['v/c']);
    expect(rest.IsTruncated).toBe(false);
  });

  it('GET, HEAD and DELETE of versionId "null" act on the object; another id is refused', async () => {
    await put('n', 'hello');
    const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'n', VersionId: 'null' }));
    expect(await got.Body!.transformToString()).toBe('hello');
    expect((await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'n', VersionId: 'null' }))).ContentLength).toBe(5);
    expect(await failure(s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'n', VersionId: 'v00000001' })))).toMatchObject({ status: 400 });
    await s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: 'n', VersionId: 'null' }));
    expect(await readText(s3, BUCKET, 'n')).toBeNull();
  });
});

describe('DeleteObjects', () => {
  it("honours an entry's ETag: a stale one is refused with PreconditionFailed and the object stays", async () => {
    const a = await put('d/a', 'one');
    await put('d/b', 'two');
    const out = await s3.send(
      new DeleteObjectsCommand({
        Bucket: BUCKET,
        Delete: { Objects: [{ Key: 'd/a', ETag: a.ETag }, { Key: 'd/b', ETag: '"0123456789abcdef0123456789abcdef"' }, { Key: 'd/c', VersionId: 'null' }] },
      }),
    );
    expect(out.Deleted!.map((d) => [d.Key, d.VersionId]).sort()).toEqual([
      ['d/a', undefined],
      ['d/c', 'null'],
    ]);
    expect(out.Errors!.map((e) => [e.Key, e.Code])).toEqual([['d/b', 'PreconditionFailed']]);
    expect(await readText(s3, BUCKET, 'd/a')).toBeNull();
    expect(await readText(s3, BUCKET, 'd/b')).toBe('two');
  });
});

describe('a bucket that has had versioning enabled', () => {
  it('ListObjectVersions and addressing a version are refused (501): the emulator keeps only the latest', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'was-versioned' }));
    await s3.send(new PutBucketVersioningCommand({ Bucket: 'was-versioned', VersioningConfiguration: { Status: 'Enabled' } }));
    expect(await failure(s3.send(new ListObjectVersionsCommand({ Bucket: 'was-versioned' })))).toMatchObject({ name: 'NotImplemented', status: 501 });
    await put('k', 'x', 'was-versioned');
    expect(await failure(s3.send(new GetObjectCommand({ Bucket: 'was-versioned', Key: 'k', VersionId: 'null' })))).toMatchObject({ status: 501 });
  });
});
