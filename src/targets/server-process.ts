import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { ChildControl } from './child-control.js';

export interface ServerProcessSpec {
  /** What the process is, for error messages ("s3rver", "the emulator"). */
  name: string;
  /** The node script and its arguments for a start on `port` (0 first, then the port it got). */
  args(port: number): string[];
  /** The port, from the first line the server prints on stdout once it listens. */
  parsePort(line: string): number;
}

/**
 * A node server in a child process of ours, restarted on the same port after the kill fault (so
 * clients and proxies keep their endpoint). Its stdin is a pipe the server watches, so that it
 * does not outlive us.
 */
export class ServerProcess extends ChildControl {
  private port = 0;

  constructor(private readonly spec: ServerProcessSpec) {
    super(spec.name);
  }

  async start(port: number): Promise<number> {
    const child = spawn(process.execPath, this.spec.args(port), { stdio: ['pipe', 'pipe', 'pipe'] });
    const exited = this.adopt(child);
    this.port = await new Promise<number>((resolve, reject) => {
      createInterface({ input: child.stdout! }).once('line', (l) => {
        try {
          resolve(this.spec.parsePort(l));
        } catch (err) {
          reject(err as Error);
        }
      });
      void exited.then(() => reject(new Error(`${this.name} did not start: ${this.lastWords()}`)));
    });
    // The rest of stdout must still be read, or a chatty server would block on a full pipe.
    child.stdout!.resume();
    return this.port;
  }

  async restart(): Promise<void> {
    await this.start(this.port);
  }
}
