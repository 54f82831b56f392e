import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { CreateBucketCommand, DeleteBucketCommand, DeleteObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterEach, describe, expect, it } from 'vitest';
import { parseCliArgs } from '../../src/emulator/cli-args.js';
import { OptionsError, resolveOptions, startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { ServerProcess } from '../../src/targets/server-process.js';
import { readText, sdkClient } from './sdk.js';

const MAIN = join(resolve(import.meta.dirname, '../..'), 'dist/src/emulator/main.js');
const dataDir = () => mkdtempSync(join(tmpdir(), 'objcheck-persist-'));

const open: RunningEmulator[] = [];
const children: ServerProcess[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((e) => e.close()));
  await Promise.all(children.splice(0).map((c) => c.stop()));
});

async function emulator(dir: string, extra: { fsync?: 'always' | 'never'; ackBeforeDurableMs?: number } = {}) {
  const e = await startEmulator({ buckets: ['bkt'], persistence: { dataDir: dir, ...extra } });
  open.push(e);
  return { e, s3: sdkClient(e) };
}

const put = (s3: S3Client, key: string, body: string, bucket = 'bkt') => s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));

describe('persistent mode, in process', () => {
  it('a clean restart brings back objects, deletes, overwrites and buckets', async () => {
    const dir = dataDir();
    const first = await emulator(dir);
    await put(first.s3, 'a', 'one');
    await put(first.s3, 'a', 'two');
    await put(first.s3, 'gone', 'x');
    await first.s3.send(new DeleteObjectCommand({ Bucket: 'bkt', Key: 'gone' }));
    await first.s3.send(new CreateBucketCommand({ Bucket: 'made-later' }));
    await put(first.s3, 'k', 'in the new bucket', 'made-later');
    await first.s3.send(new CreateBucketCommand({ Bucket: 'short-lived' }));
    await first.s3.send(new DeleteBucketCommand({ Bucket: 'short-lived' }));
    await first.e.close();

    const second = await emulator(dir);
    expect(await readText(second.s3, 'bkt', 'a')).toBe('two');
    expect(await readText(second.s3, 'bkt', 'gone')).toBeNull();
    expect(await readText(second.s3, 'made-later', 'k')).toBe('in the new bucket');
    const { failure } = await import('./sdk.js');
    expect(await failure(put(second.s3, 'k', 'v', 'short-lived'))).toMatchObject({ status: 404 });
    // Later writes are newer than recovered ones, whatever the ids and clocks did.
    await put(second.s3, 'a', 'three');
    expect(await readText(second.s3, 'bkt', 'a')).toBe('three');
  });

  it('drops a torn last record and compacts the journal at start; a bad record elsewhere refuses to start', async () => {
    const dir = dataDir();
    const first = await emulator(dir);
    for (let i = 0; i < 5; i++) await put(first.s3, 'same', `v${i}`);
    await first.e.close();
    const journal = join(dir, 'journal.jsonl');
    appendFileSync(journal, '{"t":"set","bucket":"bkt","key":"torn","ver');
    const second = await emulator(dir);
    expect(await readText(second.s3, 'bkt', 'same')).toBe('v4');
    expect(await readText(second.s3, 'bkt', 'torn')).toBeNull();
    await second.e.close();
    // One bucket record and one object record: the five overwrites and the torn tail are gone.
    expect(readFileSync(journal, 'utf8').trim().split('\n')).toHaveLength(2);

    writeFileSync(journal, 'garbage\n' + readFileSync(journal, 'utf8'));
    await expect(startEmulator({ persistence: { dataDir: dir } })).rejects.toThrow(/line 1 is not a journal record/);
  });

  it('acknowledged-but-not-durable writes are still written by a clean shutdown', async () => {
    const dir = dataDir();
    const first = await emulator(dir, { ackBeforeDurableMs: 60_000 });
    await put(first.s3, 'k', 'v');
    await first.e.close();
    const second = await emulator(dir);
    expect(await readText(second.s3, 'bkt', 'k')).toBe('v');
  });

  it('checks its options', () => {
    expect(() => resolveOptions({ consistency: 'quorum', persistence: { dataDir: '/tmp/x' } })).toThrow(/strong model/);
    expect(() => resolveOptions({ persistence: { dataDir: '/tmp/x', ackBeforeDurableMs: -1 } })).toThrow(OptionsError);
    expect(() => parseCliArgs(['--fsync', 'always'])).toThrow(/needs --data-dir/);
    expect(() => parseCliArgs(['--data-dir', '/tmp/x', '--fsync', 'sometimes'])).toThrow(/always or never/);
    expect(parseCliArgs(['--data-dir', '/d', '--fsync', 'never', '--ack-before-durable', '50', '--exit-with-stdin'])).toMatchObject({
      options: { persistence: { dataDir: '/d', fsync: 'never', ackBeforeDurableMs: 50 } },
      exitWithStdin: true,
    });
  });
});

