import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { projectRoot } from '../util/tool-info.js';
import { openS3Target } from './s3-target.js';
import type { Target } from './target.js';

// The compiled script, also when this module runs from its TypeScript source (tests).
const CHILD = join(projectRoot(), 'dist/src/targets/s3rver-child.js');

/**
 * s3rver, a third-party S3 implementation (npm), started on a loopback port in a child
 * process with its files in a temporary folder: a real server for tests to run against.
 */
export const s3rverTarget: Target = {
  name: 's3rver',
  description: 'the s3rver npm package on a loopback port, in a child process (a real third-party S3 server)',
  async open(options) {
    const directory = mkdtempSync(join(tmpdir(), 'objcheck-s3rver-'));
    const child = spawn(process.execPath, [CHILD, directory], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr = (stderr + d).slice(-4000)));
    const down = new AbortController();
    let stopping = false;
    const exited = new Promise<void>((resolve) => {
      child.on('exit', (code, signal) => {
        if (!stopping) down.abort(new Error(`s3rver exited (${signal ?? `code ${code}`}): ${lastLine(stderr)}`));
        resolve();
      });
    });
    const port = await new Promise<number>((resolve, reject) => {
      const lines = createInterface({ input: child.stdout });
      lines.once('line', (l) => resolve((JSON.parse(l) as { port: number }).port));
      child.once('exit', () => reject(new Error(`s3rver did not start: ${lastLine(stderr)}`)));
    });
    const stop = async () => {
      stopping = true;
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(directory, { recursive: true, force: true });
    };
    return openS3Target(
      {
        target: 's3rver',
        endpoint: `http://127.0.0.1:${port}`,
        region: 'us-east-1',
        bucket: 'objcheck',
        forcePathStyle: true,
        // s3rver's fixed key pair; it verifies SigV4 against it.
        credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
        extra: { storage: 'filesystem (temporary folder)', pid: child.pid },
        onClose: stop,
        down: down.signal,
      },
      options,
    );
  },
};

/** The error line of a crashed child's stderr, or its last line. */
function lastLine(text: string): string {
  const lines = text.trim().split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('at '));
  return lines.find((l) => /^[A-Za-z]*Error\b/.test(l)) ?? lines.at(-1) ?? 'no message';
}
