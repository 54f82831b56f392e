import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';

const dockerEngine = spawnSync('docker', ['info'], { stdio: 'ignore' }).status === 0;
const cli = resolve(import.meta.dirname, '../../dist/src/cli/main.js');

function objcheck(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [cli, 'workload', '--results', mkdtempSync(join(tmpdir(), 'objcheck-minio-')), ...args], {
      env: { ...process.env, AWS_CA_BUNDLE: '', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

describe('minio target', () => {
  // No MinIO runs here; an S3 server with MinIO's default key pair stands in for it.
  let server: RunningEmulator;
  beforeAll(async () => {
    server = await startEmulator({ keys: [{ accessKeyId: 'minioadmin', secretAccessKey: 'minioadmin' }] });
  });
  afterAll(() => server.close());

  it('uses minioadmin/minioadmin and creates its default bucket', async () => {
    const r = await objcheck(['--target', 'minio', '--endpoint', server.endpoint, '--ops', '50'], { MINIO_ROOT_USER: '', MINIO_ROOT_PASSWORD: '', AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '' });
    expect(r.stderr).not.toContain('error');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('linearizable: valid');
  });

  it.skipIf(dockerEngine)('--start without a Docker engine says so in one line and exits 3', async () => {
    const r = await objcheck(['--target', 'minio', '--start', '--ops', '5']);
    expect(r.code).toBe(3);
    expect(r.stderr.trim().split('\n').at(-1)).toMatch(/^error: --start needs a running Docker engine, and there is none here/);
  });
});
