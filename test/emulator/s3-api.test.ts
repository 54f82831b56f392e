import { createHash } from 'node:crypto';
import {
  CopyObjectCommand,
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetBucketLocationCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListBucketsCommand,
  ListObjectsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { failure, withEmulator } from './sdk.js';

let emulator: RunningEmulator;
let s3: S3Client;
const BUCKET = 'api-bucket';

beforeAll(async () => {
  ({ emulator, s3 } = await withEmulator({ buckets: [BUCKET] }));
});
afterAll(async () => {
  s3.destroy();
  await emulator.close();
});

async function get(key: string, extra: { Range?: string; Bucket?: string } = {}) {
  const out = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key, ...extra }));
  return { ...out, text: await out.Body!.transformToString() };
}

describe('buckets', () => {
  it('creates, heads, lists, locates and deletes a bucket', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'made-here' }));
    // us-east-1 answers 200 to creating a bucket one owns (s3-conformance.test.ts has the other regions).
    await s3.send(new CreateBucketCommand({ Bucket: 'made-here' }));
    await s3.send(new HeadBucketCommand({ Bucket: 'made-here' }));
    const names = (await s3.send(new ListBucketsCommand({}))).Buckets!.map((b) => b.Name);
    expect(names).toEqual([BUCKET, 'made-here']);
    const location = await s3.send(new GetBucketLocationCommand({ Bucket: 'made-here' }));
    expect(location.LocationConstraint ?? '').toBe('');

    await s3.send(new PutObjectCommand({ Bucket: 'made-here', Key: 'x', Body: 'x' }));
    expect(await failure(s3.send(new DeleteBucketCommand({ Bucket: 'made-here' })))).toEqual({ name: 'BucketNotEmpty', status: 409 });
    await s3.send(new DeleteObjectCommand({ Bucket: 'made-here', Key: 'x' }));
    await s3.send(new DeleteBucketCommand({ Bucket: 'made-here' }));
    expect((await failure(s3.send(new HeadBucketCommand({ Bucket: 'made-here' })))).status).toBe(404);
  });

  it('refuses objects in a missing bucket and invalid names', async () => {
    expect(await failure(s3.send(new PutObjectCommand({ Bucket: 'no-such-bucket', Key: 'k', Body: 'v' })))).toEqual({ name: 'NoSuchBucket', status: 404 });
    expect(await failure(s3.send(new CreateBucketCommand({ Bucket: 'Bad_Name' })))).toEqual({ name: 'InvalidBucketName', status: 400 });
  });
});

describe('objects', () => {
  it('round-trips body, ETag, content type, cache control and user metadata', async () => {
    const body = 'the quick brown fox';
    const put = await s3.send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: 'meta/obj',
        Body: body,
        ContentType: 'text/plain',
        CacheControl: 'max-age=60',
        Metadata: { color: 'blue', 'two-words': 'x y' },
      }),
    );
    const md5 = `"${createHash('md5').update(body).digest('hex')}"`;
    expect(put.ETag).toBe(md5);
    const got = await get('meta/obj');
    expect(got.text).toBe(body);
    expect(got.ETag).toBe(md5);
    expect(got.ContentType).toBe('text/plain');
    expect(got.CacheControl).toBe('max-age=60');
    expect(got.Metadata).toEqual({ color: 'blue', 'two-words': 'x y' });
    expect(got.ContentLength).toBe(body.length);
    const head = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'meta/obj' }));
    expect(head.ETag).toBe(md5);
    expect(head.ContentLength).toBe(body.length);
    expect(head.Metadata).toEqual({ color: 'blue', 'two-words': 'x y' });
    expect(head.LastModified!.getTime()).toBeGreaterThan(Date.now() - 60_000);
  });

  it('deletes, after which GET is NoSuchKey and HEAD is 404; deleting again succeeds', async () => {
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'gone', Body: 'v' }));
    await s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: 'gone' }));
    expect(await failure(s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'gone' })))).toEqual({ name: 'NoSuchKey', status: 404 });
    expect(await failure(s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'gone' })))).toEqual({ name: 'NotFound', status: 404 });
    await s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: 'gone' }));
  });

  it('keeps keys with characters that need encoding', async () => {
    const keys = ['sp ace/a+b', 'pct%25/100%', 'unicodé/日本', "sub!*'()~", 'dbl//slash', 'q?mark#hash', 'eq=amp&semi;', ' lead-space'];
    for (const key of keys) await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: `enc/${key}`, Body: key }));
    for (const key of keys) expect((await get(`enc/${key}`)).text).toBe(key);
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'enc/' }));
    expect(listed.Contents!.map((c) => c.Key)).toEqual(keys.map((k) => `enc/${k}`).sort());
  });

  it('stores an empty object and a 1 MiB binary one intact', async () => {
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'empty', Body: new Uint8Array(0) }));
    expect((await get('empty')).text).toBe('');
    const big = Buffer.alloc(1 << 20);
    for (let i = 0; i < big.length; i++) big[i] = (i * 131) & 0xff;
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'big', Body: big }));
    const out = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'big' }));
    expect(Buffer.from(await out.Body!.transformToByteArray()).equals(big)).toBe(true);
  });
});

