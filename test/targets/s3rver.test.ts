import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readValidity } from '../../checkers/read-validity.js';
import { readHistory } from '../../src/history/read.js';
import { Recorder } from '../../src/history/recorder.js';
import { runWorkers, type Progress } from '../../src/runner/run-workers.js';
import { S3TargetClient } from '../../src/targets/s3-client.js';
import { s3rverTarget } from '../../src/targets/s3rver.js';
import type { S3ClientKind } from '../../src/targets/target.js';
import { registerWorkload } from '../../workloads/register.js';

delete process.env.AWS_CA_BUNDLE;
const root = resolve(import.meta.dirname, '../..');
const cli = join(root, 'dist/src/cli/main.js');

async function registerRun(client: S3ClientKind, concurrency: number, keys: number, ops: number) {
  const opened = await s3rverTarget.open({ prefix: 'objcheck/test/', seed: 1, opTimeoutMs: 2000, concurrency, latencyMs: 0, client });
  const file = join(mkdtempSync(join(tmpdir(), 'objcheck-s3rver-')), 'history.jsonl');
  const recorder = new Recorder(file);
  const progress: Progress = { started: 0, ok: 0, fail: 0, info: 0, late: 0 };
  try {
    await runWorkers(
      { workload: registerWorkload, client: opened.client, recorder, concurrency, limits: { ops }, opTimeoutMs: 2000, seed: 3, keys, stop: new AbortController().signal },
      progress,
    );
  } finally {
    recorder.close();
    await opened.close();
  }
  return readHistory(file);
}

describe.each(['lean', 'sdk'] as const)('s3rver target (a real third-party S3 server), %s client', (client) => {
  it('round-trips the register workload with SigV4; sequential runs are valid', async () => {
    const history = await registerRun(client, 1, 3, 200);
    expect(history.ops.every((o) => o.type === 'ok')).toBe(true);
    const reads = history.ops.filter((o) => o.f === 'get');
    expect(reads.some((o) => typeof o.value === 'number')).toBe(true);
    expect(readValidity.check(history)).toMatchObject({ valid: true });
  });

  it('under contention on one key, any anomaly is s3rver\'s known torn read (an empty body while a PUT rewrites the file)', async () => {
    const history = await registerRun(client, 8, 1, 600);
    const result = readValidity.check(history);
    for (const a of result.anomalies) expect(a.explanation).toMatch(/→ "" at/);
  });
});

describe('run prefix', () => {
  it('cleans up only the objects under the run prefix', async () => {
    const opened = await s3rverTarget.open({ prefix: 'objcheck/mine/', seed: 1, opTimeoutMs: 2000, concurrency: 1, latencyMs: 0 });
    const s3 = opened.s3!.client;
    const theirs = new S3TargetClient(s3, 'objcheck', 'someone-else/');
    const neighbour = new S3TargetClient(s3, 'objcheck', 'objcheck/mine-too/');
    const body = new TextEncoder().encode('x');
    await theirs.put('keep', body);
    await neighbour.put('keep', body);
    for (const k of ['a', 'b/c', 'b/d']) await opened.client.put(k, body);
    const mine = new S3TargetClient(s3, 'objcheck', 'objcheck/mine/');
    expect(await mine.list('')).toEqual(['a', 'b/c', 'b/d']);
    const { deletePrefix } = await import('../../src/targets/s3-client.js');
    expect(await deletePrefix(s3, 'objcheck', 'objcheck/mine/')).toBe(3);
    expect(await mine.list('')).toEqual([]);
    expect(await theirs.list('')).toEqual(['keep']);
    expect(await neighbour.list('')).toEqual(['keep']);
    await expect(deletePrefix(s3, 'objcheck', 'someone-else/')).rejects.toThrow(/refusing to clean up outside a run prefix/);
    await opened.close();
  });
});

describe('preflight', () => {
  let server: ChildProcess;
  let endpoint: string;
  beforeAll(async () => {
    server = spawn(process.execPath, [join(root, 'dist/src/targets/s3rver-child.js'), mkdtempSync(join(tmpdir(), 'objcheck-pf-'))], { stdio: ['pipe', 'pipe', 'inherit'] });
    const line = await new Promise<string>((res) => createInterface({ input: server.stdout! }).once('line', res));
    endpoint = `http://127.0.0.1:${(JSON.parse(line) as { port: number }).port}`;
  });
  afterAll(() => {
    server.kill();
  });

  const run = (args: string[], env: Record<string, string> = {}, results = mkdtempSync(join(tmpdir(), 'objcheck-pf-'))) =>
    new Promise<{ code: number | null; stderr: string }>((done) => {
      const child = spawn(process.execPath, [cli, 'workload', '--ops', '10', '--results', results, ...args], {
        env: { ...process.env, ...env },
      });
      let stderr = '';
      child.stderr.on('data', (d) => (stderr += d));
      child.on('close', (code) => done({ code, stderr }));
    });

  it('names an endpoint that does not answer', async () => {
    const r = await run(['--target', 's3', '--endpoint', 'http://127.0.0.1:9', '--bucket', 'b'], { AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'y' });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('error: bucket "b" on s3 at http://127.0.0.1:9: the endpoint does not answer (connection refused)\n');
  });

  it('names an unknown access key, a missing bucket, and works with the right ones', async () => {
    const bad = await run(['--target', 's3', '--endpoint', endpoint, '--bucket', 'objcheck'], { AWS_ACCESS_KEY_ID: 'NOBODY', AWS_SECRET_ACCESS_KEY: 'S3RVER' });
    expect(bad.code).toBe(3);
    expect(bad.stderr).toMatch(/error: bucket "objcheck" on s3 at http:\/\/127\.0\.0\.1:\d+: (the access key is not known to the store|access denied)/);
    expect(bad.stderr).not.toContain('S3RVER');
    const missing = await run(['--target', 's3', '--endpoint', endpoint, '--bucket', 'nothere'], { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER' });
    expect(missing.code).toBe(3);
    expect(missing.stderr).toContain('the bucket does not exist (pass --create-bucket to create it)');
    const results = mkdtempSync(join(tmpdir(), 'objcheck-pf-'));
    const good = await run(
      ['--target', 's3', '--endpoint', endpoint, '--bucket', 'nothere', '--create-bucket', '--concurrency', '1', '--name', 'ok'],
      { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER' },
      results,
    );
    expect(good.code).toBe(0);
    // Credentials never reach the run folder.
    const runJson = readFileSync(join(results, 'ok', 'run.json'), 'utf8');
    expect(runJson).toContain('"bucket": "nothere"');
    expect(runJson).not.toContain('S3RVER');
  });

  it('--target s3 without --bucket is a usage error', async () => {
    const r = await run(['--target', 's3']);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('error: --target s3 needs --bucket\n');
  });
});
