// The verifier's own parts against what they replace: its HMAC against createHmac, its canonical
// headers against Smithy's getCanonicalHeaders, its cache of signing keys (one a key id and day)
// against requests of another day or signed with another secret, and its cache of parsed
// Authorization fields against headers that share them and differ after.
import { createHmac } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { SignatureV4, getCanonicalHeaders } from '@smithy/signature-v4';
import type { HeaderBag, HttpRequest, QueryParameterBag } from '@smithy/types';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { NodeSha256, Sha256Hmac } from '../../src/emulator/auth/node-sha256.js';
import { SigV4Verifier, canonicalHeaderBlock, type SignedRequestInfo } from '../../src/emulator/auth/sigv4.js';
import { S3Error } from '../../src/emulator/errors.js';
import { parseQuery } from '../../src/emulator/http/request-target.js';

const REGION = 'us-east-1';
const OWNER = { accessKeyId: 'AKIDOWNER', secretAccessKey: 'owner-secret' };
const OTHER = { accessKeyId: 'AKIDOTHER', secretAccessKey: 'other-secret' };

describe('Sha256Hmac', () => {
  it('gives what createHmac gives, for short, block-long and long keys, and messages longer than its buffer', () => {
    const keys = [Buffer.alloc(0), Buffer.from('k'), Buffer.alloc(32, 7), Buffer.alloc(64, 0xff), Buffer.alloc(65, 1), Buffer.alloc(200, 3)];
    // The long one first, then a short one: the buffer it grew for the first must not leak into the second.
    const messages = ['x'.repeat(1000), '', 'AWS4-HMAC-SHA256\n20260101T000000Z\n20260101/us-east-1/s3/aws4_request\nab', 'ünïcødé ✓ 𝄞', 'tail'];
    for (const key of keys) {
      const mac = new Sha256Hmac(key);
      for (const m of messages) {
        expect(mac.digest(m, 'hex')).toBe(createHmac('sha256', key).update(m).digest('hex'));
        expect(mac.digest(m).equals(createHmac('sha256', key).update(m).digest())).toBe(true);
      }
    }
  });
});

/** The canonical header lines and list as the verifier built them before: Smithy's getCanonicalHeaders, joined as createCanonicalRequest joins them. */
function smithyBlock(names: string[], sent: IncomingHttpHeaders): { lines: string; signed: string } {
  const headers: HeaderBag = {};
  for (const name of names) {
    const v = sent[name];
    headers[name] = (Array.isArray(v) ? v.join(',') : v) ?? '';
  }
  const canonical = getCanonicalHeaders({ headers } as HttpRequest, undefined, new Set(names));
  const sorted = Object.keys(canonical).sort();
  return { lines: sorted.map((n) => `${n}:${canonical[n]}`).join('\n'), signed: sorted.join(';') };
}

describe('canonical headers', () => {
  const sent: IncomingHttpHeaders = {
    host: '127.0.0.1:9000',
    'x-amz-date': '20260101T000000Z',
    'x-amz-content-sha256': 'UNSIGNED-PAYLOAD',
    'x-amz-meta-a': '  two  leading, inner  runs\tand a tab ',
    'x-amz-meta-b': 'line\r\nbreak',
    'x-amz-meta-c': ' ',
    'x-amz-meta-d': 'plain value',
    'user-agent': 'ua',
    'x-amz-meta-multi': ['one', 'two'],
  };
  const lists = [
    ['host', 'x-amz-content-sha256', 'x-amz-date'],
    ['host', 'x-amz-content-sha256', 'x-amz-date', 'x-amz-meta-a', 'x-amz-meta-b', 'x-amz-meta-c', 'x-amz-meta-d', 'x-amz-meta-multi'],
    ['host', 'user-agent', 'x-amz-date', 'x-amz-meta-missing'],
    // Lists no SDK writes, which go through Smithy's own code: unsorted, repeated, upper case, __proto__.
    ['x-amz-date', 'host'],
    ['host', 'host', 'x-amz-date'],
    ['Host', 'User-Agent', 'x-amz-date'],
    ['__proto__', 'host'],
  ];
  it.each(lists.map((l) => [l.join(';'), l]))('%s: as Smithy writes them', (_, names) => {
    expect(canonicalHeaderBlock(names as string[], sent)).toEqual(smithyBlock(names as string[], sent));
  });
});

