// What our S3 client puts on the wire for a conditional write, and how the cas workload records
// each answer, against a scripted S3 server on loopback (what Ceph RGW 16 answers can be played).
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeS3Client, S3TargetClient, type S3Connection } from '../../src/targets/s3-client.js';
import { makeLeanClient } from '../../src/targets/s3-lean-client.js';
import { TargetError, type S3ClientKind, type TargetClient } from '../../src/targets/target.js';
import { casWorkload } from '../../workloads/cas.js';
import { encodeValue } from '../../workloads/values.js';

delete process.env.AWS_CA_BUNDLE;

const ETAG = '"c4ca4238a0b923820dcc509a6f75849b"';
const errorXml = (code: string) => `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${code}</Message></Error>`;

let server: Server;
const clients = {} as Record<S3ClientKind, TargetClient>;
const seen: IncomingHttpHeaders[] = [];
/** How the server answers the next PUT: HTTP status and S3 error code. */
let answer: [number, string] = [200, ''];

beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (req.method === 'GET') {
        const body = encodeValue(1);
        res.writeHead(200, { 'ETag': ETAG, 'Content-Length': String(body.byteLength) }).end(body);
        return;
      }
      seen.push(req.headers);
      const [status, code] = answer;
      if (status === 200) res.writeHead(200, { ETag: '"x"' }).end();
      else res.writeHead(status, { 'Content-Type': 'application/xml' }).end(errorXml(code));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const connection: S3Connection = { endpoint, region: 'us-east-1', bucket: 'b', forcePathStyle: true, credentials: { accessKeyId: 'a', secretAccessKey: 's' }, requestTimeoutMs: 2000, maxSockets: 2 };
  clients.sdk = new S3TargetClient(makeS3Client(connection), 'b', 'objcheck/t/');
  clients.lean = makeLeanClient(connection, connection.credentials!, 'objcheck/t/');
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe.each(['lean', 'sdk'] as const)('conditional writes through the S3 client (%s)', (kind) => {
  const cas = (expected: number | null) => casWorkload.execute(clients[kind], { f: 'cas', key: 'r0.0', value: [expected, 2] }, { valueSize: 64 });

  it('sends If-Match with the ETag exactly as S3 returned it, quotes included', async () => {
    answer = [200, ''];
    seen.length = 0;
    expect(await cas(1)).toBeUndefined();
    expect(seen[0]!['if-match']).toBe(ETAG);
    await cas(null);
    expect(seen[1]!['if-none-match']).toBe('*');
  });

  it('records a 412, and a 404 to If-Match, as an observation that the condition did not hold', async () => {
    answer = [412, 'PreconditionFailed'];
    expect(await cas(1)).toEqual({ refused: 'PreconditionFailed (HTTP 412)' });
    expect(await cas(null)).toEqual({ refused: 'PreconditionFailed (HTTP 412)' });
    answer = [404, 'NoSuchKey'];
    expect(await cas(1)).toEqual({ refused: 'NoSuchKey (HTTP 404)' });
  });

  it('keeps a 409 ConditionalRequestConflict a definite failure: it says nothing about the state', async () => {
    answer = [409, 'ConditionalRequestConflict'];
    const err = await cas(1).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TargetError);
    expect(err).toMatchObject({ kind: 'definite' });
    expect((err as Error).message).toMatch(/^ConditionalRequestConflict \(HTTP 409\)/);
  });
});
