import {
  CopyObjectCommand,
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  GetBucketAclCommand,
  GetObjectAclCommand,
  HeadObjectCommand,
  ListBucketsCommand,
  ListObjectsCommand,
  PutBucketAclCommand,
  PutObjectAclCommand,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import type { EmulatorOptions } from '../../src/emulator/index.js';
import { send } from './raw.js';
import { closedAfterEach, failure, readText, sdkClient, withEmulator } from './sdk.js';

const OWNER = { accessKeyId: 'owner', secretAccessKey: 'owner-secret', userId: 'owner-id', displayName: 'The Owner' };
const OTHER = { accessKeyId: 'other', secretAccessKey: 'other-secret', userId: 'other-id', displayName: 'Someone Else' };
const ALL_USERS = 'http://acs.amazonaws.com/groups/global/AllUsers';

const closeAfterTest = closedAfterEach();

/** An emulator with two users; `accessControl` decides whether the second one is held to ACLs. */
async function start(options: EmulatorOptions = {}) {
  const { emulator, s3: owner } = await withEmulator({ keys: [OWNER, OTHER], ...options });
  const other = sdkClient(emulator, OTHER);
  closeAfterTest(emulator, [owner, other]);
  return { emulator, owner, other };
}

const grantsOf = (r: { Grants?: { Grantee?: { ID?: string; URI?: string; DisplayName?: string }; Permission?: string }[] }) =>
  (r.Grants ?? []).map((g) => [g.Grantee?.ID ?? g.Grantee?.URI, g.Permission]);

describe('ACLs', () => {
  it('a new object and bucket are private to their creator, named with its user id and display name', async () => {
    const { owner } = await start();
    await owner.send(new CreateBucketCommand({ Bucket: 'bkt' }));
    await owner.send(new PutObjectCommand({ Bucket: 'bkt', Key: 'k', Body: 'v' }));
    const acl = await owner.send(new GetObjectAclCommand({ Bucket: 'bkt', Key: 'k' }));
    expect(acl.Owner).toEqual({ ID: 'owner-id', DisplayName: 'The Owner' });
    expect(grantsOf(acl)).toEqual([['owner-id', 'FULL_CONTROL']]);
    expect(grantsOf(await owner.send(new GetBucketAclCommand({ Bucket: 'bkt' })))).toEqual([['owner-id', 'FULL_CONTROL']]);
    // A listing names the same owner as the ACL.
    const listed = await owner.send(new ListObjectsCommand({ Bucket: 'bkt' }));
    expect(listed.Contents![0]!.Owner).toEqual({ ID: 'owner-id', DisplayName: 'The Owner' });
  });

  it('canned ACLs on create and later, explicit grants by header and by document', async () => {
    const { owner } = await start();
    await owner.send(new CreateBucketCommand({ Bucket: 'bkt', ACL: 'public-read-write' }));
    expect(grantsOf(await owner.send(new GetBucketAclCommand({ Bucket: 'bkt' })))).toEqual([
      [ALL_USERS, 'READ'],
      [ALL_USERS, 'WRITE'],
      ['owner-id', 'FULL_CONTROL'],
    ]);
    await owner.send(new PutObjectCommand({ Bucket: 'bkt', Key: 'k', Body: 'v', ACL: 'public-read' }));
    expect(grantsOf(await owner.send(new GetObjectAclCommand({ Bucket: 'bkt', Key: 'k' })))).toEqual([
      [ALL_USERS, 'READ'],
      ['owner-id', 'FULL_CONTROL'],
    ]);
    await owner.send(new PutObjectAclCommand({ Bucket: 'bkt', Key: 'k', GrantRead: 'id="other-id"' }));
    expect(grantsOf(await owner.send(new GetObjectAclCommand({ Bucket: 'bkt', Key: 'k' })))).toEqual([['other-id', 'READ']]);
    await owner.send(
      new PutObjectAclCommand({
        Bucket: 'bkt',
        Key: 'k',
        AccessControlPolicy: { Owner: { ID: 'owner-id' }, Grants: [{ Grantee: { Type: 'CanonicalUser', ID: 'owner-id' }, Permission: 'READ' }] },
      }),
    );
    expect(grantsOf(await owner.send(new GetObjectAclCommand({ Bucket: 'bkt', Key: 'k' })))).toEqual([['owner-id', 'READ']]);
    // A grant to a user nobody has is refused.
    expect(await failure(owner.send(new PutBucketAclCommand({ Bucket: 'bkt', GrantRead: 'id="nobody"' })))).toEqual({ name: 'InvalidArgument', status: 400 });
  });

  it('anonymous callers get what the ACLs grant everyone, and learn that a bucket is gone', async () => {
    const { emulator, owner } = await start();
    await owner.send(new CreateBucketCommand({ Bucket: 'pub', ACL: 'public-read-write' }));
    await owner.send(new PutObjectCommand({ Bucket: 'pub', Key: 'open', Body: 'hello', ACL: 'public-read' }));
    await owner.send(new PutObjectCommand({ Bucket: 'pub', Key: 'closed', Body: 'secret' }));
    expect((await send(emulator, 'GET', '/pub/open', {})).body).toBe('hello');
    expect((await send(emulator, 'GET', '/pub/closed', {})).status).toBe(403);
    expect((await send(emulator, 'GET', '/pub?list-type=2', {})).status).toBe(200);
    expect((await send(emulator, 'PUT', '/pub/anon', { 'content-length': '4' }, Buffer.from('anon'))).status).toBe(200);
    expect(await readText(owner, 'pub', 'anon')).toBe('anon');
    // The bucket allows listing, so a missing key is NoSuchKey, not a refusal.
    expect((await send(emulator, 'GET', '/pub/missing', {})).status).toBe(404);
    await owner.send(new CreateBucketCommand({ Bucket: 'priv' }));
    expect((await send(emulator, 'GET', '/priv/missing', {})).status).toBe(403);
    expect((await send(emulator, 'PUT', '/priv/k', { 'content-length': '1' }, Buffer.from('x'))).status).toBe(403);
    await owner.send(new DeleteBucketCommand({ Bucket: 'priv' }));
    const gone = await send(emulator, 'GET', '/priv/k', {});
    expect([gone.status, /<Code>NoSuchBucket<\/Code>/.test(gone.body)]).toEqual([404, true]);
  });

  it('with access control on, another user gets only what the ACLs grant: reading, listing, writing, copying', async () => {
    const { owner, other } = await start({ accessControl: {} });
    await owner.send(new CreateBucketCommand({ Bucket: 'bkt' }));
    await owner.send(new PutObjectCommand({ Bucket: 'bkt', Key: 'k', Body: 'v' }));
    expect(await failure(readText(other, 'bkt', 'k'))).toEqual({ name: 'AccessDenied', status: 403 });
    expect(await failure(other.send(new ListObjectsCommand({ Bucket: 'bkt' })))).toEqual({ name: 'AccessDenied', status: 403 });
    expect(await failure(other.send(new PutObjectCommand({ Bucket: 'bkt', Key: 'n', Body: 'x' })))).toEqual({ name: 'AccessDenied', status: 403 });
    // Copying out of the bucket is reading the source: refused too, even into the copier's own bucket.
    await other.send(new CreateBucketCommand({ Bucket: 'mine' }));
    expect(await failure(other.send(new CopyObjectCommand({ Bucket: 'mine', Key: 'c', CopySource: 'bkt/k' })))).toEqual({ name: 'AccessDenied', status: 403 });
    // Each user lists only its own buckets.
    expect((await other.send(new ListBucketsCommand({}))).Buckets!.map((b) => b.Name)).toEqual(['mine']);
    await owner.send(new PutObjectAclCommand({ Bucket: 'bkt', Key: 'k', ACL: 'authenticated-read' }));
    expect(await readText(other, 'bkt', 'k')).toBe('v');
    await other.send(new CopyObjectCommand({ Bucket: 'mine', Key: 'c', CopySource: 'bkt/k' }));
    await owner.send(new PutBucketAclCommand({ Bucket: 'bkt', ACL: 'public-read-write' }));
    await other.send(new PutObjectCommand({ Bucket: 'bkt', Key: 'n', Body: 'x' }));
    // The writer owns what it wrote: as in S3, its ACL (private) keeps even the bucket's owner
    // from reading it or its ACL, but the bucket's owner may still delete it.
    expect((await other.send(new GetObjectAclCommand({ Bucket: 'bkt', Key: 'n' }))).Owner?.ID).toBe('other-id');
    expect(await failure(owner.send(new GetObjectAclCommand({ Bucket: 'bkt', Key: 'n' })))).toEqual({ name: 'AccessDenied', status: 403 });
    expect(await failure(readText(owner, 'bkt', 'n'))).toEqual({ name: 'AccessDenied', status: 403 });
    await owner.send(new DeleteObjectCommand({ Bucket: 'bkt', Key: 'n' }));
    // Another user's bucket name is taken.
    expect(await failure(other.send(new CreateBucketCommand({ Bucket: 'bkt' })))).toEqual({ name: 'BucketAlreadyExists', status: 409 });
  });

  it('without access control every key pair is trusted, as before: ACLs are kept but only anonymous callers are held to them', async () => {
    const { owner, other } = await start();
    await owner.send(new CreateBucketCommand({ Bucket: 'bkt' }));
    await owner.send(new PutObjectCommand({ Bucket: 'bkt', Key: 'k', Body: 'v' }));
    expect(await readText(other, 'bkt', 'k')).toBe('v');
    expect((await other.send(new HeadObjectCommand({ Bucket: 'bkt', Key: 'k' }))).ContentLength).toBe(1);
  });
});
