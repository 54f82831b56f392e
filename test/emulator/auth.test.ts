import { createHash, createHmac } from 'node:crypto';
import { Readable } from 'node:stream';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client, type S3Client as Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { send, signRequest, signedSend, signer } from './raw.js';
import { failure, sdkClient, withEmulator } from './sdk.js';

let emulator: RunningEmulator;
let s3: Client;
const BUCKET = 'auth-bucket';

beforeAll(async () => {
  ({ emulator, s3 } = await withEmulator({ buckets: [BUCKET] }));
});
afterAll(async () => {
  s3.destroy();
  await emulator.close();
});

async function text(key: string): Promise<string | null> {
  try {
    const out = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
    return await out.Body!.transformToString();
  } catch (e) {
    if ((e as Error).name === 'NoSuchKey') return null;
    throw e;
  }
}

describe('header signatures', () => {
  it('refuses a wrong secret with 403 SignatureDoesNotMatch and writes nothing', async () => {
    const bad = sdkClient(emulator, { secretAccessKey: 'not-the-secret' });
    expect(await failure(bad.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'forged', Body: 'evil' })))).toEqual({
      name: 'SignatureDoesNotMatch',
      status: 403,
    });
    bad.destroy();
    expect(await text('forged')).toBeNull();
    expect((await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'forged' }))).KeyCount).toBe(0);
  });

  it('refuses an unknown access key with 403 InvalidAccessKeyId', async () => {
    const stranger = sdkClient(emulator, { accessKeyId: 'nobody' });
    expect(await failure(stranger.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'stranger', Body: 'x' })))).toEqual({
      name: 'InvalidAccessKeyId',
      status: 403,
    });
    stranger.destroy();
    expect(await text('stranger')).toBeNull();
  });

  it('refuses anonymous requests', async () => {
    const res = await send(emulator, 'PUT', `/${BUCKET}/anon`, {}, Buffer.from('x'));
    expect(res.status).toBe(403);
    expect(res.body).toContain('<Code>AccessDenied</Code>');
    expect(await text('anon')).toBeNull();
  });

  it('refuses a body that does not match the signed x-amz-content-sha256', async () => {
    const { headers, url } = await signRequest(emulator, { method: 'PUT', path: `/${BUCKET}/swapped`, body: Buffer.from('signed body') });
    const res = await send(emulator, 'PUT', url, headers, Buffer.from('other body!'));
    expect(res.status).toBe(400);
    expect(res.body).toContain('XAmzContentSHA256Mismatch');
    expect(await text('swapped')).toBeNull();
  });

  it('refuses a signature whose covered header was changed', async () => {
    const { headers, url } = await signRequest(emulator, { method: 'PUT', path: `/${BUCKET}/tampered`, headers: { 'x-amz-meta-a': 'one' }, body: Buffer.from('v') });
    const res = await send(emulator, 'PUT', url, { ...headers, 'x-amz-meta-a': 'two' }, Buffer.from('v'));
    expect(res.status).toBe(403);
    expect(res.body).toContain('SignatureDoesNotMatch');
  });

  it('refuses a request signed long ago', async () => {
    const res = await signedSend(emulator, { method: 'GET', path: `/${BUCKET}`, signingDate: new Date(Date.now() - 3600_000) });
    expect(res.status).toBe(403);
    expect(res.body).toContain('RequestTimeTooSkewed');
  });

  it('accepts the Date header in place of x-amz-date (checked by an independent, by-hand signature)', async () => {
    const now = new Date();
    const date = now.toUTCString();
    const longDate = now.toISOString().replace(/[-:]|\.\d{3}/g, '');
    const scope = `${longDate.slice(0, 8)}/${emulator.region}/s3/aws4_request`;
    const host = `127.0.0.1:${emulator.port}`;
    const empty = createHash('sha256').update('').digest('hex');
    const canonical = ['GET', `/${BUCKET}`, 'list-type=2', `date:${date}`, `host:${host}`, `x-amz-content-sha256:${empty}`, '', 'date;host;x-amz-content-sha256', empty].join('\n');
    const toSign = ['AWS4-HMAC-SHA256', longDate, scope, createHash('sha256').update(canonical).digest('hex')].join('\n');
    let key: Buffer = createHmac('sha256', `AWS4${emulator.credentials.secretAccessKey}`).update(longDate.slice(0, 8)).digest();
    for (const part of [emulator.region, 's3', 'aws4_request']) key = createHmac('sha256', key).update(part).digest();
    const signature = createHmac('sha256', key).update(toSign).digest('hex');
    const res = await send(emulator, 'GET', `/${BUCKET}?list-type=2`, {
      host,
      date,
      'x-amz-content-sha256': empty,
      authorization: `AWS4-HMAC-SHA256 Credential=${emulator.credentials.accessKeyId}/${scope}, SignedHeaders=date;host;x-amz-content-sha256, Signature=${signature}`,
    });
    expect(res.status).toBe(200);
    expect(res.body).toContain('<ListBucketResult');
  });

  it('accepts non-ASCII metadata signed as botocore signs it (the text, hashed as UTF-8; its UTF-8 bytes on the wire)', async () => {
    const value = 'Hello World\u00e9';
    const { headers, url } = await signRequest(emulator, { method: 'PUT', path: `/${BUCKET}/unicode-meta`, headers: { 'x-amz-meta-meta1': value }, body: Buffer.from('bar') });
    // Node writes header text as latin-1: this string puts the bytes C3 A9 on the wire, as botocore does.
    const wire = Buffer.from(value, 'utf8').toString('latin1');
    const res = await send(emulator, 'PUT', url, { ...headers, 'x-amz-meta-meta1': wire }, Buffer.from('bar'));
    expect(res.status, res.body).toBe(200);
    expect(await text('unicode-meta')).toBe('bar');
    // Returned as S3 documents it: RFC 2047, base64 of the UTF-8 text.
    const head = await signedSend(emulator, { method: 'HEAD', path: `/${BUCKET}/unicode-meta` });
    expect(head.headers['x-amz-meta-meta1']).toBe(`=?UTF-8?B?${Buffer.from(value, 'utf8').toString('base64')}?=`);
    // The same bytes under another signed text are still refused.
    const forged = await send(emulator, 'PUT', url, { ...headers, 'x-amz-meta-meta1': 'Hello World\u00e8' }, Buffer.from('bar'));
    expect(forged.status).toBe(403);
  });

  it('accepts UNSIGNED-PAYLOAD', async () => {
    const res = await signedSend(emulator, { method: 'PUT', path: `/${BUCKET}/unsigned`, headers: { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' }, body: Buffer.from('u') });
    expect(res.status).toBe(200);
    expect(await text('unsigned')).toBe('u');
  });
});

describe('presigned URLs', () => {
  it('a presigned GET works with fetch; a tampered or expired one gets 403', async () => {
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'shared/file.txt', Body: 'presigned content' }));
    const url = await getSignedUrl(s3, new GetObjectCommand({ Bucket: BUCKET, Key: 'shared/file.txt' }), { expiresIn: 60 });
    const ok = await fetch(url);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe('presigned content');

    const otherKey = url.replace('file.txt', 'file.TXT');
    const badKey = await fetch(otherKey);
    expect(badKey.status).toBe(403);
    expect(await badKey.text()).toContain('SignatureDoesNotMatch');

    const sig = /X-Amz-Signature=([0-9a-f]+)/.exec(url)![1]!;
    const flipped = sig.slice(0, -1) + (sig.endsWith('0') ? '1' : '0');
    const badSig = await fetch(url.replace(sig, flipped));
    expect(badSig.status).toBe(403);
    await badSig.body?.cancel();

    const expired = await getSignedUrl(s3, new GetObjectCommand({ Bucket: BUCKET, Key: 'shared/file.txt' }), {
      expiresIn: 1,
      signingDate: new Date(Date.now() - 60_000),
    });
    const late = await fetch(expired);
    expect(late.status).toBe(403);
    expect(await late.text()).toContain('expired');

    // An expiry past a week or below zero grants nothing either: 403, as S3 and Ceph RGW answer.
    for (const [expires, says] of [['609901', 'less than a week'], ['-7', 'non-negative']] as const) {
      const res = await fetch(url.replace('X-Amz-Expires=60', `X-Amz-Expires=${expires}`));
      expect(res.status).toBe(403);
      expect(await res.text()).toContain(says);
    }
  });

  it('a presigned PUT writes the object', async () => {
    const url = await getSignedUrl(s3, new PutObjectCommand({ Bucket: BUCKET, Key: 'shared/upload' }), { expiresIn: 60 });
    const res = await fetch(url, { method: 'PUT', body: 'uploaded' });
    expect(res.status).toBe(200);
    await res.body?.cancel();
    expect(await text('shared/upload')).toBe('uploaded');
  });
});

