// S3 object versioning in the strong model, as AWS documents it: with versioning Enabled every
// write (PUT, COPY, multipart completion, DELETE) is a new version and older ones are kept;
// Suspended writes replace the "null" version; a DELETE without a version id adds a delete
// marker; ?versionId= reads or permanently removes one version; ListObjectVersions lists them all.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  UploadPartCommand,
  type ListObjectVersionsCommandInput,
  type S3Client,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { signedSend } from './raw.js';
import { failure, readText, withEmulator } from './sdk.js';

let emulator: RunningEmulator;
let s3: S3Client;
let buckets = 0;

beforeAll(async () => {
  ({ emulator, s3 } = await withEmulator({ groundTruth: true }));
});
afterAll(async () => {
  s3.destroy();
  await emulator.close();
});

/** A fresh bucket, versioning set as asked (null: never enabled). */
async function bucket(status: 'Enabled' | 'Suspended' | null = 'Enabled'): Promise<string> {
  const name = `ver-${++buckets}`;
  await s3.send(new CreateBucketCommand({ Bucket: name }));
  if (status) await setVersioning(name, status);
  return name;
}

const setVersioning = (Bucket: string, Status: 'Enabled' | 'Suspended') => s3.send(new PutBucketVersioningCommand({ Bucket, VersioningConfiguration: { Status } }));
const put = (Bucket: string, Key: string, Body: string) => s3.send(new PutObjectCommand({ Bucket, Key, Body }));

async function getVersion(Bucket: string, Key: string, VersionId: string): Promise<string> {
  const out = await s3.send(new GetObjectCommand({ Bucket, Key, VersionId }));
  return out.Body!.transformToString();
}

/** ListObjectVersions as sent: [key, version id, latest, kind] for each entry in S3's order (the SDK splits versions from markers). */
async function listing(bucket: string, query: Record<string, string> = {}) {
  const raw = await signedSend(emulator, { method: 'GET', path: `/${bucket}`, query: { versions: '', ...query } });
  expect(raw.status).toBe(200);
  const field = (xml: string, name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1];
  const entries = [...raw.body.matchAll(/<(Version|DeleteMarker)>([\s\S]*?)<\/\1>/g)].map((m) => [
    field(m[2]!, 'Key'),
    field(m[2]!, 'VersionId'),
    field(m[2]!, 'IsLatest') === 'true',
    m[1] === 'Version' ? 'version' : 'marker',
  ]);
  const top = raw.body.replace(/<(Version|DeleteMarker|CommonPrefixes)>[\s\S]*?<\/\1>/g, '');
  return { entries, truncated: field(top, 'IsTruncated') === 'true', nextKeyMarker: field(top, 'NextKeyMarker'), nextVersionIdMarker: field(top, 'NextVersionIdMarker') };
}