describe('conditional requests', () => {
  it('PUT If-None-Match: * creates once, then 412', async () => {
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'cond/new', Body: 'one', IfNoneMatch: '*' }));
    expect(await failure(s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'cond/new', Body: 'two', IfNoneMatch: '*' })))).toEqual({
      name: 'PreconditionFailed',
      status: 412,
    });
    expect((await get('cond/new')).text).toBe('one');
  });

  it('PUT If-Match: 412 on a different ETag, 404 on a missing key, success on the current one', async () => {
    const { ETag } = await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'cond/cas', Body: 'v1' }));
    expect(await failure(s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'cond/cas', Body: 'v2', IfMatch: '"0123456789abcdef0123456789abcdef"' })))).toEqual({
      name: 'PreconditionFailed',
      status: 412,
    });
    expect(await failure(s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'cond/missing', Body: 'v', IfMatch: ETag! })))).toEqual({ name: 'NoSuchKey', status: 404 });
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'cond/cas', Body: 'v2', IfMatch: ETag! }));
    expect((await get('cond/cas')).text).toBe('v2');
  });

  it('GET and HEAD honour If-Match, If-None-Match and If-Modified-Since', async () => {
    const { ETag } = await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'cond/read', Body: 'r' }));
    const cmd = (extra: Record<string, unknown>) => new GetObjectCommand({ Bucket: BUCKET, Key: 'cond/read', ...extra });
    expect((await failure(s3.send(cmd({ IfMatch: '"nope"' })))).status).toBe(412);
    expect((await failure(s3.send(cmd({ IfNoneMatch: ETag })))).status).toBe(304);
    expect((await failure(s3.send(cmd({ IfModifiedSince: new Date(Date.now() + 3600_000) })))).status).toBe(304);
    expect((await failure(s3.send(cmd({ IfUnmodifiedSince: new Date(Date.now() - 3600_000) })))).status).toBe(412);
    const ok = await s3.send(cmd({ IfMatch: ETag, IfModifiedSince: new Date(Date.now() - 3600_000) }));
    expect(await ok.Body!.transformToString()).toBe('r');
    expect((await failure(s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'cond/read', IfNoneMatch: ETag })))).status).toBe(304);
    expect((await failure(s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'cond/read', IfMatch: '"x"' })))).status).toBe(412);
  });
});

describe('range GET', () => {
  it('serves byte ranges with Content-Range and refuses unsatisfiable ones', async () => {
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'range', Body: '0123456789' }));
    const mid = await get('range', { Range: 'bytes=2-5' });
    expect(mid.text).toBe('2345');
    expect(mid.ContentRange).toBe('bytes 2-5/10');
    expect(mid.$metadata.httpStatusCode).toBe(206);
    expect((await get('range', { Range: 'bytes=-3' })).text).toBe('789');
    expect((await get('range', { Range: 'bytes=7-' })).text).toBe('789');
    expect((await get('range', { Range: 'bytes=8-100' })).text).toBe('89');
    expect(await failure(s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'range', Range: 'bytes=10-12' })))).toEqual({ name: 'InvalidRange', status: 416 });
  });
});

describe('listing', () => {
  const N = 1500;
  const keyOf = (i: number) => `page/${String(i).padStart(5, '0')}`;

  beforeAll(async () => {
    const queue = Array.from({ length: N }, (_, i) => i);
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        for (let i = queue.pop(); i !== undefined; i = queue.pop()) {
          await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: keyOf(i), Body: String(i) }));
        }
      }),
    );
  });

  it('pages ListObjectsV2 over 1,500 keys with continuation tokens', async () => {
    for (const maxKeys of [undefined, 250]) {
      const seen: string[] = [];
      let token: string | undefined;
      let pages = 0;
      do {
        const page = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'page/', ContinuationToken: token, MaxKeys: maxKeys }));
        pages++;
        expect(page.KeyCount).toBe(page.Contents!.length);
        seen.push(...page.Contents!.map((c) => c.Key!));
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
        if (page.IsTruncated) expect(token).toBeDefined();
      } while (token);
      expect(seen).toEqual(Array.from({ length: N }, (_, i) => keyOf(i)));
      expect(pages).toBe(Math.ceil(N / (maxKeys ?? 1000)));
    }
  });

  it('honours start-after and max-keys', async () => {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'page/', StartAfter: keyOf(1496), MaxKeys: 10 }));
    expect(page.Contents!.map((c) => c.Key)).toEqual([keyOf(1497), keyOf(1498), keyOf(1499)]);
    expect(page.IsTruncated).toBe(false);
    expect(page.StartAfter).toBe(keyOf(1496));
  });

  it('groups by delimiter into CommonPrefixes, counted in KeyCount and paged', async () => {
    for (const k of ['dir/a/1', 'dir/a/2', 'dir/b/1', 'dir/c', 'dir/d/x/y']) await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: k, Body: k }));
    const all = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'dir/', Delimiter: '/' }));
    expect(all.CommonPrefixes!.map((p) => p.Prefix)).toEqual(['dir/a/', 'dir/b/', 'dir/d/']);
    expect(all.Contents!.map((c) => c.Key)).toEqual(['dir/c']);
    expect(all.KeyCount).toBe(4);
    const names: string[] = [];
    let token: string | undefined;
    do {
      const page = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'dir/', Delimiter: '/', MaxKeys: 1, ContinuationToken: token }));
      expect(page.KeyCount).toBe(1);
      names.push(...(page.CommonPrefixes ?? []).map((p) => p.Prefix!), ...(page.Contents ?? []).map((c) => c.Key!));
      token = page.NextContinuationToken;
    } while (token);
    expect(names).toEqual(['dir/a/', 'dir/b/', 'dir/c', 'dir/d/']);
    const top = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Delimiter: '/' }));
    expect(top.CommonPrefixes!.map((p) => p.Prefix)).toContain('page/');
  });

  it('pages ListObjects (v1) with markers', async () => {
    const seen: string[] = [];
    let marker: string | undefined;
    do {
      const page = await s3.send(new ListObjectsCommand({ Bucket: BUCKET, Prefix: 'page/', Marker: marker, MaxKeys: 600 }));
      seen.push(...page.Contents!.map((c) => c.Key!));
      marker = page.IsTruncated ? page.NextMarker : undefined;
    } while (marker);
    expect(seen).toHaveLength(N);
    expect(seen[N - 1]).toBe(keyOf(N - 1));
  });

  it('refuses a forged continuation token', async () => {
    expect((await failure(s3.send(new ListObjectsV2Command({ Bucket: BUCKET, ContinuationToken: '!!not-a-token' })))).status).toBe(400);
  });
});