describe('listing encodings', () => {
  it('encoding-type=url percent-encodes keys and prefixes in the listing', async () => {
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'enc list/a&b <c>', Body: 'x' }));
    const res = await signedSend(emulator, { method: 'GET', path: `/${BUCKET}`, query: { 'list-type': '2', prefix: 'enc list/', 'encoding-type': 'url' } });
    expect(res.status).toBe(200);
    expect(res.body).toContain('<Key>enc%20list/a%26b%20%3Cc%3E</Key>');
    expect(res.body).toContain('<Prefix>enc%20list/</Prefix>');
    expect(res.body).toContain('<EncodingType>url</EncodingType>');
    const plain = await signedSend(emulator, { method: 'GET', path: `/${BUCKET}`, query: { 'list-type': '2', prefix: 'enc list/' } });
    expect(plain.body).toContain('<Key>enc list/a&amp;b &lt;c&gt;</Key>');
  });
});

describe('addressing', () => {
  it('serves virtual-host style requests (<bucket>.localhost)', async () => {
    const host = `${BUCKET}.localhost:${emulator.port}`;
    const put = await signedSend(emulator, { method: 'PUT', host, path: '/vhost/key%20one', body: Buffer.from('via vhost') });
    expect(put.status).toBe(200);
    expect(await text('vhost/key one')).toBe('via vhost');
    const list = await signedSend(emulator, { method: 'GET', host, path: '/', query: { 'list-type': '2', prefix: 'vhost/' } });
    expect(list.status).toBe(200);
    expect(list.body).toContain('<Key>vhost/key one</Key>');
  });
});

