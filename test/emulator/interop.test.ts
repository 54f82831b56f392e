// The AWS CLI and rclone against the emulator, when they are installed (they are system tools,
// not npm packages, so a machine without them skips these).
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';

const run = promisify(execFile);

async function installed(tool: string): Promise<boolean> {
  try {
    await run(tool, ['--version'], { timeout: 20_000 });
    return true;
  } catch {
    return false;
  }
}

const hasAws = await installed('aws');
const hasRclone = await installed('rclone');

let emulator: RunningEmulator;
let env: NodeJS.ProcessEnv;
const dir = mkdtempSync(join(tmpdir(), 'objcheck-interop-'));

beforeAll(async () => {
  emulator = await startEmulator({});
  env = { ...process.env, AWS_ACCESS_KEY_ID: emulator.credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: emulator.credentials.secretAccessKey, AWS_DEFAULT_REGION: emulator.region };
  delete env.AWS_CA_BUNDLE;
  delete env.AWS_PROFILE;
});
afterAll(() => emulator.close());

describe.skipIf(!hasAws)('AWS CLI', () => {
  const aws = (...args: string[]) => run('aws', ['--endpoint-url', emulator.endpoint, ...args], { env, timeout: 60_000 });

  it('makes a bucket, copies a file with an awkward name up and back, lists and removes it', async () => {
    const file = join(dir, 'up.txt');
    writeFileSync(file, 'from the aws cli');
    await aws('s3', 'mb', 's3://cli-bucket');
    await aws('s3', 'cp', file, 's3://cli-bucket/dir/a b+c.txt');
    const ls = await aws('s3', 'ls', '--recursive', 's3://cli-bucket');
    expect(ls.stdout).toContain('dir/a b+c.txt');
    await aws('s3', 'cp', 's3://cli-bucket/dir/a b+c.txt', join(dir, 'down.txt'));
    expect(readFileSync(join(dir, 'down.txt'), 'utf8')).toBe('from the aws cli');
    await aws('s3', 'rm', 's3://cli-bucket/dir/a b+c.txt');
    await aws('s3', 'rb', 's3://cli-bucket');
  });

  it('uploads a large file in parts', async () => {
    const big = Buffer.alloc(12 * 1024 * 1024);
    for (let i = 0; i < big.length; i += 4096) big[i] = i & 0xff;
    writeFileSync(join(dir, 'big.bin'), big);
    await aws('s3', 'mb', 's3://cli-big');
    await aws('s3', 'cp', join(dir, 'big.bin'), 's3://cli-big/big.bin');
    const head = await aws('s3api', 'head-object', '--bucket', 'cli-big', '--key', 'big.bin');
    expect(JSON.parse(head.stdout).ETag).toMatch(/-2"$/);
    await aws('s3', 'cp', 's3://cli-big/big.bin', join(dir, 'big.back'));
    expect(readFileSync(join(dir, 'big.back')).equals(big)).toBe(true);
  });
});

describe.skipIf(!hasRclone)('rclone', () => {
  const rcloneAs = (secret: string, ...args: string[]) =>
    run('rclone', [...args, '--config', '/dev/null', '--low-level-retries', '1', '--retries', '1'], {
      env: {
        ...env,
        RCLONE_CONFIG_EMU_TYPE: 's3',
        RCLONE_CONFIG_EMU_PROVIDER: 'Other',
        RCLONE_CONFIG_EMU_ACCESS_KEY_ID: emulator.credentials.accessKeyId,
        RCLONE_CONFIG_EMU_SECRET_ACCESS_KEY: secret,
        RCLONE_CONFIG_EMU_ENDPOINT: emulator.endpoint,
        RCLONE_CONFIG_EMU_REGION: emulator.region,
        RCLONE_CONFIG_EMU_FORCE_PATH_STYLE: 'true',
      },
      timeout: 60_000,
    });
  const rclone = (...args: string[]) => rcloneAs(emulator.credentials.secretAccessKey, ...args);

  it('with a wrong secret gets 403 and writes nothing', async () => {
    await rclone('mkdir', 'emu:guarded');
    const file = join(dir, 'secret-test.txt');
    writeFileSync(file, 'should not arrive\n');
    const denied = await rcloneAs('wrong-secret', 'copyto', file, 'emu:guarded/x.txt').then(
      () => undefined,
      (e: { stderr: string }) => e,
    );
    expect(denied?.stderr).toMatch(/SignatureDoesNotMatch|403/);
    expect((await rclone('lsf', 'emu:guarded')).stdout).toBe('');
  });

  it('copies a folder, checks it byte for byte, moves a file and purges', async () => {
    const src = mkdtempSync(join(dir, 'src-'));
    for (let i = 0; i < 5; i++) writeFileSync(join(src, `file ${i}.txt`), `content ${i}\n`.repeat(i + 1));
    await rclone('mkdir', 'emu:rclone-bucket');
    await rclone('copy', src, 'emu:rclone-bucket/tree');
    await rclone('check', src, 'emu:rclone-bucket/tree');
    await rclone('moveto', 'emu:rclone-bucket/tree/file 0.txt', 'emu:rclone-bucket/moved.txt');
    const ls = await rclone('lsf', '-R', 'emu:rclone-bucket');
    expect(ls.stdout.split('\n').filter(Boolean).sort()).toEqual(['moved.txt', 'tree/', 'tree/file 1.txt', 'tree/file 2.txt', 'tree/file 3.txt', 'tree/file 4.txt']);
    await rclone('purge', 'emu:rclone-bucket');
    const buckets = await rclone('lsd', 'emu:');
    expect(buckets.stdout).not.toContain('rclone-bucket');
  });
});
