import { describe, expect, it } from 'vitest';
import { decodeAwsChunked } from '../../src/emulator/auth/aws-chunked.js';
import { verifyChecksums } from '../../src/emulator/auth/checksums.js';
import { awsUriEncodePath } from '../../src/emulator/auth/uri.js';
import { checkRead, checkWrite } from '../../src/emulator/conditions.js';
import { S3Error } from '../../src/emulator/errors.js';
import { parseCopySource } from '../../src/emulator/handlers/object.js';
import { parseQuery, parseTarget } from '../../src/emulator/http/request-target.js';
import { cacheableSeconds } from '../../src/emulator/models/caching-front.js';
import { makeVersion, md5Etag } from '../../src/emulator/object-version.js';
import { parseRange } from '../../src/emulator/range.js';
import { parseDeleteRequest, xmlEscape } from '../../src/emulator/xml.js';

function code(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    if (e instanceof S3Error) return e.code;
    throw e;
  }
  return undefined;
}

describe('request targets', () => {
  it('path style: bucket, key, and the raw and decoded paths', () => {
    const t = parseTarget('/bkt/a%20b/c%2Bd?x-id=GetObject', '127.0.0.1:9000', 'localhost');
    expect(t).toMatchObject({ bucket: 'bkt', key: 'a b/c+d', rawPath: '/bkt/a%20b/c%2Bd', path: '/bkt/a b/c+d' });
    expect(t.query['x-id']).toBe('GetObject');
    expect(parseTarget('/', 'localhost:1', 'localhost').bucket).toBeUndefined();
    expect(parseTarget('/bkt/', 'localhost:1', 'localhost')).toMatchObject({ bucket: 'bkt' });
    expect(parseTarget('/bkt/', 'localhost:1', 'localhost').key).toBeUndefined();
  });

  it('virtual-host style: the bucket comes from the Host', () => {
    expect(parseTarget('/dir/file', 'my.bucket.localhost:9000', 'localhost')).toMatchObject({ bucket: 'my.bucket', key: 'dir/file' });
    expect(parseTarget('/', 'bkt.localhost', 'localhost').key).toBeUndefined();
    expect(parseTarget('/bkt/k', 'localhost:9000', 'localhost')).toMatchObject({ bucket: 'bkt', key: 'k' });
    expect(parseTarget('/bkt/k', '[::1]:9000', 'localhost')).toMatchObject({ bucket: 'bkt', key: 'k' });
  });

  it('queries: plus is a space, %2B is a plus, repeats become arrays, bare names are empty', () => {
    const q = parseQuery('prefix=a+b%2Bc&delete&x=1&x=2');
    expect(q.prefix).toBe('a b+c');
    expect(q.delete).toBe('');
    expect(q.x).toEqual(['1', '2']);
  });

  it('refuses malformed percent-encoding', () => {
    expect(code(() => parseTarget('/bkt/%zz', 'localhost', 'localhost'))).toBe('InvalidURI');
  });

  it('SigV4 path encoding keeps slashes and unreserved characters only', () => {
    expect(awsUriEncodePath("/b/a b+c!*'()~é")).toBe('/b/a%20b%2Bc%21%2A%27%28%29~%C3%A9');
  });

  it('copy sources with or without a leading slash and version id', () => {
    expect(parseCopySource('bkt/a%20b/c')).toEqual({ bucket: 'bkt', key: 'a b/c' });
    expect(parseCopySource('/bkt/k?versionId=v00000003')).toEqual({ bucket: 'bkt', key: 'k', versionId: 'v00000003' });
    expect(parseCopySource('bkt/k?versionId=null')).toEqual({ bucket: 'bkt', key: 'k', versionId: 'null' });
    expect(code(() => parseCopySource('/bkt/k?versionId=3'))).toBe('InvalidArgument');
    expect(code(() => parseCopySource('bkt'))).toBe('InvalidArgument');
  });
});