/** A request signed by the SDK's signer, as the HTTP layer hands it to the verifier. */
async function signed(o: { credentials: typeof OWNER; at: Date; path?: string; query?: Record<string, string>; headers?: Record<string, string>; presign?: boolean }): Promise<SignedRequestInfo> {
  const signer = new SignatureV4({ service: 's3', region: REGION, credentials: o.credentials, sha256: NodeSha256, uriEscapePath: false });
  const path = o.path ?? '/bucket/some%20key';
  const request = {
    method: 'GET',
    protocol: 'http:',
    hostname: '127.0.0.1',
    path,
    query: o.query ?? {},
    headers: { host: '127.0.0.1:9000', 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD', ...(o.headers ?? {}) },
  } as unknown as HttpRequest;
  const out = o.presign ? await signer.presign(request, { signingDate: o.at, expiresIn: 7 * 24 * 3600 }) : await signer.sign(request, { signingDate: o.at });
  const headers: IncomingHttpHeaders = {};
  for (const [k, v] of Object.entries(out.headers)) headers[k.toLowerCase()] = v;
  const search = new URLSearchParams(out.query as Record<string, string>).toString();
  return { method: 'GET', rawPath: path, path: decodeURIComponent(path), query: parseQuery(search) as QueryParameterBag, headers };
}

function refusal(verifier: SigV4Verifier, info: SignedRequestInfo): string | undefined {
  try {
    verifier.verify(info);
    return undefined;
  } catch (e) {
    if (e instanceof S3Error) return e.code;
    throw e;
  }
}

describe('signing keys kept a day', () => {
  afterEach(() => vi.useRealTimers());
  const day1 = new Date('2026-03-01T23:58:00Z');
  const day2 = new Date('2026-03-02T00:03:00Z');

  it('a request of the next day, of another key, or with another secret is checked with its own key', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const verifier = new SigV4Verifier([OWNER, OTHER], REGION);
    vi.setSystemTime(day1);
    expect(refusal(verifier, await signed({ credentials: OWNER, at: day1 }))).toBeUndefined();
    // The owner's key id with the other secret: refused, whichever day's keys are kept.
    expect(refusal(verifier, await signed({ credentials: { ...OWNER, secretAccessKey: OTHER.secretAccessKey }, at: day1 }))).toBe('SignatureDoesNotMatch');
    expect(refusal(verifier, await signed({ credentials: OTHER, at: day1 }))).toBeUndefined();
    const presignedDay1 = await signed({ credentials: OWNER, at: day1, presign: true, query: { 'x-id': 'GetObject' } });
    expect(refusal(verifier, presignedDay1)).toBeUndefined();

    vi.setSystemTime(day2);
    // A key kept from day 1 would not verify these.
    expect(refusal(verifier, await signed({ credentials: OWNER, at: day2, headers: { 'x-amz-meta-note': '  spaced  out ' } }))).toBeUndefined();
    expect(refusal(verifier, await signed({ credentials: OTHER, at: day2, query: { list: 'a b', 'a+b': 'c' } }))).toBeUndefined();
    expect(refusal(verifier, await signed({ credentials: { ...OTHER, secretAccessKey: OWNER.secretAccessKey }, at: day2 }))).toBe('SignatureDoesNotMatch');
    // Day 1's URL still holds on day 2 (it is valid a week), with day 1's key.
    expect(refusal(verifier, presignedDay1)).toBeUndefined();
    // And day 2's requests again, after day 1's key was used.
    expect(refusal(verifier, await signed({ credentials: OWNER, at: day2 }))).toBeUndefined();
  });

  it('a changed signature, path or signed header is refused with a key already kept', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(day1);
    const verifier = new SigV4Verifier([OWNER], REGION);
    const good = await signed({ credentials: OWNER, at: day1, headers: { 'x-amz-meta-a': 'b' } });
    expect(refusal(verifier, good)).toBeUndefined();
    const auth = good.headers.authorization!;
    const flipped = auth.slice(0, -1) + (auth.endsWith('0') ? '1' : '0');
    expect(refusal(verifier, { ...good, headers: { ...good.headers, authorization: flipped } })).toBe('SignatureDoesNotMatch');
    expect(refusal(verifier, { ...good, rawPath: '/bucket/other', path: '/bucket/other' })).toBe('SignatureDoesNotMatch');
    expect(refusal(verifier, { ...good, headers: { ...good.headers, 'x-amz-meta-a': 'c' } })).toBe('SignatureDoesNotMatch');
    expect(refusal(verifier, good)).toBeUndefined();
  });
});

describe('Authorization headers parsed before', () => {
  afterEach(() => vi.useRealTimers());
  const at = new Date('2026-03-01T12:00:00Z');

  it('the fields before the signature are taken as parsed; what follows is still checked', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(at);
    const verifier = new SigV4Verifier([OWNER, OTHER], REGION);
    const good = await signed({ credentials: OWNER, at });
    const auth = good.headers.authorization!;
    const withAuth = (authorization: string) => ({ ...good, headers: { ...good.headers, authorization } });
    const signature = auth.slice(auth.lastIndexOf('Signature=') + 'Signature='.length);
    const fields = auth.slice(0, auth.lastIndexOf('Signature='));
    // Twice each: parsed, then found.
    for (let i = 0; i < 2; i++) {
      expect(refusal(verifier, good)).toBeUndefined();
      expect(refusal(verifier, withAuth(`${auth}  `))).toBeUndefined();
      expect(refusal(verifier, withAuth(auth.replace(/, /g, ',')))).toBeUndefined();
      expect(refusal(verifier, withAuth(`${fields}Signature=${signature}x`))).toBe('AuthorizationHeaderMalformed');
      expect(refusal(verifier, withAuth(`${fields}Signature=`))).toBe('AuthorizationHeaderMalformed');
      expect(refusal(verifier, withAuth(`${fields}Signature=${signature}, Extra=1`))).toBe('AuthorizationHeaderMalformed');
      expect(refusal(verifier, withAuth(`${fields}Signature=${signature}, Signature=${signature}`))).toBe('AuthorizationHeaderMalformed');
      expect(refusal(verifier, withAuth(`${fields}Signature=${'0'.repeat(64)}`))).toBe('SignatureDoesNotMatch');
      expect(refusal(verifier, withAuth(auth.replace(OWNER.accessKeyId, OTHER.accessKeyId)))).toBe('SignatureDoesNotMatch');
      expect(refusal(verifier, withAuth(auth.replace(OWNER.accessKeyId, 'AKIDNOBODY')))).toBe('InvalidAccessKeyId');
    }
  });
});