describe('CopyObject', () => {
  it('copies metadata with COPY and replaces it with REPLACE', async () => {
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'copy/src', Body: 'payload', ContentType: 'text/x-src', Metadata: { origin: 'src' } }));
    const copied = await s3.send(new CopyObjectCommand({ Bucket: BUCKET, Key: 'copy/same', CopySource: `${BUCKET}/copy/src` }));
    const src = await get('copy/src');
    expect(copied.CopyObjectResult!.ETag).toBe(src.ETag);
    const same = await get('copy/same');
    expect(same.text).toBe('payload');
    expect(same.Metadata).toEqual({ origin: 'src' });
    expect(same.ContentType).toBe('text/x-src');

    await s3.send(
      new CopyObjectCommand({
        Bucket: BUCKET,
        Key: 'copy/replaced',
        CopySource: `/${BUCKET}/${encodeURIComponent('copy/src')}`,
        MetadataDirective: 'REPLACE',
        Metadata: { origin: 'new' },
        ContentType: 'text/x-new',
      }),
    );
    const replaced = await get('copy/replaced');
    expect(replaced.text).toBe('payload');
    expect(replaced.Metadata).toEqual({ origin: 'new' });
    expect(replaced.ContentType).toBe('text/x-new');
  });

  it('refuses a copy onto itself without REPLACE, and a missing source', async () => {
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'copy/self', Body: 's' }));
    expect(await failure(s3.send(new CopyObjectCommand({ Bucket: BUCKET, Key: 'copy/self', CopySource: `${BUCKET}/copy/self` })))).toEqual({
      name: 'InvalidRequest',
      status: 400,
    });
    await s3.send(new CopyObjectCommand({ Bucket: BUCKET, Key: 'copy/self', CopySource: `${BUCKET}/copy/self`, MetadataDirective: 'REPLACE', Metadata: { m: '1' } }));
    expect((await get('copy/self')).Metadata).toEqual({ m: '1' });
    expect(await failure(s3.send(new CopyObjectCommand({ Bucket: BUCKET, Key: 'copy/x', CopySource: `${BUCKET}/copy/nothing` })))).toEqual({
      name: 'NoSuchKey',
      status: 404,
    });
  });
});

describe('DeleteObjects', () => {
  it('deletes many keys at once, reporting each, missing ones included', async () => {
    for (const k of ['multi/1', 'multi/2', 'multi/3']) await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: k, Body: k }));
    const out = await s3.send(
      new DeleteObjectsCommand({ Bucket: BUCKET, Delete: { Objects: [{ Key: 'multi/1' }, { Key: 'multi/2' }, { Key: 'multi/never' }] } }),
    );
    expect(out.Deleted!.map((d) => d.Key).sort()).toEqual(['multi/1', 'multi/2', 'multi/never']);
    expect(out.Errors ?? []).toEqual([]);
    const left = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'multi/' }));
    expect(left.Contents!.map((c) => c.Key)).toEqual(['multi/3']);
    const quiet = await s3.send(new DeleteObjectsCommand({ Bucket: BUCKET, Delete: { Quiet: true, Objects: [{ Key: 'multi/3' }] } }));
    expect(quiet.Deleted ?? []).toEqual([]);
    expect((await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'multi/' }))).KeyCount).toBe(0);
  });
});
