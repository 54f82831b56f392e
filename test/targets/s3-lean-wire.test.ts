// What the lean S3 client puts on the wire and reads back: addressing (path and virtual-hosted
// style), URI encoding, the XML it parses, and TLS: UNSIGNED-PAYLOAD over https with the
// certificates of AWS_CA_BUNDLE, a signed payload over plain http.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { bucketRootPath, objectPath, s3Address } from '../../src/targets/s3-address.js';
import { makeLeanClient } from '../../src/targets/s3-lean-client.js';
import { canonicalQuery, encodeKeyPath } from '../../src/targets/s3-uri.js';
import { xmlDecode, xmlElements, xmlEscape, xmlText } from '../../src/targets/s3-xml.js';

describe('addressing', () => {
  it('path style: the bucket in the path, the endpoint as the host (its port kept)', () => {
    const a = s3Address('http://127.0.0.1:9000', 'us-east-1', 'objcheck', true);
    expect(a).toEqual({ origin: 'http://127.0.0.1:9000', host: '127.0.0.1:9000', bucketPath: '/objcheck', secure: false });
    expect(objectPath(a, 'objcheck/run/k 1')).toBe('/objcheck/objcheck/run/k%201');
    expect(bucketRootPath(a)).toBe('/objcheck');
  });

  it("virtual-hosted: the bucket in the host name; AWS's regional endpoint when none is given", () => {
    const a = s3Address(undefined, 'eu-west-3', 'my-bucket', false);
    expect(a).toEqual({ origin: 'https://my-bucket.s3.eu-west-3.amazonaws.com', host: 'my-bucket.s3.eu-west-3.amazonaws.com', bucketPath: '', secure: true });
    expect(objectPath(a, 'a/b')).toBe('/a/b');
    expect(bucketRootPath(a)).toBe('/');
    expect(s3Address('http://minio.local:9000', 'us-east-1', 'b12', false).host).toBe('b12.minio.local:9000');
  });

  it('falls back to path style where a host name cannot carry the bucket', () => {
    // Dots over TLS (the wildcard certificate covers one label), upper case, an IP address.
    expect(s3Address(undefined, 'us-east-1', 'my.bucket', false).bucketPath).toBe('/my.bucket');
    expect(s3Address(undefined, 'us-east-1', 'MyBucket', false).bucketPath).toBe('/MyBucket');
    expect(s3Address('http://10.0.0.1:9000', 'us-east-1', 'bucket', false).bucketPath).toBe('/bucket');
    expect(s3Address(undefined, 'cn-north-1', 'b12', false).origin).toBe('https://b12.s3.cn-north-1.amazonaws.com.cn');
  });

  it('encodes as SigV4 does: all but unreserved characters, a key keeping its slashes', () => {
    expect(encodeKeyPath("a b/c+d=e&f?g#h(i)*j!k'l~m_n.o-p/é")).toBe('a%20b/c%2Bd%3De%26f%3Fg%23h%28i%29%2Aj%21k%27l~m_n.o-p/%C3%A9');
    expect(canonicalQuery({ 'list-type': '2', prefix: 'objcheck/r/', 'continuation-token': 'a+b/c=' })).toBe('continuation-token=a%2Bb%2Fc%3D&list-type=2&prefix=objcheck%2Fr%2F');
    expect(canonicalQuery({ uploads: '' })).toBe('uploads=');
  });
});