/** main.js in a child process, as the harness runs it for the kill fault. */
async function child(dir: string, flags: string[]) {
  const server = new ServerProcess({
    name: 'the emulator',
    args: (port) => [MAIN, '--port', String(port), '--bucket', 'bkt', '--data-dir', dir, '--exit-with-stdin', ...flags],
    parsePort: (line) => Number(/127\.0\.0\.1:(\d+) /.exec(line)![1]),
  });
  children.push(server);
  const port = await server.start(0);
  const s3 = new S3Client({
    endpoint: `http://127.0.0.1:${port}`,
    region: 'us-east-1',
    forcePathStyle: true,
    maxAttempts: 1,
    credentials: { accessKeyId: 'objcheck', secretAccessKey: 'objcheck-secret' },
  });
  return { server, s3 };
}

const N = 40;

describe('persistent mode across SIGKILL (child process)', () => {
  it('--fsync always: every acknowledged PUT and DELETE survives a kill and a restart on the same port', async () => {
    const { server, s3 } = await child(dataDir(), ['--fsync', 'always']);
    // Two writers at once, so that acknowledgements interleave as in a run.
    await Promise.all([0, 1].map(async (w) => {
      for (let i = w; i < N; i += 2) await put(s3, `k${i}`, `value-${i}`);
    }));
    await s3.send(new DeleteObjectCommand({ Bucket: 'bkt', Key: 'k0' }));
    await server.kill();
    await server.restart();
    expect(await readText(s3, 'bkt', 'k0')).toBeNull();
    for (let i = 1; i < N; i++) expect(await readText(s3, 'bkt', `k${i}`)).toBe(`value-${i}`);
  });

  it('--ack-before-durable: writes acknowledged (and readable) just before a kill are lost', async () => {
    const { server, s3 } = await child(dataDir(), ['--ack-before-durable', '30000']);
    for (let i = 0; i < N; i++) await put(s3, `k${i}`, `value-${i}`);
    expect(await readText(s3, 'bkt', `k${N - 1}`)).toBe(`value-${N - 1}`);
    await server.kill();
    await server.restart();
    const survivors = [];
    for (let i = 0; i < N; i++) if ((await readText(s3, 'bkt', `k${i}`)) !== null) survivors.push(i);
    expect(survivors).toEqual([]);
  });

  it('--fsync never still survives a kill (the OS has the bytes); the child exits when its stdin closes', async () => {
    const { server, s3 } = await child(dataDir(), ['--fsync', 'never']);
    await put(s3, 'k', 'v');
    await server.kill();
    await server.restart();
    expect(await readText(s3, 'bkt', 'k')).toBe('v');
    const proc = (server as unknown as { child: import('node:child_process').ChildProcess }).child;
    const exited = new Promise((r) => proc.once('exit', (code) => r(code)));
    proc.stdin!.end();
    expect(await exited).toBe(0);
    expect(server.down.signal.aborted).toBe(true);
  });
});
