import {
  CopyObjectCommand,
  CreateBucketCommand,
  GetObjectAclCommand,
  PutBucketPolicyCommand,
  PutObjectCommand,
  PutObjectTaggingCommand,
} from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { conditionsHold, parseConditions, UNKNOWN_KEY } from '../../src/emulator/access/policy-conditions.js';
import { evaluate, parsePolicy } from '../../src/emulator/access/policy.js';
import { closedAfterEach, failure, readText, sdkClient, withEmulator } from './sdk.js';

const OWNER = { accessKeyId: 'owner', secretAccessKey: 'owner-secret', userId: 'owner-id' };
const OTHER = { accessKeyId: 'other', secretAccessKey: 'other-secret', userId: 'other-id' };

const closeAfterTest = closedAfterEach();

/** Two users, access control on with no policy delay, and bucket `bkt` owned by the first. */
async function start() {
  const { emulator, s3: owner } = await withEmulator({ keys: [OWNER, OTHER], accessControl: { policyDelayMs: 0 } });
  const other = sdkClient(emulator, OTHER);
  closeAfterTest(emulator, [owner, other]);
  await owner.send(new CreateBucketCommand({ Bucket: 'bkt' }));
  return { owner, other };
}

function policy(...statements: Record<string, unknown>[]): string {
  return JSON.stringify({ Version: '2012-10-17', Statement: statements.map((s) => ({ Effect: 'Allow', Principal: { AWS: '*' }, ...s })) });
}

describe('policy conditions, evaluated', () => {
  it('string operators, IfExists, Null, and the worse way for what the emulator cannot judge', () => {
    const keys = (k: string) => (k === 's3:x-amz-acl' ? ['public-read'] : k === 'aws:SourceIp' ? UNKNOWN_KEY : undefined);
    const holds = (c: unknown) => conditionsHold(parseConditions(c), keys);
    expect(holds({ StringEquals: { 's3:x-amz-acl': ['private', 'public-read'] } })).toBe(true);
    expect(holds({ StringLike: { 's3:x-amz-acl': 'public*' } })).toBe(true);
    expect(holds({ StringNotLike: { 's3:x-amz-acl': 'public*' } })).toBe(false);
    expect(holds({ StringEqualsIgnoreCase: { 's3:x-amz-acl': 'PUBLIC-READ' } })).toBe(true);
    // An absent key: a positive operator fails, a negated one holds, IfExists holds.
    expect(holds({ StringEquals: { 's3:x-amz-metadata-directive': 'COPY' } })).toBe(false);
    expect(holds({ StringNotEquals: { 's3:x-amz-metadata-directive': 'COPY' } })).toBe(true);
    expect(holds({ StringEqualsIfExists: { 's3:x-amz-metadata-directive': 'COPY' } })).toBe(true);
    expect(holds({ Null: { 's3:x-amz-metadata-directive': 'true', 's3:x-amz-acl': 'false' } })).toBe(true);
    // Every operator and key must hold.
    expect(holds({ StringLike: { 's3:x-amz-acl': 'public*' }, StringEquals: { 's3:x-amz-metadata-directive': 'COPY' } })).toBe(false);
    expect(holds({ IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } })).toBe('unknown');
    expect(holds({ NumericLessThan: { 's3:max-keys': '10' } })).toBe('unknown');

    // Unknown: an Allow does not apply, a Deny does.
    expect(evaluate(parsePolicy(policy({ Action: 's3:GetObject', Resource: 'arn:aws:s3:::bkt/*' })), 'x', 's3:GetObject', 'arn:aws:s3:::bkt/k', keys)).toBe('allow');
    const allow = parsePolicy(policy({ Action: 's3:GetObject', Resource: 'arn:aws:s3:::bkt/*', Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } } }));
    expect(evaluate(allow, 'x', 's3:GetObject', 'arn:aws:s3:::bkt/k', keys)).toBeUndefined();
    const deny = parsePolicy(policy({ Effect: 'Deny', Action: 's3:GetObject', Resource: 'arn:aws:s3:::bkt/*', Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } } }));
    expect(evaluate(deny, 'x', 's3:GetObject', 'arn:aws:s3:::bkt/k', keys)).toBe('deny');
    // A condition that fails makes the statement not apply, whatever else is unknown in it.
    const denyFailing = parsePolicy(
      policy({ Effect: 'Deny', Action: 's3:GetObject', Resource: 'arn:aws:s3:::bkt/*', Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' }, StringEquals: { 's3:x-amz-acl': 'private' } } }),
    );
    expect(evaluate(denyFailing, 'x', 's3:GetObject', 'arn:aws:s3:::bkt/k', keys)).toBeUndefined();
    expect(() => parsePolicy(policy({ Action: 's3:GetObject', Resource: '*', Condition: { StringEquals: 'x' } }))).toThrow(/Condition/);
  });
});

