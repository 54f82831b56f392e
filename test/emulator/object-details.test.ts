import {
  CopyObjectCommand,
  CreateBucketCommand,
  DeleteObjectTaggingCommand,
  GetBucketLocationCommand,
  GetObjectTaggingCommand,
  HeadObjectCommand,
  ListObjectsCommand,
  PutObjectCommand,
  PutObjectTaggingCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { send, signedSend } from './raw.js';
import { failure, withEmulator } from './sdk.js';

let emulator: RunningEmulator;
let s3: S3Client;
const Bucket = 'details';

beforeAll(async () => {
  ({ emulator, s3 } = await withEmulator({ buckets: [Bucket] }));
});
afterAll(async () => {
  s3.destroy();
  await emulator.close();
});

const tags = async (Key: string) => (await s3.send(new GetObjectTaggingCommand({ Bucket, Key }))).TagSet!.map((t) => [t.Key, t.Value]);

describe('object headers', () => {
  it('keeps Expires, Content-Disposition, Content-Language and Content-Encoding (without aws-chunked), and copies them', async () => {
    const expires = new Date(Math.floor(Date.now() / 1000) * 1000 + 6_000_000);
    await s3.send(new PutObjectCommand({ Bucket, Key: 'h', Body: 'x', Expires: expires, ContentDisposition: 'attachment', ContentLanguage: 'fr', ContentEncoding: 'gzip, aws-chunked' }));
    const head = await s3.send(new HeadObjectCommand({ Bucket, Key: 'h' }));
    expect([head.Expires?.getTime(), head.ContentDisposition, head.ContentLanguage, head.ContentEncoding]).toEqual([expires.getTime(), 'attachment', 'fr', 'gzip']);
    await s3.send(new CopyObjectCommand({ Bucket, Key: 'h2', CopySource: `${Bucket}/h` }));
    expect((await s3.send(new HeadObjectCommand({ Bucket, Key: 'h2' }))).ContentDisposition).toBe('attachment');
    await s3.send(new PutObjectCommand({ Bucket, Key: 'h3', Body: 'x', ContentEncoding: 'aws-chunked' }));
    expect((await s3.send(new HeadObjectCommand({ Bucket, Key: 'h3' }))).ContentEncoding).toBeUndefined();
  });
});

describe('object tagging', () => {
  it('sets tags with the write (x-amz-tagging) or later, counts them on HEAD, deletes them; copies keep them', async () => {
    await s3.send(new PutObjectCommand({ Bucket, Key: 't', Body: 'x', Tagging: 'foo=bar&b%20ar' }));
    expect(await tags('t')).toEqual([['b ar', ''], ['foo', 'bar']]);
    await s3.send(new PutObjectTaggingCommand({ Bucket, Key: 't', Tagging: { TagSet: [{ Key: 'k1', Value: 'v1' }, { Key: 'k0', Value: 'v0' }] } }));
    expect(await tags('t')).toEqual([['k0', 'v0'], ['k1', 'v1']]);
    expect((await s3.send(new HeadObjectCommand({ Bucket, Key: 't' }))).TagCount).toBe(2);
    await s3.send(new CopyObjectCommand({ Bucket, Key: 't2', CopySource: `${Bucket}/t` }));
    expect(await tags('t2')).toEqual([['k0', 'v0'], ['k1', 'v1']]);
    await s3.send(new DeleteObjectTaggingCommand({ Bucket, Key: 't' }));
    expect(await tags('t')).toEqual([]);
  });

  it("refuses S3's limits with InvalidTag: more than 10 tags, a key over 128 characters, a value over 256", async () => {
    await s3.send(new PutObjectCommand({ Bucket, Key: 'lim', Body: 'x' }));
    const put = (TagSet: { Key: string; Value: string }[]) => s3.send(new PutObjectTaggingCommand({ Bucket, Key: 'lim', Tagging: { TagSet } }));
    const n = (count: number) => Array.from({ length: count }, (_, i) => ({ Key: `k${i}`, Value: 'v' }));
    await put(n(10));
    expect(await failure(put(n(11)))).toEqual({ name: 'InvalidTag', status: 400 });
    expect(await failure(put([{ Key: 'a'.repeat(129), Value: '' }]))).toEqual({ name: 'InvalidTag', status: 400 });
    expect(await failure(put([{ Key: 'a', Value: 'b'.repeat(257) }]))).toEqual({ name: 'InvalidTag', status: 400 });
    expect((await tags('lim')).length).toBe(10);
  });
});

describe('bucket details', () => {
  it('GetBucketLocation returns the constraint the bucket was created with', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'located', CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' } }));
    expect((await s3.send(new GetBucketLocationCommand({ Bucket: 'located' }))).LocationConstraint).toBe('eu-west-1');
    expect((await s3.send(new GetBucketLocationCommand({ Bucket }))).LocationConstraint).toBeUndefined();
  });

  it('HEAD ?read-stats=true (RGW) counts objects and bytes; allow-unordered with a delimiter is InvalidArgument', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'stats' }));
    for (const k of ['a', 'b', 'c']) await s3.send(new PutObjectCommand({ Bucket: 'stats', Key: k, Body: 'xyz' }));
    const head = await signedSend(emulator, { method: 'HEAD', path: '/stats', query: { 'read-stats': 'true' } });
    expect([head.headers['x-rgw-object-count'], head.headers['x-rgw-bytes-used']]).toEqual(['3', '9']);
    const unordered = await signedSend(emulator, { method: 'GET', path: '/stats', query: { 'allow-unordered': 'true', delimiter: '/' } });
    expect([unordered.status, /InvalidArgument/.test(unordered.body)]).toEqual([400, true]);
  });

  it('ListObjects v1 returns the Prefix as given, even with EncodingType=url (clients decode keys, not it)', async () => {
    const out = await s3.send(new ListObjectsCommand({ Bucket, Prefix: 'x y', EncodingType: 'url' }));
    expect(out.Prefix).toBe('x y');
  });

  it('a CORS preflight without Origin is 400 (no CORS configuration is kept)', async () => {
    expect((await send(emulator, 'OPTIONS', `/${Bucket}/k`, {})).status).toBe(400);
  });
});
