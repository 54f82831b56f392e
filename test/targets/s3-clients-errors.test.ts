// Both S3 clients against a scripted server that answers each request as told: every S3 error,
// a 200 that carries one, a reset, a server that never answers, a port nobody listens on. Each
// must end the same through the lean client as through the SDK: the same result, or the same
// failure kind (what the history records), status and S3 error code.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeS3Client, S3TargetClient, type S3Connection } from '../../src/targets/s3-client.js';
import { makeLeanClient } from '../../src/targets/s3-lean-client.js';
import { TargetError, type TargetClient } from '../../src/targets/target.js';

delete process.env.AWS_CA_BUNDLE;

const xml = (code: string, message = `${code} happened`) => `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`;

/** How the server answers: a status and body, or a transport event. */
type Answer = { status: number; body?: string; headers?: Record<string, string> } | 'reset' | 'hang';

let server: Server;
let answer: Answer = { status: 200 };
let endpoint: string;
const hanging = new Set<() => void>();

beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const a = answer;
      if (a === 'reset') return req.socket.destroy();
      if (a === 'hang') return hanging.add(() => res.destroy());
      const body = req.method === 'HEAD' ? undefined : a.body;
      res.writeHead(a.status, { ...(a.body ? { 'content-type': 'application/xml' } : {}), ...a.headers }).end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  for (const h of hanging) h();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

function connection(at: string): S3Connection {
  return { endpoint: at, region: 'us-east-1', bucket: 'b', forcePathStyle: true, credentials: { accessKeyId: 'a', secretAccessKey: 's' }, requestTimeoutMs: 250, maxSockets: 2 };
}

function clients(at: string): Record<'lean' | 'sdk', TargetClient> {
  return {
    lean: makeLeanClient(connection(at), { accessKeyId: 'a', secretAccessKey: 's' }, 'objcheck/t/'),
    sdk: new S3TargetClient(makeS3Client(connection(at)), 'b', 'objcheck/t/'),
  };
}

const body = new TextEncoder().encode('value');
const ops: Record<string, (c: TargetClient) => Promise<unknown>> = {
  get: async (c) => {
    const o = await c.get('k');
    return o && { body: Buffer.from(o.body).toString(), etag: o.etag, metadata: o.metadata };
  },
  head: (c) => c.head('k'),
  put: (c) => c.put('k', body),
  'put If-Match': (c) => c.put('k', body, { ifMatch: '"e"' }),
  'put If-None-Match': (c) => c.put('k', body, { ifNoneMatch: '*' }),
  copy: (c) => c.replaceMetadata('k', { a: 'b' }),
  delete: (c) => c.delete('k'),
  list: (c) => c.list(''),
};

/** What a history takes from an outcome: the result, or the failure's kind, status and code. */
async function outcome(run: () => Promise<unknown>, message: boolean): Promise<unknown> {
  try {
    return { ok: await run() };
  } catch (err) {
    if (!(err instanceof TargetError)) throw err;
    return { kind: err.kind, status: err.status, code: err.code, ...(message ? { message: err.message } : {}) };
  }
}

