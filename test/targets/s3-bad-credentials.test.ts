// Credentials the store refuses are the run's error, never the store's anomaly: the preflight
// stops the run with one line and exit 3 before any op is recorded, through either client; and
// the lean client's own refusals (its signature, not only the SDK's, is checked before the run)
// are explained as plainly.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '../../src/util/errors.js';
import { DEFAULT_KEY_PAIR, startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { preflight } from '../../src/targets/preflight.js';
import { makeS3Client } from '../../src/targets/s3-client.js';
import { makeLeanClient } from '../../src/targets/s3-lean-client.js';
import { TargetError } from '../../src/targets/target.js';

delete process.env.AWS_CA_BUNDLE;
const root = resolve(import.meta.dirname, '../..');
const cli = join(root, 'dist/src/cli/main.js');

describe('bad credentials against the emulator (objcheck workload --target s3 --endpoint)', () => {
  let server: ChildProcess;
  let endpoint: string;
  beforeAll(async () => {
    server = spawn(process.execPath, [join(root, 'dist/src/emulator/main.js'), '--port', '0', '--bucket', 'objcheck', '--exit-with-stdin'], { stdio: ['pipe', 'pipe', 'inherit'] });
    const line = await new Promise<string>((res) => createInterface({ input: server.stdout! }).once('line', res));
    endpoint = /listening on (http:\/\/\S+)/.exec(line)![1]!;
  });
  afterAll(() => {
    server.kill();
  });

  const run = (client: string, accessKeyId: string, secretAccessKey: string) => {
    const results = mkdtempSync(join(tmpdir(), 'objcheck-creds-'));
    return new Promise<{ code: number | null; stderr: string; stdout: string; results: string }>((done) => {
      const child = spawn(process.execPath, [cli, 'workload', '--target', 's3', '--endpoint', endpoint, '--bucket', 'objcheck', '--client', client, '--ops', '20', '--results', results], {
        env: { ...process.env, AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey, AWS_CA_BUNDLE: '' },
      });
      let stderr = '';
      let stdout = '';
      child.stderr.on('data', (d) => (stderr += d));
      child.stdout.on('data', (d) => (stdout += d));
      child.on('close', (code) => done({ code, stderr, stdout, results }));
    });
  };

  it.each(['lean', 'sdk'])('%s client: a wrong secret, an unknown key: exit 3, one line, no run recorded; the right pair runs', async (client) => {
    const label = `error: bucket "objcheck" on s3 at ${endpoint}`;
    const wrongSecret = await run(client, DEFAULT_KEY_PAIR.accessKeyId, 'not-the-secret');
    expect(wrongSecret.code).toBe(3);
    expect(wrongSecret.stderr).toContain(`${label}: the secret key is wrong (the signature does not match)\n`);
    expect(wrongSecret.stderr).not.toContain('not-the-secret');
    expect(wrongSecret.stdout).toBe('');
    // No run folder with a history: nothing was recorded, so nothing can be checked as the store's.
    expect(readdirSync(wrongSecret.results).filter((f) => existsSync(join(wrongSecret.results, f, 'history.jsonl')))).toEqual([]);

    const unknownKey = await run(client, 'NOBODY', 'whatever');
    expect(unknownKey.code).toBe(3);
    expect(unknownKey.stderr).toContain(`${label}: the access key is not known to the store\n`);

    const good = await run(client, DEFAULT_KEY_PAIR.accessKeyId, DEFAULT_KEY_PAIR.secretAccessKey);
    expect(good.code, good.stderr).toBe(0);
  }, 60_000);
});

describe("the lean client's refusals", () => {
  let emulator: RunningEmulator;
  beforeAll(async () => {
    emulator = await startEmulator({ buckets: ['objcheck'] });
  });
  afterAll(() => emulator.close());

  const connection = (secretAccessKey: string) => ({
    endpoint: emulator.endpoint,
    region: emulator.region,
    bucket: 'objcheck',
    forcePathStyle: true,
    credentials: { accessKeyId: emulator.credentials.accessKeyId, secretAccessKey },
    requestTimeoutMs: 5000,
    maxSockets: 2,
  });

  it('a 403 is a definite failure naming S3\'s code: recorded as fail, never as something the store did', async () => {
    const lean = makeLeanClient(connection('wrong'), connection('wrong').credentials, 'objcheck/creds/');
    try {
      const err = await lean.put('k', new TextEncoder().encode('v')).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TargetError);
      expect(err).toMatchObject({ kind: 'definite', status: 403, code: 'SignatureDoesNotMatch' });
      await expect(lean.get('k')).rejects.toMatchObject({ kind: 'definite', status: 403 });
    } finally {
      await lean.destroy();
    }
  });

  it('the preflight reads its canary back through the workers\' client: a lean client the store refuses stops the run there', async () => {
    const s3 = makeS3Client(connection(emulator.credentials.secretAccessKey));
    const lean = makeLeanClient(connection('wrong'), connection('wrong').credentials, 'objcheck/creds/');
    try {
      const err = await preflight(s3, { bucket: 'objcheck', prefix: 'objcheck/creds/', client: lean }, { where: 'emulator', createBucket: false, region: emulator.region }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UserError);
      expect((err as Error).message).toBe(
        'bucket "objcheck" on emulator: the canary PUT/GET/DELETE under objcheck/creds/ failed: bucket "objcheck" on emulator: the secret key is wrong (the signature does not match)',
      );
    } finally {
      s3.destroy();
      await lean.destroy();
    }
  });
});
