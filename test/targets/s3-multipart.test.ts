// Large values as multipart uploads (--part-size), through our S3 client against the emulator.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { S3TargetClient } from '../../src/targets/s3-client.js';
import { makeLeanClient, type LeanS3Client } from '../../src/targets/s3-lean-client.js';
import { MIN_PART_SIZE, TargetError, type S3ClientKind, type TargetClient } from '../../src/targets/target.js';
import { decodeValue, encodeValue } from '../../workloads/values.js';
import { withEmulator } from '../emulator/sdk.js';

let emulator: RunningEmulator;
const clients = {} as Record<S3ClientKind, TargetClient>;

beforeAll(async () => {
  const started = await withEmulator({ buckets: ['objcheck'] });
  emulator = started.emulator;
  clients.sdk = new S3TargetClient(started.s3, 'objcheck', 'objcheck/mp-sdk/', MIN_PART_SIZE);
  const connection = { endpoint: emulator.endpoint, region: emulator.region, bucket: 'objcheck', forcePathStyle: true, credentials: emulator.credentials, requestTimeoutMs: 10_000, maxSockets: 4 };
  clients.lean = makeLeanClient(connection, emulator.credentials, 'objcheck/mp-lean/', MIN_PART_SIZE);
});
afterAll(async () => {
  (clients.sdk as S3TargetClient).s3.destroy();
  await (clients.lean as LeanS3Client).destroy();
  await emulator.close();
});

describe.each(['lean', 'sdk'] as const)('multipart PUTs beyond --part-size (%s client)', (kind) => {
  const client = { get: (k: string) => clients[kind].get(k), put: (...a: Parameters<TargetClient['put']>) => clients[kind].put(...a) };

  it('uploads a value larger than a part in parts (a multipart ETag), which reads back intact', async () => {
    const body = encodeValue(7, 2 * MIN_PART_SIZE + 1000);
    const { etag } = await client.put('big', body, { metadata: { 'objcheck-version': '7' } });
    expect(etag).toMatch(/^"[0-9a-f]{32}-3"$/);
    const got = await client.get('big');
    expect(decodeValue(got!.body)).toBe(7);
    expect(got!.metadata).toEqual({ 'objcheck-version': '7' });
    // Up to a part, one PutObject: an MD5 ETag.
    expect((await client.put('small', encodeValue(8, 1000))).etag).toMatch(/^"[0-9a-f]{32}"$/);
  });

  it('carries If-None-Match and If-Match to the completion: refused as a precondition, honoured when it holds', async () => {
    const first = await client.put('cond', encodeValue(1, MIN_PART_SIZE + 1), { ifNoneMatch: '*' });
    const refused = await client.put('cond', encodeValue(2, MIN_PART_SIZE + 1), { ifNoneMatch: '*' }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(TargetError);
    expect(refused).toMatchObject({ kind: 'precondition' });
    await client.put('cond', encodeValue(3, MIN_PART_SIZE + 1), { ifMatch: first.etag });
    expect(decodeValue((await client.get('cond'))!.body)).toBe(3);
    const stale = await client.put('cond', encodeValue(4, MIN_PART_SIZE + 1), { ifMatch: first.etag }).catch((e: unknown) => e);
    expect(stale).toMatchObject({ kind: 'precondition' });
  });
});
