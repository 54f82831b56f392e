// Versions in a bucket that never had versioning: S3 has one version of each object, "null", and
// every model can answer for it. Models that keep only the latest version (all but strong) refuse
// versions once a bucket has had versioning, rather than list half of them. Versioning itself,
// in the strong model, is tested in versioning.test.ts.
import {
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

  it('GET, HEAD and DELETE of versionId "null" act on the object; another id names no version', async () => {
    await put('n', 'hello');
    const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'n', VersionId: 'null' }));
    expect(await got.Body!.transformToString()).toBe('hello');
    expect((await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'n', VersionId: 'null' }))).ContentLength).toBe(5);
    expect(await failure(s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'n', VersionId: 'v00000001' })))).toMatchObject({ status: 404 });
    expect(await failure(s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'n', VersionId: 'not-an-id' })))).toMatchObject({ name: 'InvalidArgument', status: 400 });
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

describe('a model that keeps only the latest version', () => {
  it('serves "null" versions until the bucket has had versioning, then refuses (501)', async () => {
    // W = N: every read sees the acknowledged writes, so the answers below are not a matter of timing.
    const { emulator: quorum, s3: client } = await withEmulator({ consistency: { model: 'quorum', replicas: 3, writeQuorum: 3, readQuorum: 1 }, buckets: ['plain', 'was-versioned'] });
    try {
      await client.send(new PutObjectCommand({ Bucket: 'plain', Key: 'k', Body: 'x' }));
      const listed = await client.send(new ListObjectVersionsCommand({ Bucket: 'plain' }));
      expect(listed.Versions!.map((v) => [v.Key, v.VersionId, v.IsLatest])).toEqual([['k', 'null', true]]);
      await client.send(new PutBucketVersioningCommand({ Bucket: 'was-versioned', VersioningConfiguration: { Status: 'Enabled' } }));
      expect(await failure(client.send(new ListObjectVersionsCommand({ Bucket: 'was-versioned' })))).toMatchObject({ name: 'NotImplemented', status: 501 });
      await client.send(new PutObjectCommand({ Bucket: 'was-versioned', Key: 'k', Body: 'x' }));
      expect(await failure(client.send(new GetObjectCommand({ Bucket: 'was-versioned', Key: 'k', VersionId: 'null' })))).toMatchObject({ status: 501 });
    } finally {
      client.destroy();
      await quorum.close();
    }
  });
});