const answers: [string, Answer][] = [
  ['403 AccessDenied', { status: 403, body: xml('AccessDenied', 'Access Denied') }],
  ['403 SignatureDoesNotMatch', { status: 403, body: xml('SignatureDoesNotMatch') }],
  ['403 without a body', { status: 403 }],
  ['404 NoSuchKey', { status: 404, body: xml('NoSuchKey', 'The specified key does not exist.') }],
  ['404 NoSuchBucket', { status: 404, body: xml('NoSuchBucket') }],
  ['404 without a body', { status: 404 }],
  ['412 PreconditionFailed', { status: 412, body: xml('PreconditionFailed') }],
  ['409 ConditionalRequestConflict', { status: 409, body: xml('ConditionalRequestConflict') }],
  ['400 RequestTimeout', { status: 400, body: xml('RequestTimeout', 'Your socket connection to the server was not read from or written to within the timeout period.') }],
  ['301 PermanentRedirect', { status: 301, body: xml('PermanentRedirect') }],
  ['500 InternalError', { status: 500, body: xml('InternalError', 'We encountered an internal error. Please try again.') }],
  ['503 SlowDown', { status: 503, body: xml('SlowDown', 'Please reduce your request rate.') }],
  ['503 without a body', { status: 503 }],
  ['502 from a proxy (HTML)', { status: 502, body: '<html><body>bad gateway</body></html>' }],
  ['200 carrying an error', { status: 200, body: xml('InternalError', 'We encountered an internal error. Please try again.') }],
  ['200 empty', { status: 200, headers: { etag: '"e"' } }],
  [
    '200 with results',
    {
      status: 200,
      headers: { etag: '"e"', 'x-amz-meta-colour': 'blue', 'x-amz-version-id': 'v1' },
      body: '<?xml version="1.0"?><CopyObjectResult><ETag>"e2"</ETag></CopyObjectResult>',
    },
  ],
];

describe('the lean client fails as the SDK does', () => {
  const both = () => clients(endpoint);

  it.each(answers)('%s: the same outcome for every call', async (_, a) => {
    const { lean, sdk } = both();
    answer = a;
    for (const [name, op] of Object.entries(ops)) {
      // A 200 whose body is not an S3 result (HTML, a list answered with a copy result) the SDK and we
      // read differently; what matters, the kind of failure, is compared everywhere.
      expect(await outcome(() => op(lean), true), name).toEqual(await outcome(() => op(sdk), true));
    }
  });

  it('a listing, XML entities in keys, and its continuation', async () => {
    const { lean, sdk } = both();
    const page = (keys: string[], next?: string) =>
      `<?xml version="1.0"?><ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>b</Name><Prefix>objcheck/t/</Prefix>${keys
        .map((k) => `<Contents><Key>objcheck/t/${k}</Key><ETag>&quot;x&quot;</ETag><Size>1</Size></Contents>`)
        .join('')}<IsTruncated>${next ? 'true' : 'false'}</IsTruncated>${next ? `<NextContinuationToken>${next}</NextContinuationToken>` : ''}</ListBucketResult>`;
    let calls = 0;
    const pages = () => {
      answer = { status: 200, body: calls++ % 2 === 0 ? page(['a&amp;b', 'c&lt;d&#x20;e'], 't/1+=') : page(['f'], undefined) };
    };
    // The server answers page 1, then page 2, for each client in turn.
    server.prependListener('request', pages);
    try {
      expect(await lean.list('')).toEqual(['a&b', 'c<d e', 'f']);
      expect(await sdk.list('')).toEqual(['a&b', 'c<d e', 'f']);
    } finally {
      server.removeListener('request', pages);
    }
  });

  it('a reset connection, an answer that never comes, an abort: the same kinds', async () => {
    const { lean, sdk } = both();
    for (const a of ['reset', 'hang'] as const) {
      answer = a;
      for (const [name, op] of Object.entries(ops)) {
        const l = (await outcome(() => op(lean), false)) as { kind: string };
        const s = (await outcome(() => op(sdk), false)) as { kind: string };
        expect([a, name, l.kind]).toEqual([a, name, s.kind]);
        expect(l.kind).toBe(a === 'reset' ? 'network' : 'timeout');
      }
    }
    answer = 'hang';
    const aborted = async (c: TargetClient) => {
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 50);
      return outcome(() => c.put('k', body, { signal: controller.signal }), false);
    };
    expect(await aborted(lean)).toMatchObject({ kind: (await aborted(sdk) as { kind: string }).kind });
  });

  it('a port nobody listens on: definite (the request was never sent)', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const { lean, sdk } = clients(`http://127.0.0.1:${port}`);
    const l = await outcome(() => lean.put('k', body), false);
    expect(l).toMatchObject({ kind: 'definite' });
    expect(l).toMatchObject({ kind: ((await outcome(() => sdk.put('k', body), false)) as { kind: string }).kind });
  });
});
