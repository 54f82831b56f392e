import type { ChildProcess } from 'node:child_process';
import type { ProcessControl } from './target.js';

/**
 * A server or daemon running as our child, across the process faults: SIGKILL, SIGSTOP/SIGCONT,
 * and `down`, aborted when it exits without our asking (the store is gone). Subclasses spawn it
 * and say how it comes back (`restart`).
 */
export abstract class ChildControl implements ProcessControl {
  readonly down = new AbortController();
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  /** Exits we caused (stop, the kill fault) are not the store going down. */
  private expectingExit = false;
  private stderr = '';

  constructor(readonly name: string) {}

  abstract restart(): Promise<void>;

  /** Follows a child just spawned: the end of its stderr, and its exit. Resolves when it exits. */
  protected adopt(child: ChildProcess, onExit?: () => void): Promise<void> {
    this.child = child;
    this.expectingExit = false;
    this.stderr = '';
    child.stderr?.on('data', (d) => (this.stderr = (this.stderr + d).slice(-4000)));
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        onExit?.();
        if (!this.expectingExit) this.down.abort(new Error(`${this.name} exited (${signal ?? `code ${code}`}): ${this.lastWords()}`));
        resolve();
      });
    });
    return this.exited;
  }

  /** The error line of its stderr, or the last line. */
  protected lastWords(): string {
    return lastLine(this.stderr);
  }

  async kill(): Promise<void> {
    this.expectingExit = true;
    this.child?.kill('SIGKILL');
    await this.exited;
  }

  pause(): void {
    this.child?.kill('SIGSTOP');
  }

  resume(): void {
    this.child?.kill('SIGCONT');
  }

  /** Asks it to end (SIGTERM; a paused one is resumed first) and waits. */
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