describe('versioning Enabled', () => {
  it('every PUT is a new version with its own id; GET reads the latest, ?versionId any of them', async () => {
    const b = await bucket();
    const ids: string[] = [];
    for (const body of ['one', 'two', 'three']) ids.push((await put(b, 'k', body)).VersionId!);
    expect(new Set(ids).size).toBe(3);
    const latest = await s3.send(new GetObjectCommand({ Bucket: b, Key: 'k' }));
    expect(await latest.Body!.transformToString()).toBe('three');
    expect(latest.VersionId).toBe(ids[2]);
    expect(await getVersion(b, 'k', ids[0]!)).toBe('one');
    expect(await getVersion(b, 'k', ids[1]!)).toBe('two');
    const head = await s3.send(new HeadObjectCommand({ Bucket: b, Key: 'k', VersionId: ids[0] }));
    expect([head.ContentLength, head.VersionId]).toEqual([3, ids[0]]);
    const { entries } = await listing(b);
    expect(entries).toEqual([
      ['k', ids[2], true, 'version'],
      ['k', ids[1], false, 'version'],
      ['k', ids[0], false, 'version'],
    ]);
  });

  it('an unknown id is 404 NoSuchVersion, a malformed one 400 InvalidArgument', async () => {
    const b = await bucket();
    await put(b, 'k', 'x');
    expect(await failure(s3.send(new GetObjectCommand({ Bucket: b, Key: 'k', VersionId: 'v0000zzzz' })))).toEqual({ name: 'NoSuchVersion', status: 404 });
    expect(await failure(s3.send(new GetObjectCommand({ Bucket: b, Key: 'k', VersionId: 'bogus' })))).toEqual({ name: 'InvalidArgument', status: 400 });
    expect(await failure(s3.send(new DeleteObjectCommand({ Bucket: b, Key: 'k', VersionId: 'bogus' })))).toEqual({ name: 'InvalidArgument', status: 400 });
  });

  it('DELETE adds a delete marker: GET and HEAD answer 404 and say so; the older versions stay', async () => {
    const b = await bucket();
    const v1 = (await put(b, 'k', 'one')).VersionId!;
    const del = await s3.send(new DeleteObjectCommand({ Bucket: b, Key: 'k' }));
    expect(del.DeleteMarker).toBe(true);
    const marker = del.VersionId!;
    expect(marker).not.toBe(v1);
    expect(await readText(s3, b, 'k')).toBeNull();
    const get = await signedSend(emulator, { method: 'GET', path: `/${b}/k` });
    expect([get.status, get.headers['x-amz-delete-marker'], get.headers['x-amz-version-id']]).toEqual([404, 'true', marker]);
    expect(get.body).toContain('<Code>NoSuchKey</Code>');
    const head = await signedSend(emulator, { method: 'HEAD', path: `/${b}/k` });
    expect([head.status, head.headers['x-amz-delete-marker']]).toEqual([404, 'true']);
    // The marker itself has no body: 405, with the header.
    const byId = await signedSend(emulator, { method: 'GET', path: `/${b}/k`, query: { versionId: marker } });
    expect([byId.status, byId.headers['x-amz-delete-marker']]).toEqual([405, 'true']);
    expect(byId.body).toContain('<Code>MethodNotAllowed</Code>');
    expect(await getVersion(b, 'k', v1)).toBe('one');
    expect((await s3.send(new ListObjectsV2Command({ Bucket: b }))).KeyCount).toBe(0);
    expect((await listing(b)).entries).toEqual([
      ['k', marker, true, 'marker'],
      ['k', v1, false, 'version'],
    ]);
    const sdk = await s3.send(new ListObjectVersionsCommand({ Bucket: b }));
    expect(sdk.DeleteMarkers!.map((m) => [m.Key, m.VersionId, m.IsLatest])).toEqual([['k', marker, true]]);
    expect(sdk.Versions!.map((v) => [v.Key, v.VersionId, v.IsLatest, v.Size])).toEqual([['k', v1, false, 3]]);
    // A bucket with versions (or only markers) is not empty.
    expect(await failure(s3.send(new DeleteBucketCommand({ Bucket: b })))).toEqual({ name: 'BucketNotEmpty', status: 409 });
  });

  it('deleting the delete marker by id undeletes; deleting the current version makes the previous current', async () => {
    const b = await bucket();
    const v1 = (await put(b, 'k', 'one')).VersionId!;
    const v2 = (await put(b, 'k', 'two')).VersionId!;
    const marker = (await s3.send(new DeleteObjectCommand({ Bucket: b, Key: 'k' }))).VersionId!;
    const undelete = await s3.send(new DeleteObjectCommand({ Bucket: b, Key: 'k', VersionId: marker }));
    expect([undelete.DeleteMarker, undelete.VersionId]).toEqual([true, marker]);
    expect(await readText(s3, b, 'k')).toBe('two');
    const removed = await s3.send(new DeleteObjectCommand({ Bucket: b, Key: 'k', VersionId: v2 }));
    expect([removed.DeleteMarker, removed.VersionId]).toEqual([undefined, v2]);
    expect(await readText(s3, b, 'k')).toBe('one');
    expect(await failure(s3.send(new GetObjectCommand({ Bucket: b, Key: 'k', VersionId: v2 })))).toEqual({ name: 'NoSuchVersion', status: 404 });
    // Removing a version that is not there succeeds, as in S3.
    await s3.send(new DeleteObjectCommand({ Bucket: b, Key: 'k', VersionId: v2 }));
    await s3.send(new DeleteObjectCommand({ Bucket: b, Key: 'k', VersionId: v1 }));
    expect((await listing(b)).entries).toEqual([]);
    await s3.send(new DeleteBucketCommand({ Bucket: b }));
  });

  it('conditions apply to the version addressed', async () => {
    const b = await bucket();
    const first = await put(b, 'k', 'one');
    await put(b, 'k', 'two');
    const got = await s3.send(new GetObjectCommand({ Bucket: b, Key: 'k', VersionId: first.VersionId, IfMatch: first.ETag }));
    expect(await got.Body!.transformToString()).toBe('one');
    expect(await failure(s3.send(new GetObjectCommand({ Bucket: b, Key: 'k', IfMatch: first.ETag })))).toMatchObject({ status: 412 });
    expect(await failure(s3.send(new HeadObjectCommand({ Bucket: b, Key: 'k', VersionId: first.VersionId, IfNoneMatch: first.ETag })))).toMatchObject({ status: 304 });
    expect(await failure(s3.send(new DeleteObjectCommand({ Bucket: b, Key: 'k', VersionId: first.VersionId, IfMatch: '"0123456789abcdef0123456789abcdef"' })))).toEqual({
      name: 'PreconditionFailed',
      status: 412,
    });
    await s3.send(new DeleteObjectCommand({ Bucket: b, Key: 'k', VersionId: first.VersionId, IfMatch: first.ETag }));
    expect((await listing(b)).entries.length).toBe(1);
  });

  it('CopyObject and CompleteMultipartUpload make versions; a copy may read a version by id', async () => {
    const b = await bucket();
    const v1 = (await put(b, 'src', 'old')).VersionId!;
    await put(b, 'src', 'new');
    const copy = await s3.send(new CopyObjectCommand({ Bucket: b, Key: 'dst', CopySource: `${b}/src?versionId=${v1}` }));
    expect(copy.CopySourceVersionId).toBe(v1);
    expect(copy.VersionId).toMatch(/^v[0-9a-z]{8}$/);
    expect(await readText(s3, b, 'dst')).toBe('old');
    // Copying an older version onto its own key restores it, as a new version.
    const restored = await s3.send(new CopyObjectCommand({ Bucket: b, Key: 'src', CopySource: `${b}/src?versionId=${v1}` }));
    expect(await readText(s3, b, 'src')).toBe('old');
    expect((await listing(b, { prefix: 'src' })).entries.map((e) => e[1])[0]).toBe(restored.VersionId);
    const marker = (await s3.send(new DeleteObjectCommand({ Bucket: b, Key: 'src' }))).VersionId!;
    expect(await failure(s3.send(new CopyObjectCommand({ Bucket: b, Key: 'x', CopySource: `${b}/src?versionId=${marker}` })))).toMatchObject({ status: 400 });
    expect(await failure(s3.send(new CopyObjectCommand({ Bucket: b, Key: 'x', CopySource: `${b}/src` })))).toMatchObject({ name: 'NoSuchKey' });

    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: b, Key: 'mp' }));
    const part = await s3.send(new UploadPartCommand({ Bucket: b, Key: 'mp', UploadId, PartNumber: 1, Body: 'parts' }));
    const done = await s3.send(new CompleteMultipartUploadCommand({ Bucket: b, Key: 'mp', UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag }] } }));
    expect((await listing(b, { prefix: 'mp' })).entries).toEqual([['mp', done.VersionId, true, 'version']]);
  });

  it("each write's ground-truth event keeps its write id, from which its version id is made", async () => {
    const b = await bucket();
    const { VersionId } = await put(b, 'truth', 'x');
    const event = emulator.groundTruth!.events.find((e) => e.kind === 'op' && e.bucket === b && e.op === 'PutObject');
    expect(event).toMatchObject({ kind: 'op', key: 'truth', status: 200 });
    expect(VersionId).toBe(`v${(event as { writeId: number }).writeId.toString(36).padStart(8, '0')}`);
  });
});