describe('ranges', () => {
  it('parses the forms S3 supports and ignores the rest', () => {
    expect(parseRange('bytes=0-0', 10)).toEqual({ start: 0, end: 0 });
    expect(parseRange('bytes=3-', 10)).toEqual({ start: 3, end: 9 });
    expect(parseRange('bytes=-4', 10)).toEqual({ start: 6, end: 9 });
    expect(parseRange('bytes=-40', 10)).toEqual({ start: 0, end: 9 });
    expect(parseRange('bytes=5-400', 10)).toEqual({ start: 5, end: 9 });
    expect(parseRange(undefined, 10)).toBeNull();
    expect(parseRange('bytes=0-1,3-4', 10)).toBeNull();
    expect(parseRange('items=0-1', 10)).toBeNull();
    expect(parseRange('bytes=5-2', 10)).toBeNull();
    expect(code(() => parseRange('bytes=10-', 10))).toBe('InvalidRange');
    expect(code(() => parseRange('bytes=0-', 0))).toBe('InvalidRange');
  });
});

describe('conditions', () => {
  const v = makeVersion({ body: Buffer.from('x'), etag: md5Etag(Buffer.from('x')), contentType: 't', metadata: {} }, 1, Date.parse('2024-05-01T12:00:00.500Z'));
  const bare = v.etag.slice(1, -1);

  it('conditional writes', () => {
    expect(checkWrite({ ifNoneMatch: '*' }, null)).toBeNull();
    expect(checkWrite({ ifNoneMatch: '*' }, v)?.code).toBe('PreconditionFailed');
    expect(checkWrite({ ifMatch: v.etag }, null)?.code).toBe('NoSuchKey');
    expect(checkWrite({ ifMatch: '"other"' }, v)?.code).toBe('PreconditionFailed');
    expect(checkWrite({ ifMatch: bare }, v)).toBeNull();
    expect(checkWrite({ ifMatch: `"zzz", ${v.etag}` }, v)).toBeNull();
  });

  it('conditional reads, with S3 precedence', () => {
    expect(checkRead({ ifNoneMatch: v.etag }, v)?.code).toBe('NotModified');
    expect(checkRead({ ifNoneMatch: 'W/' + v.etag }, v)?.code).toBe('NotModified');
    expect(checkRead({ ifMatch: '"no"' }, v)?.code).toBe('PreconditionFailed');
    expect(checkRead({ ifModifiedSince: 'Wed, 01 May 2024 12:00:00 GMT' }, v)?.code).toBe('NotModified');
    expect(checkRead({ ifModifiedSince: 'Wed, 01 May 2024 11:59:59 GMT' }, v)).toBeNull();
    expect(checkRead({ ifUnmodifiedSince: 'Wed, 01 May 2024 11:00:00 GMT' }, v)?.code).toBe('PreconditionFailed');
    // A passing If-Match overrides a failing If-Unmodified-Since; a failing If-None-Match overrides If-Modified-Since.
    expect(checkRead({ ifMatch: v.etag, ifUnmodifiedSince: 'Wed, 01 May 2024 11:00:00 GMT' }, v)).toBeNull();
    expect(checkRead({ ifNoneMatch: '"other"', ifModifiedSince: 'Wed, 01 May 2024 13:00:00 GMT' }, v)).toBeNull();
    expect(checkRead({ ifModifiedSince: 'not a date' }, v)).toBeNull();
  });
});

describe('XML', () => {
  it('escapes markup and control characters', () => {
    expect(xmlEscape(`<a href="x">&'\u0001`)).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&apos;&#x1;');
  });

  it('reads DeleteObjects bodies, entities and CDATA included', () => {
    const xml = '<?xml version="1.0"?><Delete xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Quiet>true</Quiet><Object><Key>a&amp;b&#x20;c</Key></Object><Object><Key><![CDATA[<x>]]></Key><VersionId>1</VersionId></Object></Delete>';
    expect(parseDeleteRequest(xml)).toEqual({ quiet: true, objects: [{ key: 'a&b c' }, { key: '<x>', versionId: '1' }] });
    const withEtag = '<Delete><Object><Key>k</Key><ETag>&quot;abc&quot;</ETag></Object></Delete>';
    expect(parseDeleteRequest(withEtag)).toEqual({ quiet: false, objects: [{ key: 'k', etag: '"abc"' }] });
    expect(code(() => parseDeleteRequest('<Nope/>'))).toBe('MalformedXML');
    expect(code(() => parseDeleteRequest('<Delete></Delete>'))).toBe('MalformedXML');
  });
});