/** Builds a STREAMING-AWS4-HMAC-SHA256-PAYLOAD body with the Smithy signer's chunk signatures. */
async function signedChunkedPut(key: string, chunks: Buffer[], tamper = false) {
  const signingDate = new Date();
  const total = chunks.reduce((n, c) => n + c.length, 0);
  const { headers, url } = await signRequest(emulator, {
    method: 'PUT',
    path: `/${BUCKET}/${key}`,
    headers: {
      'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
      'content-encoding': 'aws-chunked',
      'x-amz-decoded-content-length': String(total),
    },
    signingDate,
  });
  let previous = /Signature=([0-9a-f]+)/.exec(headers.authorization!)![1]!;
  const s = signer(emulator);
  const framed: Buffer[] = [];
  for (const chunk of [...chunks, Buffer.alloc(0)]) {
    const signature = await s.sign({ headers: new Uint8Array(0), payload: chunk }, { signingDate, priorSignature: previous });
    previous = signature;
    const data = tamper && chunk.length > 0 ? Buffer.from(chunk.toString().toUpperCase()) : chunk;
    framed.push(Buffer.from(`${chunk.length.toString(16)};chunk-signature=${signature}\r\n`), data, Buffer.from('\r\n'));
  }
  return send(emulator, 'PUT', url, headers, Buffer.concat(framed));
}

describe('aws-chunked uploads', () => {
  it('decodes a signed chunked upload and checks every chunk signature', async () => {
    const res = await signedChunkedPut('chunked/ok', [Buffer.from('first chunk, '), Buffer.from('second chunk')]);
    expect(res.status).toBe(200);
    expect(await text('chunked/ok')).toBe('first chunk, second chunk');
    const bad = await signedChunkedPut('chunked/bad', [Buffer.from('abc'), Buffer.from('def')], true);
    expect(bad.status).toBe(403);
    expect(bad.body).toContain('SignatureDoesNotMatch');
    expect(await text('chunked/bad')).toBeNull();
  });

  it('accepts the SDK default (checksums WHEN_SUPPORTED) with a streamed body and its trailer', async () => {
    const client = new S3Client({
      endpoint: emulator.endpoint,
      region: emulator.region,
      forcePathStyle: true,
      maxAttempts: 1,
      credentials: emulator.credentials,
    });
    const seen: string[] = [];
    client.middlewareStack.add(
      (next) => async (args) => {
        const h = (args.request as { headers: Record<string, string> }).headers;
        seen.push(`${h['x-amz-content-sha256']} ${h['content-encoding'] ?? ''} ${h['x-amz-trailer'] ?? ''}`);
        return next(args);
      },
      { step: 'finalizeRequest', priority: 'low' },
    );
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'chunked/sdk', Body: Readable.from([Buffer.from('streamed '), Buffer.from('body')]), ContentLength: 13 }));
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'chunked/sdk-buffer', Body: 'buffered body' }));
    client.destroy();
    expect(await text('chunked/sdk')).toBe('streamed body');
    expect(await text('chunked/sdk-buffer')).toBe('buffered body');
    expect(seen.some((s) => s.startsWith('STREAMING-'))).toBe(true);
  });

  it('refuses a trailer checksum that does not match the body', async () => {
    const body = Buffer.from('5\r\nhello\r\n0\r\nx-amz-checksum-crc32:AAAAAA==\r\n\r\n');
    const { headers, url } = await signRequest(emulator, {
      method: 'PUT',
      path: `/${BUCKET}/chunked/crc`,
      headers: {
        'x-amz-content-sha256': 'STREAMING-UNSIGNED-PAYLOAD-TRAILER',
        'content-encoding': 'aws-chunked',
        'x-amz-decoded-content-length': '5',
        'x-amz-trailer': 'x-amz-checksum-crc32',
      },
    });
    const res = await send(emulator, 'PUT', url, headers, body);
    expect(res.status).toBe(400);
    expect(res.body).toContain('BadDigest');
    expect(await text('chunked/crc')).toBeNull();
  });
});