describe('XML', () => {
  const list = `<?xml version="1.0" encoding="UTF-8"?>
<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>b</Name><Prefix>p/</Prefix><KeyCount>2</KeyCount>
  <Contents><Key>p/a&amp;b</Key><ETag>&quot;x&quot;</ETag></Contents>
  <Contents>
    <Key>p/&#233;&#x4E2D;&lt;&gt;&apos;</Key>
  </Contents>
  <IsTruncated>true</IsTruncated><NextContinuationToken>t/1=</NextContinuationToken><StartAfter/></ListBucketResult>`;

  it('reads elements by name, entities and character references decoded, attributes skipped', () => {
    expect(xmlElements(list, 'Contents').map((c) => xmlText(c, 'Key'))).toEqual(['p/a&b', "p/é中<>'"]);
    expect(xmlText(list, 'Key')).toBe('p/a&b');
    expect(xmlText(list, 'KeyCount')).toBe('2');
    expect(xmlText(list, 'IsTruncated')).toBe('true');
    expect(xmlText(list, 'StartAfter')).toBe('');
    expect(xmlText(list, 'Name')).toBe('b');
    expect(xmlText(list, 'Missing')).toBeUndefined();
    expect(xmlText('<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message></Error>', 'Code')).toBe('NoSuchKey');
  });

  it('escapes what it writes, and reads it back', () => {
    const etag = `"abc"&<'>`;
    expect(xmlEscape(etag)).toBe('&quot;abc&quot;&amp;&lt;&apos;&gt;');
    expect(xmlDecode(xmlEscape(etag))).toBe(etag);
  });
});

describe('TLS and payload signing', () => {
  let server: Server | undefined;
  const seen: IncomingHttpHeaders[] = [];
  const bodies: Buffer[] = [];
  const saved = process.env.AWS_CA_BUNDLE;
  afterEach(async () => {
    if (saved === undefined) delete process.env.AWS_CA_BUNDLE;
    else process.env.AWS_CA_BUNDLE = saved;
    seen.length = 0;
    bodies.length = 0;
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    server = undefined;
  });

  const handler = (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => {
      seen.push(req.headers);
      bodies.push(Buffer.concat(parts));
      res.writeHead(200, { etag: '"e"' }).end();
    });
  };
  const listen = async (s: Server) => {
    server = s;
    await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
    return (s.address() as AddressInfo).port;
  };
  const connection = (endpoint: string) => ({ endpoint, region: 'us-east-1', bucket: 'b', forcePathStyle: true, requestTimeoutMs: 2000, maxSockets: 2 });
  const credentials = { accessKeyId: 'a', secretAccessKey: 's', sessionToken: 'token' };
  const body = new TextEncoder().encode('a value');

  it('over plain http the payload is signed: its SHA-256 in x-amz-content-sha256; the session token goes too', async () => {
    const port = await listen(createHttpServer(handler));
    const client = makeLeanClient(connection(`http://127.0.0.1:${port}`), credentials, 'objcheck/t/');
    await client.put('k', body);
    await client.destroy();
    expect(seen[0]!['x-amz-content-sha256']).toBe(createHash('sha256').update(body).digest('hex'));
    expect(seen[0]!['x-amz-security-token']).toBe('token');
    expect(seen[0]!.authorization).toMatch(/SignedHeaders=host;x-amz-content-sha256;x-amz-date;x-amz-security-token,/);
    expect(bodies[0]!.toString()).toBe('a value');
  });

  const openssl = spawnSync('openssl', ['version']).status === 0;
  it.skipIf(!openssl)('over https: UNSIGNED-PAYLOAD, and the server trusted through AWS_CA_BUNDLE (refused without it)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'objcheck-tls-'));
    const made = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1']);
    expect(made.status).toBe(0);
    const port = await listen(createHttpsServer({ key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) }, handler));
    const endpoint = `https://127.0.0.1:${port}`;

    delete process.env.AWS_CA_BUNDLE;
    const untrusting = makeLeanClient(connection(endpoint), credentials, 'objcheck/t/');
    await expect(untrusting.put('k', body)).rejects.toMatchObject({ kind: 'network' });
    await untrusting.destroy();

    process.env.AWS_CA_BUNDLE = join(dir, 'cert.pem');
    const client = makeLeanClient(connection(endpoint), credentials, 'objcheck/t/');
    expect(await client.put('k', body)).toEqual({ etag: '"e"' });
    await client.destroy();
    expect(seen[0]!['x-amz-content-sha256']).toBe('UNSIGNED-PAYLOAD');
    expect(bodies[0]!.toString()).toBe('a value');
  });
});
