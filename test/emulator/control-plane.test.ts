import { DeleteBucketPolicyCommand, GetBucketPolicyCommand, GetBucketVersioningCommand, HeadObjectCommand, PutBucketPolicyCommand, PutBucketVersioningCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterEach, describe, expect, it } from 'vitest';
import { parsePolicy, evaluate } from '../../src/emulator/access/policy.js';
import { DelayedSetting } from '../../src/emulator/delayed-setting.js';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { failure, put, readText, sdkClient, withEmulator } from './sdk.js';

const OWNER = { accessKeyId: 'owner', secretAccessKey: 'owner-secret' };
const READER = { accessKeyId: 'reader', secretAccessKey: 'reader-secret' };
const readerPolicy = JSON.stringify({
  Statement: [{ Effect: 'Allow', Principal: { AWS: ['arn:aws:iam::123456789012:user/reader'] }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::bkt/open/*' }],
});

let open: { emulator: RunningEmulator; clients: S3Client[] } | undefined;
afterEach(async () => {
  for (const c of open?.clients ?? []) c.destroy();
  await open?.emulator.close();
  open = undefined;
});

async function start(options: Parameters<typeof withEmulator>[0]) {
  const { emulator, s3 } = await withEmulator({ buckets: ['bkt'], ...options });
  const reader = sdkClient(emulator, READER);
  open = { emulator, clients: [s3, reader] };
  return { emulator, owner: s3, reader };
}

describe('delayed settings', () => {
  it('take effect after the delay, in order, while the latest value reads back at once', () => {
    let t = 0;
    const s = new DelayedSetting('a', 100, () => t);
    s.set('bkt');
    t = 50;
    s.set('c');
    expect([s.effective(), s.latest()]).toEqual(['a', 'c']);
    t = 100;
    expect(s.effective()).toBe('bkt');
    t = 150;
    expect(s.effective()).toBe('c');
  });
});

describe('bucket policies', () => {
  it('Deny wins over Allow; principals match by key id or ARN; wildcards in actions and resources', () => {
    const st = parsePolicy(JSON.stringify({ Statement: [
      { Effect: 'Allow', Principal: '*', Action: 's3:*', Resource: 'arn:aws:s3:::b/*' },
      { Effect: 'Deny', Principal: { AWS: 'x' }, Action: 's3:Get*', Resource: 'arn:aws:s3:::b/secret/*' },
    ] }));
    expect(evaluate(st, 'x', 's3:GetObject', 'arn:aws:s3:::b/secret/k')).toBe('deny');
    expect(evaluate(st, 'x', 's3:GetObject', 'arn:aws:s3:::b/k')).toBe('allow');
    expect(evaluate(st, 'x', 's3:GetObject', 'arn:aws:s3:::other/k')).toBeUndefined();
    expect(() => parsePolicy('{"Statement":[{"Effect":"Maybe"}]}')).toThrow(/Effect/);
  });

  it('the owner may do anything; another key only what the policy allows, once the change has propagated', async () => {
    const { owner, reader } = await start({ keys: [OWNER, READER], accessControl: { policyDelayMs: 600 } });
    await put(owner, 'bkt', 'open/k', 'v');
    expect(await failure(readText(reader, 'bkt', 'open/k'))).toEqual({ name: 'AccessDenied', status: 403 });
    await owner.send(new PutBucketPolicyCommand({ Bucket: 'bkt', Policy: readerPolicy }));
    const text = await (await owner.send(new GetBucketPolicyCommand({ Bucket: 'bkt' }))).Policy;
    expect(text).toBe(readerPolicy);
    // Still refused within the delay (generous margin: 600 ms configured, checked at once).
    expect(await failure(readText(reader, 'bkt', 'open/k'))).toEqual({ name: 'AccessDenied', status: 403 });
    await new Promise((r) => setTimeout(r, 700));
    expect(await readText(reader, 'bkt', 'open/k')).toBe('v');
    expect(await failure(put(reader, 'bkt', 'open/k', 'w'))).toEqual({ name: 'AccessDenied', status: 403 });
    await owner.send(new DeleteBucketPolicyCommand({ Bucket: 'bkt' }));
    expect(await readText(reader, 'bkt', 'open/k')).toBe('v');
    await new Promise((r) => setTimeout(r, 700));
    expect(await failure(readText(reader, 'bkt', 'open/k'))).toEqual({ name: 'AccessDenied', status: 403 });
  });

  it('a disabled key is refused as InvalidAccessKeyId after the key-state delay; the owner cannot be disabled', async () => {
    const { emulator, reader } = await start({ keys: [OWNER, READER], accessControl: { keyStateDelayMs: 0 } });
    emulator.admin.setKeyActive('reader', false);
    expect(await failure(readText(reader, 'bkt', 'k'))).toEqual({ name: 'InvalidAccessKeyId', status: 403 });
    emulator.admin.setKeyActive('reader', true);
    expect(await failure(readText(reader, 'bkt', 'k'))).toEqual({ name: 'AccessDenied', status: 403 });
    expect(() => emulator.admin.setKeyActive('owner', false)).toThrow(/owner/);
  });

  it('without access control, policies are not implemented and keys cannot be disabled', async () => {
    const { emulator, owner } = await start({ keys: [OWNER, READER] });
    expect(await failure(owner.send(new PutBucketPolicyCommand({ Bucket: 'bkt', Policy: readerPolicy })))).toEqual({ name: 'NotImplemented', status: 501 });
    expect(() => emulator.admin.setKeyActive('reader', false)).toThrow(/access control/);
  });
});

describe('bucket versioning', () => {
  it('governs writes after the configuration delay: a version id while enabled, the "null" version while suspended', async () => {
    const { owner } = await start({ configDelayMs: 600 });
    expect((await put(owner, 'bkt', 'k', '1')).VersionId).toBeUndefined();
    await owner.send(new PutBucketVersioningCommand({ Bucket: 'bkt', VersioningConfiguration: { Status: 'Enabled' } }));
    expect((await owner.send(new GetBucketVersioningCommand({ Bucket: 'bkt' }))).Status).toBe('Enabled');
    expect((await put(owner, 'bkt', 'k', '2')).VersionId).toBeUndefined();
    await new Promise((r) => setTimeout(r, 700));
    expect((await put(owner, 'bkt', 'k', '3')).VersionId).toMatch(/^v[0-9a-z]{8}$/);
    await owner.send(new PutBucketVersioningCommand({ Bucket: 'bkt', VersioningConfiguration: { Status: 'Suspended' } }));
    await new Promise((r) => setTimeout(r, 700));
    // A write while suspended answers no version id (as S3), and made the "null" version.
    expect((await put(owner, 'bkt', 'k', '4')).VersionId).toBeUndefined();
    expect((await owner.send(new HeadObjectCommand({ Bucket: 'bkt', Key: 'k' }))).VersionId).toBe('null');
  });
});

describe('replica endpoint', () => {
  it('serves each write after the lag, and refuses writes', async () => {
    const { emulator, owner } = await start({ replicaLag: '600' });
    const replica = sdkClient({ ...emulator, endpoint: emulator.replicaEndpoint! });
    open!.clients.push(replica);
    await put(owner, 'bkt', 'k', 'v');
    expect(await readText(replica, 'bkt', 'k')).toBeNull();
    await new Promise((r) => setTimeout(r, 700));
    expect(await readText(replica, 'bkt', 'k')).toBe('v');
    expect(await failure(put(replica, 'bkt', 'k', 'w'))).toEqual({ name: 'AccessDenied', status: 403 });
  });
});
