import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { ProcessControl } from './target.js';

export interface ServerProcessSpec {
  /** What the process is, for error messages ("s3rver", "the emulator"). */
  name: string;
  /** The node script and its arguments for a start on `port` (0 first, then the port it got). */
  args(port: number): string[];
  /** The port, from the first line the server prints on stdout once it listens. */
  parsePort(line: string): number;
}

/**
 * A server in a child process of ours, across the kill and pause faults: SIGKILL, a restart on
 * the same port (so clients and proxies keep their endpoint), SIGSTOP/SIGCONT. Its stdin is a
 * pipe the server watches, so that it does not outlive us.
 */
export class ServerProcess implements ProcessControl {
  /** Aborted when the server exits without our asking: the store is gone. */
  readonly down = new AbortController();
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  private port = 0;
  /** Exits we caused (stop, the kill fault) are not the store going down. */
  private expectingExit = false;

  constructor(private readonly spec: ServerProcessSpec) {}

  async start(port: number): Promise<number> {
    const { name } = this.spec;
    const child = spawn(process.execPath, this.spec.args(port), { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child = child;
    this.expectingExit = false;
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr = (stderr + d).slice(-4000)));
    this.exited = new Promise((resolve) => {
      child.on('exit', (code, signal) => {
        if (!this.expectingExit) this.down.abort(new Error(`${name} exited (${signal ?? `code ${code}`}): ${lastLine(stderr)}`));
        resolve();
      });
    });
    this.port = await new Promise<number>((resolve, reject) => {
      createInterface({ input: child.stdout! }).once('line', (l) => {
        try {
          resolve(this.spec.parsePort(l));
        } catch (err) {
          reject(err as Error);
        }
      });
      child.once('exit', () => reject(new Error(`${name} did not start: ${lastLine(stderr)}`)));
    });
    // The rest of stdout must still be read, or a chatty server would block on a full pipe.
    child.stdout!.resume();
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
export function lastLine(text: string): string {
  const lines = text.trim().split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('at '));
  return lines.find((l) => /^[A-Za-z]*Error\b/.test(l)) ?? lines.at(-1) ?? 'no message';
}