describe('versioning Suspended, and objects from before versioning', () => {
  it('an object written before versioning is the "null" version, kept when versioning is enabled', async () => {
    const b = await bucket(null);
    expect((await put(b, 'k', 'plain')).VersionId).toBeUndefined();
    await setVersioning(b, 'Enabled');
    const v = (await put(b, 'k', 'versioned')).VersionId!;
    expect((await listing(b)).entries).toEqual([
      ['k', v, true, 'version'],
      ['k', 'null', false, 'version'],
    ]);
    expect(await getVersion(b, 'k', 'null')).toBe('plain');
    await s3.send(new DeleteObjectCommand({ Bucket: b, Key: 'k', VersionId: v }));
    const got = await s3.send(new GetObjectCommand({ Bucket: b, Key: 'k' }));
    expect([await got.Body!.transformToString(), got.VersionId]).toEqual(['plain', 'null']);
  });

  it('writes replace the "null" version and keep the others; a DELETE makes a "null" delete marker', async () => {
    const b = await bucket();
    const v1 = (await put(b, 'k', 'enabled')).VersionId!;
    await setVersioning(b, 'Suspended');
    // S3 names no version in the answer to a write while versioning is suspended.
    expect((await put(b, 'k', 'null one')).VersionId).toBeUndefined();
    expect((await put(b, 'k', 'null two')).VersionId).toBeUndefined();
    expect((await listing(b)).entries).toEqual([
      ['k', 'null', true, 'version'],
      ['k', v1, false, 'version'],
    ]);
    expect(await getVersion(b, 'k', 'null')).toBe('null two');
    const del = await s3.send(new DeleteObjectCommand({ Bucket: b, Key: 'k' }));
    expect([del.DeleteMarker, del.VersionId]).toEqual([true, 'null']);
    expect((await listing(b)).entries).toEqual([
      ['k', 'null', true, 'marker'],
      ['k', v1, false, 'version'],
    ]);
    await s3.send(new DeleteObjectCommand({ Bucket: b, Key: 'k', VersionId: 'null' }));
    expect(await readText(s3, b, 'k')).toBe('enabled');
  });

  it('a bucket that never had versioning behaves as before: DELETE removes, no version ids', async () => {
    const b = await bucket(null);
    await put(b, 'k', 'x');
    const del = await s3.send(new DeleteObjectCommand({ Bucket: b, Key: 'k' }));
    expect([del.DeleteMarker, del.VersionId]).toEqual([undefined, undefined]);
    expect((await listing(b)).entries).toEqual([]);
    await s3.send(new DeleteBucketCommand({ Bucket: b }));
  });
});

