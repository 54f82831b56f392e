import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { projectRoot } from '../util/tool-info.js';
import { openS3Target } from './s3-target.js';
import type { ProcessControl, Target } from './target.js';

// The compiled script, also when this module runs from its TypeScript source (tests).
const CHILD = join(projectRoot(), 'dist/src/targets/s3rver-child.js');

/**
 * s3rver, a third-party S3 implementation (npm), started on a loopback port in a child
 * process with its files in a temporary folder: a real server for tests to run against, and
 * one the kill and pause faults can act on.
 */
export const s3rverTarget: Target = {
  name: 's3rver',
  description: 'the s3rver npm package on a loopback port, in a child process (a real third-party S3 server)',
  async open(options) {
    const directory = mkdtempSync(join(tmpdir(), 'objcheck-s3rver-'));
    const server = new S3rverProcess(directory);
    const port = await server.start(0);
    return openS3Target(
      {
        target: 's3rver',
        endpoint: `http://127.0.0.1:${port}`,
        region: 'us-east-1',
        bucket: 'objcheck',
        forcePathStyle: true,
        // s3rver's fixed key pair; it verifies SigV4 against it.
        credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
        extra: { storage: 'filesystem (temporary folder)' },
        onClose: async () => {
          await server.stop();
          rmSync(directory, { recursive: true, force: true });
        },
        down: server.down.signal,
        process: server,
      },
      options,
    );
  },
};

/** The child process, across kills and restarts. */
class S3rverProcess implements ProcessControl {
  readonly down = new AbortController();
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  private port = 0;
  /** Exits we caused (stop, the kill fault) are not the store going down. */
  private expectingExit = false;

  constructor(private readonly directory: string) {}

  async start(port: number): Promise<number> {
    const child = spawn(process.execPath, [CHILD, this.directory, String(port)], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child = child;
    this.expectingExit = false;
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr = (stderr + d).slice(-4000)));
    this.exited = new Promise((resolve) => {
      child.on('exit', (code, signal) => {
        if (!this.expectingExit) this.down.abort(new Error(`s3rver exited (${signal ?? `code ${code}`}): ${lastLine(stderr)}`));
        resolve();
      });
    });
    this.port = await new Promise<number>((resolve, reject) => {
      createInterface({ input: child.stdout! }).once('line', (l) => resolve((JSON.parse(l) as { port: number }).port));
      child.once('exit', () => reject(new Error(`s3rver did not start: ${lastLine(stderr)}`)));
    });
    return this.port;
  }

  async kill(): Promise<void> {
    this.expectingExit = true;
    this.child?.kill('SIGKILL');
    await this.exited;
  }

  async restart(): Promise<void> {
    await this.start(this.port);
  }

  pause(): void {
    this.child?.kill('SIGSTOP');
  }

  resume(): void {
    this.child?.kill('SIGCONT');
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    this.expectingExit = true;
    child.kill('SIGCONT');
    child.kill('SIGTERM');
    await this.exited;
  }
}

/** The error line of a crashed child's stderr, or its last line. */
function lastLine(text: string): string {
  const lines = text.trim().split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('at '));
  return lines.find((l) => /^[A-Za-z]*Error\b/.test(l)) ?? lines.at(-1) ?? 'no message';
}
