// Our SigV4 signer against the SDK's own (@smithy/signature-v4): the same request signed at the
// same instant must carry the same Authorization header, whatever the request.
import { createHmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import type { HttpRequest } from '@smithy/types';
import { describe, expect, it } from 'vitest';
import { NodeSha256 } from '../../src/emulator/auth/node-sha256.js';
import { objectPath, s3Address } from '../../src/targets/s3-address.js';
import { KeyedSha256, payloadHash, S3Signer, UNSIGNED_PAYLOAD, type SigningCredentials } from '../../src/targets/s3-sigv4.js';
import { canonicalQuery } from '../../src/targets/s3-uri.js';

interface Case {
  name: string;
  method: string;
  endpoint: string;
  forcePathStyle: boolean;
  key?: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body?: Uint8Array;
  credentials: SigningCredentials;
  region: string;
}

const keys = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };

const cases: Case[] = [
  { name: 'a GET, path style, plain HTTP', method: 'GET', endpoint: 'http://127.0.0.1:9000', forcePathStyle: true, key: 'objcheck/run/k0', credentials: keys, region: 'us-east-1' },
  {
    name: 'a conditional PUT with metadata and a session token',
    method: 'PUT',
    endpoint: 'http://127.0.0.1:9000',
    forcePathStyle: true,
    key: 'objcheck/run/cas/r0.0',
    headers: { 'if-match': '"c4ca4238a0b923820dcc509a6f75849b"', 'x-amz-meta-objcheck-version': '7', 'content-type': 'application/octet-stream', 'cache-control': 'max-age=1' },
    body: new TextEncoder().encode('a value'),
    credentials: { ...keys, sessionToken: 'FwoGZXIvYXdzEJr//////////wEaDOtoken+/=' },
    region: 'eu-west-3',
  },
  {
    name: 'a key that needs encoding, virtual-hosted over TLS, unsigned payload',
    method: 'PUT',
    endpoint: 'https://s3.eu-central-1.amazonaws.com',
    forcePathStyle: false,
    key: "objcheck/run/a key with spaces, (parens)*!'~é/+=&?#",
    body: new TextEncoder().encode('x'),
    credentials: keys,
    region: 'eu-central-1',
  },
  {
    name: 'LIST v2 with a prefix and a continuation token',
    method: 'GET',
    endpoint: 'http://localhost:8080',
    forcePathStyle: true,
    query: { 'list-type': '2', prefix: 'objcheck/run/l/', 'continuation-token': '1/abc+def==' },
    credentials: keys,
    region: 'us-east-1',
  },
  {
    name: 'header values with runs of spaces and tabs, and around them',
    method: 'PUT',
    endpoint: 'http://127.0.0.1:9000',
    forcePathStyle: true,
    key: 'k',
    headers: { 'x-amz-meta-note': '  two  spaces\tand a tab ', 'content-type': 'text/plain' },
    body: new TextEncoder().encode('v'),
    credentials: keys,
    region: 'us-east-1',
  },
  { name: 'a multipart creation (a bare ?uploads)', method: 'POST', endpoint: 'http://127.0.0.1:9000', forcePathStyle: true, key: 'k', query: { uploads: '' }, credentials: keys, region: 'auto' },
  {
    name: 'a part upload',
    method: 'PUT',
    endpoint: 'http://127.0.0.1:9000',
    forcePathStyle: true,
    key: 'k',
    query: { partNumber: '2', uploadId: 'VXBsb2FkIElE/+=' },
    body: new Uint8Array(1000).fill(7),
    credentials: keys,
    region: 'us-east-1',
  },
  { name: 'a copy in place', method: 'PUT', endpoint: 'http://127.0.0.1:9000', forcePathStyle: true, key: 'a/b', headers: { 'x-amz-copy-source': 'bucket/a/b', 'x-amz-metadata-directive': 'REPLACE', 'x-amz-meta-x': '  spaced   value ' }, credentials: keys, region: 'us-east-1' },
];

describe('SigV4 signing', () => {
  const at = new Date('2026-03-14T15:09:26.535Z');

  it.each(cases)('$name: the same Authorization as the SDK signer', async (c) => {
    const address = s3Address(c.endpoint, c.region, 'bucket', c.forcePathStyle);
    const path = c.key === undefined ? address.bucketPath || '/' : objectPath(address, c.key);
    const hash = address.secure ? UNSIGNED_PAYLOAD : payloadHash(c.body);
    const ours: Record<string, string> = { host: address.host, ...c.headers };
    new S3Signer(c.region).sign({ method: c.method, path, query: canonicalQuery(c.query ?? {}), headers: ours, payloadHash: hash }, c.credentials, at);

    const theirs = new SignatureV4({ service: 's3', region: c.region, credentials: c.credentials, sha256: NodeSha256, uriEscapePath: false });
    const request = {
      method: c.method,
      protocol: address.secure ? 'https:' : 'http:',
      hostname: address.host.replace(/:\d+$/, ''),
      path,
      query: c.query ?? {},
      headers: { host: address.host, 'x-amz-content-sha256': hash, ...c.headers },
      ...(c.body ? { body: c.body } : {}),
    } as unknown as HttpRequest;
    const signed = await theirs.sign(request, { signingDate: at });
    expect(ours.authorization).toBe(signed.headers.authorization);
    expect(ours['x-amz-date']).toBe(signed.headers['x-amz-date']);
    if (c.credentials.sessionToken) expect(ours['x-amz-security-token']).toBe(c.credentials.sessionToken);
  });

  it('keeps one signing key a day: a new day, or a new secret, derives another', () => {
    const signer = new S3Signer('us-east-1');
    const sign = (secret: string, when: string) => {
      const headers: Record<string, string> = { host: 'h' };
      signer.sign({ method: 'GET', path: '/b/k', query: '', headers, payloadHash: payloadHash(undefined) }, { accessKeyId: 'a', secretAccessKey: secret }, new Date(when));
      return headers.authorization!.split('Signature=')[1];
    };
    const first = sign('s', '2026-03-14T10:00:00Z');
    expect(sign('s', '2026-03-14T10:00:00Z')).toBe(first);
    expect(sign('s2', '2026-03-14T10:00:00Z')).not.toBe(first);
    expect(sign('s', '2026-03-14T10:00:00Z')).toBe(first);
    expect(sign('s', '2026-03-15T10:00:00Z')).not.toBe(first);
  });

  it('HMACs as node:crypto does, for keys up to a block and messages of any length, in any order', () => {
    const keys = [new Uint8Array(0), new Uint8Array(32).map((_, i) => i * 7 + 200), new Uint8Array(64).fill(0xff)];
    const messages = ['', 'AWS4-HMAC-SHA256\n20260314T150926Z\n20260314/us-east-1/s3/aws4_request\n' + 'ab'.repeat(32), 'x'.repeat(5000), 'région é 日本 \u{1F600}', 'short again'];
    for (const key of keys) {
      const keyed = new KeyedSha256(key);
      for (const m of messages) expect(keyed.hex(m)).toBe(createHmac('sha256', key).update(m).digest('hex'));
    }
    expect(() => new KeyedSha256(new Uint8Array(65))).toThrow(/at most 64/);
  });
});