describe('ListObjectVersions', () => {
  it('pages by KeyMarker and VersionIdMarker through every version, in order, with MaxKeys', async () => {
    const b = await bucket();
    for (const key of ['a', 'b', 'c']) for (let i = 0; i < 3; i++) await put(b, key, `${key}${i}`);
    await s3.send(new DeleteObjectCommand({ Bucket: b, Key: 'b' }));
    const all = (await listing(b)).entries;
    expect(all.length).toBe(10);
    expect(all.map((e) => e[0])).toEqual(['a', 'a', 'a', 'b', 'b', 'b', 'b', 'c', 'c', 'c']);
    expect(all[3]).toEqual(['b', expect.any(String), true, 'marker']);
    const paged: unknown[] = [];
    let query: Record<string, string> = { 'max-keys': '4' };
    for (let pages = 0; pages < 10; pages++) {
      const page = await listing(b, query);
      paged.push(...page.entries);
      if (!page.truncated) break;
      expect(page.nextKeyMarker).toBe(page.entries[page.entries.length - 1]![0]);
      expect(page.nextVersionIdMarker).toBe(page.entries[page.entries.length - 1]![1]);
      query = { 'max-keys': '4', 'key-marker': page.nextKeyMarker!, 'version-id-marker': page.nextVersionIdMarker! };
    }
    expect(paged).toEqual(all);
    expect(paged.length).toBe(10);
    // A key marker alone resumes after every version of that key.
    expect((await listing(b, { 'key-marker': 'b' })).entries.map((e) => e[0])).toEqual(['c', 'c', 'c']);
  });

  it('pages still cover everything when each page is deleted before the next is asked for', async () => {
    const b = await bucket();
    for (let i = 0; i < 5; i++) await put(b, 'k', `${i}`);
    for (let i = 0; i < 3; i++) await put(b, `k${i}`, `${i}`);
    let input: Partial<ListObjectVersionsCommandInput> = { MaxKeys: 3 };
    for (let pages = 0; pages < 10; pages++) {
      const out = await s3.send(new ListObjectVersionsCommand({ Bucket: b, ...input }));
      const objects = [...(out.Versions ?? []), ...(out.DeleteMarkers ?? [])].map((v) => ({ Key: v.Key!, VersionId: v.VersionId! }));
      if (objects.length > 0) await s3.send(new DeleteObjectsCommand({ Bucket: b, Delete: { Objects: objects, Quiet: true } }));
      if (!out.IsTruncated) break;
      input = { MaxKeys: 3, KeyMarker: out.NextKeyMarker, VersionIdMarker: out.NextVersionIdMarker };
    }
    await s3.send(new DeleteBucketCommand({ Bucket: b }));
  });

  it('Prefix, Delimiter (CommonPrefixes) and EncodingType=url', async () => {
    const b = await bucket();
    for (const key of ['dir/a', 'dir/a', 'dir/sub/x', 'top', 'sp ace+']) await put(b, key, 'x');
    const out = await s3.send(new ListObjectVersionsCommand({ Bucket: b, Prefix: 'dir/', Delimiter: '/' }));
    expect((out.Versions ?? []).map((v) => [v.Key, v.IsLatest])).toEqual([
      ['dir/a', true],
      ['dir/a', false],
    ]);
    expect(out.CommonPrefixes).toEqual([{ Prefix: 'dir/sub/' }]);
    const raw = await signedSend(emulator, { method: 'GET', path: `/${b}`, query: { versions: '', prefix: 'sp', 'encoding-type': 'url' } });
    expect(raw.body).toContain('<Key>sp%20ace%2B</Key>');
    expect(raw.body).toContain('<EncodingType>url</EncodingType>');
    expect(await failure(s3.send(new ListObjectVersionsCommand({ Bucket: b, VersionIdMarker: 'null' })))).toMatchObject({ name: 'InvalidArgument', status: 400 });
  });
});