describe('aws-chunked', () => {
  it('decodes unsigned chunks and trailers', () => {
    const raw = Buffer.from('3\r\nabc\r\n2\r\nde\r\n0\r\nx-amz-checksum-crc32:abc=\r\n\r\n');
    expect(decodeAwsChunked(raw)).toEqual({ body: Buffer.from('abcde'), trailers: { 'x-amz-checksum-crc32': 'abc=' } });
  });

  it('refuses truncated or malformed framing', () => {
    expect(code(() => decodeAwsChunked(Buffer.from('5\r\nabc')))).toBe('IncompleteBody');
    expect(code(() => decodeAwsChunked(Buffer.from('zz\r\nabc\r\n0\r\n\r\n')))).toBe('IncompleteBody');
    expect(code(() => decodeAwsChunked(Buffer.from('3\r\nabcX\r\n0\r\n\r\n')))).toBe('IncompleteBody');
  });

  it('checks chunk signatures when signing state is given', () => {
    const signing = { signingKey: Buffer.alloc(32, 1), longDate: '20240101T000000Z', scope: '20240101/us-east-1/s3/aws4_request', seedSignature: 'seed' };
    const raw = Buffer.from(`3;chunk-signature=${'0'.repeat(64)}\r\nabc\r\n0;chunk-signature=${'0'.repeat(64)}\r\n\r\n`);
    expect(code(() => decodeAwsChunked(raw, signing))).toBe('SignatureDoesNotMatch');
  });
});

describe('checksums and caching', () => {
  it('verifies Content-MD5 and every x-amz-checksum-* kind (crc32, crc32c, crc64nvme, sha1, sha256)', () => {
    const body = Buffer.from('hello');
    expect(() => verifyChecksums(body, { 'content-md5': 'XUFAKrxLKna5cZ2REBfFkg==', 'x-amz-checksum-crc32': 'NhCmhg==' })).not.toThrow();
    expect(() => verifyChecksums(body, { 'x-amz-checksum-sha256': 'LPJNul+wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ=' })).not.toThrow();
    expect(code(() => verifyChecksums(body, { 'x-amz-checksum-crc32': 'AAAAAA==' }))).toBe('BadDigest');
    expect(code(() => verifyChecksums(body, { 'content-md5': 'AAAAAAAAAAAAAAAAAAAAAA==' }))).toBe('BadDigest');
    // CRC-32C 0x9a71bb4c; CRC-64/NVME from the same table code the suite's known values check (checksums-attributes.test.ts).
    expect(() => verifyChecksums(body, { 'x-amz-checksum-crc32c': 'mnG7TA==', 'x-amz-checksum-crc64nvme': 'M3eFcAZSQlc=' })).not.toThrow();
    expect(code(() => verifyChecksums(body, { 'x-amz-checksum-crc32c': 'whatever' }))).toBe('BadDigest');
    expect(code(() => verifyChecksums(body, { 'x-amz-checksum-crc64nvme': 'AAAAAAAAAAA=' }))).toBe('BadDigest');
  });

  it('reads the max-age a shared cache may use', () => {
    expect(cacheableSeconds(undefined)).toBe(0);
    expect(cacheableSeconds('max-age=60')).toBe(60);
    expect(cacheableSeconds('public, max-age=60, s-maxage=5')).toBe(5);
    expect(cacheableSeconds('s-maxage=5, max-age=60')).toBe(5);
    expect(cacheableSeconds('no-store, max-age=60')).toBe(0);
    expect(cacheableSeconds('private, max-age=60')).toBe(0);
  });
});
