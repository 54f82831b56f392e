import { createHash } from 'node:crypto';
import {
  CopyObjectCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { httpStatus } from '../targets/s3-errors.js';

/** What a check may use: the store, and keys of its own under the probe's prefix. */
export interface ProbeContext {
  s3: S3Client;
  bucket: string;
  /** A fresh key under the probe's prefix for each name. */
  key(name: string): string;
  /** The same store with the right access key and a wrong secret. */
  wrongSecret(): Promise<S3Client>;
}

/** One documented rule of S3, checked by a single client. */
export interface ProbeCheck {
  name: string;
  /** What AWS documents, in the words `observed` uses. */
  expected: string;
  /** What the store did. The check passes when it equals `expected`. */
  run(ctx: ProbeContext): Promise<string>;
}

const body = (s: string) => new TextEncoder().encode(s);

/** The HTTP outcome of a request, as "200", "412 PreconditionFailed", "404 NoSuchKey". */
export async function outcome(request: () => Promise<unknown>): Promise<string> {
  try {
    const r = (await request()) as { $metadata?: { httpStatusCode?: number }; Body?: { transformToByteArray(): Promise<Uint8Array> } };
    // Always consume a body: an unread one holds its socket.
    await r?.Body?.transformToByteArray();
    return String(r?.$metadata?.httpStatusCode ?? 200);
  } catch (err) {
    const status = httpStatus(err);
    if (status === undefined) throw err;
    const name = (err as { name?: string }).name;
    // The SDK names a bodyless error after its status ("NotModified", "412"): only real codes.
    return name && !/^\d+$/.test(name) && !['Unknown', 'UnknownError', 'NotModified'].includes(name) ? `${status} ${name}` : String(status);
  }
}

async function put(ctx: ProbeContext, key: string, text: string, extra: Partial<ConstructorParameters<typeof PutObjectCommand>[0]> = {}) {
  return ctx.s3.send(new PutObjectCommand({ Bucket: ctx.bucket, Key: key, Body: body(text), ...extra }));
}

async function getText(ctx: ProbeContext, key: string): Promise<string | null> {
  try {
    const r = await ctx.s3.send(new GetObjectCommand({ Bucket: ctx.bucket, Key: key }));
    return new TextDecoder().decode(await r.Body!.transformToByteArray());
  } catch (err) {
    if (httpStatus(err) === 404) return null;
    throw err;
  }
}

/** The fixed table, in the order it is printed. */
export const probeChecks: readonly ProbeCheck[] = [
  {
    name: 'PUT If-None-Match: * on an existing key',
    expected: '412 PreconditionFailed',
    async run(ctx) {
      const key = ctx.key('inm-existing');
      await put(ctx, key, 'first');
      return outcome(() => put(ctx, key, 'second', { IfNoneMatch: '*' }));
    },
  },
  {
    name: 'PUT If-None-Match: * on a new key',
    expected: '200',
    run: (ctx) => outcome(() => put(ctx, ctx.key('inm-new'), 'only', { IfNoneMatch: '*' })),
  },
  {
    name: 'PUT If-Match: the ETag as returned (quoted), matching',
    expected: '200',
    async run(ctx) {
      const key = ctx.key('im-quoted');
      const { ETag } = await put(ctx, key, 'first');
      return outcome(() => put(ctx, key, 'second', { IfMatch: ETag }));
    },
  },
  {
    name: 'PUT If-Match: a wrong ETag',
    expected: '412 PreconditionFailed',
    async run(ctx) {
      const key = ctx.key('im-wrong');
      await put(ctx, key, 'first');
      return outcome(() => put(ctx, key, 'second', { IfMatch: '"00000000000000000000000000000000"' }));
    },
  },
  {
    name: 'PUT If-Match on a missing key',
    expected: '404 NoSuchKey',
    run: (ctx) => outcome(() => put(ctx, ctx.key('im-missing'), 'x', { IfMatch: '"00000000000000000000000000000000"' })),
  },
  {
    name: '8 racing PUTs If-None-Match: * on one new key',
    // AWS: one wins; the others get 412, or 409 ConditionalRequestConflict while the winner is in flight.
    expected: '1 wins, the others 412 or 409',
    async run(ctx) {
      const key = ctx.key('inm-race');
      const results = await Promise.all(Array.from({ length: 8 }, (_, i) => outcome(() => put(ctx, key, `racer ${i}`, { IfNoneMatch: '*' }))));
      const wins = results.filter((r) => r === '200').length;
      const refused = results.filter((r) => r.startsWith('412') || r.startsWith('409')).length;
      if (wins === 1 && refused === 7) return '1 wins, the others 412 or 409';
      const other = results.filter((r) => r !== '200' && !r.startsWith('412') && !r.startsWith('409'));
      return `${wins} win${wins === 1 ? 's' : ''}, ${refused} refused${other.length ? `, ${other.join(', ')}` : ''}`;
    },
  },
  {
    name: 'GET If-None-Match: the current ETag',
    expected: '304',
    async run(ctx) {
      const key = ctx.key('get-inm');
      const { ETag } = await put(ctx, key, 'cached');
      return outcome(() => ctx.s3.send(new GetObjectCommand({ Bucket: ctx.bucket, Key: key, IfNoneMatch: ETag })));
    },
  },
  {
    name: 'ETag of a single-part PUT',
    expected: 'MD5 of the body, quoted',
    async run(ctx) {
      const text = 'etag probe body';
      const { ETag } = await put(ctx, ctx.key('etag'), text);
      const md5 = createHash('md5').update(text).digest('hex');
      if (ETag === `"${md5}"`) return 'MD5 of the body, quoted';
      return ETag === md5 ? 'MD5 of the body, unquoted' : `${ETag} (MD5 is ${md5})`;
    },
  },
  {
    name: 'read after write (one client)',
    expected: 'the new body',
    async run(ctx) {
      const key = ctx.key('raw');
      await put(ctx, key, 'old');
      await put(ctx, key, 'new');
      const got = await getText(ctx, key);
      return got === 'new' ? 'the new body' : got === null ? '404' : `the body ${JSON.stringify(got)}`;
    },
  },
  {
    name: 'list after write (one client)',
    expected: 'listed',
    async run(ctx) {
      const key = ctx.key('law');
      await put(ctx, key, 'listed');
      const r = await ctx.s3.send(new ListObjectsV2Command({ Bucket: ctx.bucket, Prefix: key }));
      return (r.Contents ?? []).some((o) => o.Key === key) ? 'listed' : 'not listed';
    },
  },
  {
    name: 'read after delete (one client)',
    expected: '404 NoSuchKey',
    async run(ctx) {
      const key = ctx.key('rad');
      await put(ctx, key, 'doomed');
      await ctx.s3.send(new DeleteObjectCommand({ Bucket: ctx.bucket, Key: key }));
      return outcome(() => ctx.s3.send(new GetObjectCommand({ Bucket: ctx.bucket, Key: key })));
    },
  },
  {
    name: 'GET Range: bytes=2-5',
    expected: '206, "2345"',
    async run(ctx) {
      const key = ctx.key('range');
      await put(ctx, key, '0123456789');
      const r = await ctx.s3.send(new GetObjectCommand({ Bucket: ctx.bucket, Key: key, Range: 'bytes=2-5' }));
      const text = new TextDecoder().decode(await r.Body!.transformToByteArray());
      return `${r.$metadata.httpStatusCode}, ${JSON.stringify(text)}`;
    },
  },
  {
    name: 'CopyObject onto itself, MetadataDirective REPLACE',
    expected: 'the new metadata',
    async run(ctx) {
      const key = ctx.key('copy-meta');
      await put(ctx, key, 'meta', { Metadata: { probe: 'old' } });
      const copied = await outcome(() =>
        ctx.s3.send(new CopyObjectCommand({ Bucket: ctx.bucket, Key: key, CopySource: `${ctx.bucket}/${key.split('/').map(encodeURIComponent).join('/')}`, MetadataDirective: 'REPLACE', Metadata: { probe: 'new' } })),
      );
      if (copied !== '200') return `CopyObject: ${copied}`;
      const h = await ctx.s3.send(new HeadObjectCommand({ Bucket: ctx.bucket, Key: key }));
      const value = h.Metadata?.probe;
      return value === 'new' ? 'the new metadata' : value === 'old' ? 'the old metadata' : 'no metadata';
    },
  },
  {
    name: 'PUT with a wrong secret key',
    expected: '403 SignatureDoesNotMatch, nothing written',
    async run(ctx) {
      const key = ctx.key('wrong-secret');
      const wrong = await ctx.wrongSecret();
      try {
        const result = await outcome(() => wrong.send(new PutObjectCommand({ Bucket: ctx.bucket, Key: key, Body: body('intruder') })));
        const written = (await getText(ctx, key)) !== null;
        return `${result}, ${written ? 'the object was written' : 'nothing written'}`;
      } finally {
        wrong.destroy();
      }
    },
  },
];