describe('policy conditions, against the emulator', () => {
  it('s3:ExistingObjectTag: another user reads only the objects whose tag the policy names', async () => {
    const { owner, other } = await start();
    for (const [key, tag] of [['open', 'public'], ['closed', 'private'], ['untagged', undefined]] as const) {
      await owner.send(new PutObjectCommand({ Bucket: 'bkt', Key: key, Body: key, ...(tag ? { Tagging: `security=${tag}` } : {}) }));
    }
    const condition = { StringEquals: { 's3:ExistingObjectTag/security': 'public' } };
    await owner.send(new PutBucketPolicyCommand({ Bucket: 'bkt', Policy: policy({ Action: ['s3:GetObject', 's3:PutObjectTagging'], Resource: 'arn:aws:s3:::bkt/*', Condition: condition }) }));
    expect(await readText(other, 'bkt', 'open')).toBe('open');
    expect(await failure(readText(other, 'bkt', 'closed'))).toEqual({ name: 'AccessDenied', status: 403 });
    expect(await failure(readText(other, 'bkt', 'untagged'))).toEqual({ name: 'AccessDenied', status: 403 });
    // The tags judged are those before the change: retagging a public object private is allowed once.
    const retag = () => other.send(new PutObjectTaggingCommand({ Bucket: 'bkt', Key: 'open', Tagging: { TagSet: [{ Key: 'security', Value: 'private' }] } }));
    await retag();
    expect(await failure(retag())).toEqual({ name: 'AccessDenied', status: 403 });
    expect(await failure(readText(other, 'bkt', 'open'))).toEqual({ name: 'AccessDenied', status: 403 });
  });

  it('s3:x-amz-acl and s3:x-amz-grant-*: a conditional Deny refuses only the writes that ask for what it names', async () => {
    const { owner, other } = await start();
    await owner.send(
      new PutBucketPolicyCommand({
        Bucket: 'bkt',
        Policy: policy(
          { Action: 's3:PutObject', Resource: 'arn:aws:s3:::bkt/*', Condition: { StringEquals: { 's3:x-amz-grant-full-control': 'id=owner-id' } } },
          { Effect: 'Deny', Action: 's3:PutObject', Resource: 'arn:aws:s3:::bkt/*', Condition: { StringLike: { 's3:x-amz-acl': 'public*' } } },
        ),
      }),
    );
    // Without the grant the policy's Allow does not apply, and the bucket's ACL gives the other user nothing.
    expect(await failure(other.send(new PutObjectCommand({ Bucket: 'bkt', Key: 'k', Body: 'v' })))).toEqual({ name: 'AccessDenied', status: 403 });
    await other.send(new PutObjectCommand({ Bucket: 'bkt', Key: 'k', Body: 'v', GrantFullControl: 'id=owner-id' }));
    expect(await failure(other.send(new PutObjectCommand({ Bucket: 'bkt', Key: 'k', Body: 'v', GrantFullControl: 'id=owner-id', ACL: 'public-read' })))).toEqual({
      name: 'AccessDenied',
      status: 403,
    });
    // The other user owns what it wrote; the bucket's owner reads its ACL because the grant lets it.
    const acl = await owner.send(new GetObjectAclCommand({ Bucket: 'bkt', Key: 'k' }));
    expect(acl.Owner?.ID).toBe('other-id');
    expect(acl.Grants?.map((g) => g.Grantee?.ID)).toEqual(['owner-id']);
  });

  it("the bucket's owner is not trusted with another user's object: its ACL decides", async () => {
    const { owner, other } = await start();
    await owner.send(new PutBucketPolicyCommand({ Bucket: 'bkt', Policy: policy({ Action: 's3:PutObject', Resource: 'arn:aws:s3:::bkt/*' }) }));
    await other.send(new PutObjectCommand({ Bucket: 'bkt', Key: 'theirs', Body: 'v' }));
    expect(await failure(owner.send(new GetObjectAclCommand({ Bucket: 'bkt', Key: 'theirs' })))).toEqual({ name: 'AccessDenied', status: 403 });
    expect(await failure(readText(owner, 'bkt', 'theirs'))).toEqual({ name: 'AccessDenied', status: 403 });
    expect((await other.send(new GetObjectAclCommand({ Bucket: 'bkt', Key: 'theirs' }))).Owner?.ID).toBe('other-id');
  });

  it('s3:x-amz-copy-source and s3:x-amz-metadata-directive on CopyObject', async () => {
    const { owner, other } = await start();
    await owner.send(new CreateBucketCommand({ Bucket: 'src' }));
    for (const key of ['public/a', 'private/a']) await owner.send(new PutObjectCommand({ Bucket: 'src', Key: key, Body: key }));
    await owner.send(new PutBucketPolicyCommand({ Bucket: 'src', Policy: policy({ Action: 's3:GetObject', Resource: 'arn:aws:s3:::src/*' }) }));
    await owner.send(
      new PutBucketPolicyCommand({
        Bucket: 'bkt',
        Policy: policy({ Action: 's3:PutObject', Resource: 'arn:aws:s3:::bkt/*', Condition: { StringLike: { 's3:x-amz-copy-source': 'src/public/*' }, StringEquals: { 's3:x-amz-metadata-directive': 'COPY' } } }),
      }),
    );
    const copy = (source: string, directive?: 'COPY') => other.send(new CopyObjectCommand({ Bucket: 'bkt', Key: 'copy', CopySource: source, ...(directive ? { MetadataDirective: directive } : {}) }));
    await copy('src/public/a', 'COPY');
    expect(await readText(other, 'bkt', 'copy')).toBe('public/a');
    expect(await failure(copy('src/private/a', 'COPY'))).toEqual({ name: 'AccessDenied', status: 403 });
    expect(await failure(copy('src/public/a'))).toEqual({ name: 'AccessDenied', status: 403 });
  });
});