describe('DeleteObjects with versions', () => {
  it('removes the versions named; an entry without one adds a delete marker', async () => {
    const b = await bucket();
    const v1 = (await put(b, 'k', 'one')).VersionId!;
    const v2 = (await put(b, 'k', 'two')).VersionId!;
    const marked = await s3.send(new DeleteObjectsCommand({ Bucket: b, Delete: { Objects: [{ Key: 'other' }] } }));
    expect(marked.Deleted).toEqual([{ Key: 'other', DeleteMarker: true, DeleteMarkerVersionId: expect.stringMatching(/^v/) }]);
    const marker = marked.Deleted![0]!.DeleteMarkerVersionId!;
    const objects = [
      { Key: 'k', VersionId: v1 },
      { Key: 'k', VersionId: v2 },
      { Key: 'other', VersionId: marker },
    ];
    const out = await s3.send(new DeleteObjectsCommand({ Bucket: b, Delete: { Objects: objects } }));
    expect(out.Errors).toBeUndefined();
    expect(out.Deleted!.find((d) => d.Key === 'other')).toEqual({ Key: 'other', VersionId: marker, DeleteMarker: true, DeleteMarkerVersionId: marker });
    expect((await listing(b)).entries).toEqual([]);
    // Again: deleting versions that are gone succeeds.
    expect((await s3.send(new DeleteObjectsCommand({ Bucket: b, Delete: { Objects: objects } }))).Deleted!.length).toBe(3);
    await s3.send(new DeleteBucketCommand({ Bucket: b }));
  });
});

describe('persistent mode, and faults in front of the model', () => {
  it('persistent mode refuses to enable versioning', async () => {
    const persistent = await withEmulator({ buckets: ['persisted'], persistence: { dataDir: mkdtempSync(join(tmpdir(), 'objcheck-versioning-')) } });
    try {
      const refused = await failure(persistent.s3.send(new PutBucketVersioningCommand({ Bucket: 'persisted', VersioningConfiguration: { Status: 'Enabled' } })));
      expect(refused).toEqual({ name: 'NotImplemented', status: 501 });
    } finally {
      persistent.s3.destroy();
      await persistent.emulator.close();
    }
  });

  it('with a caching front, versions are still the model\'s', async () => {
    const { emulator: cached, s3: client } = await withEmulator({ faults: { cacheFront: true }, buckets: ['cached'] });
    try {
      await client.send(new PutBucketVersioningCommand({ Bucket: 'cached', VersioningConfiguration: { Status: 'Enabled' } }));
      const v1 = (await client.send(new PutObjectCommand({ Bucket: 'cached', Key: 'k', Body: 'one' }))).VersionId!;
      await client.send(new PutObjectCommand({ Bucket: 'cached', Key: 'k', Body: 'two' }));
      expect(await (await client.send(new GetObjectCommand({ Bucket: 'cached', Key: 'k', VersionId: v1 }))).Body!.transformToString()).toBe('one');
      expect((await client.send(new ListObjectVersionsCommand({ Bucket: 'cached' }))).Versions!.length).toBe(2);
    } finally {
      client.destroy();
      await cached.close();
    }
  });
});
