// Conditional deletes (DeleteObject's If-Match, x-amz-if-match-last-modified-time and
// x-amz-if-match-size; DeleteObjects' per-entry ETag, LastModifiedTime and Size), as S3 and RGW
// judge them: on the version the delete acts on, a delete marker included; a delete of nothing
// succeeds (204) and makes nothing, whatever its conditions.
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
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
let n = 0;

beforeAll(async () => {
  ({ emulator, s3 } = await withEmulator({ groundTruth: true }));
});
afterAll(async () => {
  s3.destroy();
  await emulator.close();
});

async function bucket(versioned: boolean): Promise<string> {
  const name = `cond-delete-${++n}`;
  await s3.send(new CreateBucketCommand({ Bucket: name }));
  if (versioned) await s3.send(new PutBucketVersioningCommand({ Bucket: name, VersioningConfiguration: { Status: 'Enabled' } }));
  return name;
}

const PRECONDITION = { name: 'PreconditionFailed', status: 412 };
const BAD_TIME = new Date('2015-01-01T00:00:00Z');

describe('DeleteObject with conditions', () => {
  it('If-Match, last-modified time and size: a mismatch is 412 and deletes nothing; a match deletes', async () => {
    const b = await bucket(false);
    const { ETag } = await s3.send(new PutObjectCommand({ Bucket: b, Key: 'k', Body: 'four' }));
    const { LastModified } = await s3.send(new HeadObjectCommand({ Bucket: b, Key: 'k' }));
    expect(await failure(s3.send(new DeleteObjectCommand({ Bucket: b, Key: 'k', IfMatch: '"0123456789abcdef0123456789abcdef"' })))).toEqual(PRECONDITION);
    expect(await failure(s3.send(new DeleteObjectCommand({ Bucket: b, Key: 'k', IfMatchLastModifiedTime: BAD_TIME })))).toEqual(PRECONDITION);
    expect(await failure(s3.send(new DeleteObjectCommand({ Bucket: b, Key: 'k', IfMatchSize: 5 })))).toEqual(PRECONDITION);
    expect(await readText(s3, b, 'k')).toBe('four');
    await s3.send(new DeleteObjectCommand({ Bucket: b, Key: 'k', IfMatch: ETag, IfMatchLastModifiedTime: LastModified, IfMatchSize: 4 }));
    expect(await readText(s3, b, 'k')).toBeNull();
    // Nothing there: any condition holds, as S3 answers a delete of nothing.
    const gone = await s3.send(new DeleteObjectCommand({ Bucket: b, Key: 'k', IfMatch: '"0123456789abcdef0123456789abcdef"', IfMatchSize: 9 }));
    expect(gone.$metadata.httpStatusCode).toBe(204);
  });

  it('under versioning: a delete marker is judged (only If-Match: * matches it); a key with no version at all gets no marker', async () => {
    const b = await bucket(true);
    // No version at all: 204, and no delete marker made.
    expect((await s3.send(new DeleteObjectCommand({ Bucket: b, Key: 'k', IfMatch: '*' }))).$metadata.httpStatusCode).toBe(204);
    expect((await s3.send(new ListObjectVersionsCommand({ Bucket: b }))).DeleteMarkers).toBeUndefined();
    const { ETag, VersionId } = await s3.send(new PutObjectCommand({ Bucket: b, Key: 'k', Body: 'v' }));
    const marked = await s3.send(new DeleteObjectCommand({ Bucket: b, Key: 'k', IfMatch: ETag }));
    expect(marked.DeleteMarker).toBe(true);
    // The marker is current now: a bad ETag, time or size fails against it, * matches it.
    expect(await failure(s3.send(new DeleteObjectCommand({ Bucket: b, Key: 'k', IfMatch: ETag })))).toEqual(PRECONDITION);
    expect(await failure(s3.send(new DeleteObjectCommand({ Bucket: b, Key: 'k', IfMatchSize: 1 })))).toEqual(PRECONDITION);
    expect(await failure(s3.send(new DeleteObjectCommand({ Bucket: b, Key: 'k', IfMatchLastModifiedTime: BAD_TIME })))).toEqual(PRECONDITION);
    await s3.send(new DeleteObjectCommand({ Bucket: b, Key: 'k', IfMatch: '*' }));
    // A version by id: judged on that version.
    expect(await failure(s3.send(new DeleteObjectCommand({ Bucket: b, Key: 'k', VersionId, IfMatchSize: 2 })))).toEqual(PRECONDITION);
    await s3.send(new DeleteObjectCommand({ Bucket: b, Key: 'k', VersionId, IfMatchSize: 1 }));
    const left = await s3.send(new ListObjectVersionsCommand({ Bucket: b }));
    expect(left.Versions).toBeUndefined();
    expect(left.DeleteMarkers).toHaveLength(2);
  });
});

describe('DeleteObjects with conditions', () => {
  it("each entry's ETag, LastModifiedTime and Size is its own condition", async () => {
    const b = await bucket(false);
    for (const key of ['a', 'b', 'c', 'd']) await s3.send(new PutObjectCommand({ Bucket: b, Key: key, Body: key }));
    const { LastModified } = await s3.send(new HeadObjectCommand({ Bucket: b, Key: 'b' }));
    const out = await s3.send(
      new DeleteObjectsCommand({
        Bucket: b,
        Delete: {
          Objects: [
            { Key: 'a', Size: 2 },
            { Key: 'b', LastModifiedTime: LastModified },
            { Key: 'c', LastModifiedTime: BAD_TIME },
            { Key: 'd', Size: 1, ETag: '"0123456789abcdef0123456789abcdef"' },
            { Key: 'never', ETag: '"0123456789abcdef0123456789abcdef"' },
          ],
        },
      }),
    );
    expect(out.Deleted!.map((d) => d.Key).sort()).toEqual(['b', 'never']);
    expect(out.Errors!.map((e) => [e.Key, e.Code]).sort()).toEqual([
      ['a', 'PreconditionFailed'],
      ['c', 'PreconditionFailed'],
      ['d', 'PreconditionFailed'],
    ]);
    for (const [key, left] of [['a', 'a'], ['b', null], ['c', 'c'], ['d', 'd']] as const) expect(await readText(s3, b, key)).toBe(left);
  });
});
