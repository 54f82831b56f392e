import { spawn, type ChildProcess } from 'node:child_process';
import type { ProcessControl } from '../target.js';

/** Whoever must kill our daemons if we die first (see reaper.ts). */
export interface PidWatcher {
  started(pid: number): void;
  exited(pid: number): void;
}

export interface DaemonSpec {
  /** "osd.0", "radosgw": for messages. */
  name: string;
  command: string;
  args: string[];
  /** Resolves when a (re)started daemon serves; rejects with why not. */
  ready?: (daemon: Daemon) => Promise<void>;
}

/**
 * One Ceph daemon, run in the foreground (`-f`) as our child so that its PID is the daemon's
 * and it can be killed, paused and reaped; in its own process group, so that a Ctrl-C meant for
 * objcheck does not take the cluster down under a run that is still recording.
 */
export class Daemon implements ProcessControl {
  /** Aborted when the daemon exits without our asking. */
  readonly down = new AbortController();
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  private expectingExit = false;
  private stderr = '';

  constructor(
    readonly spec: DaemonSpec,
    private readonly watcher: PidWatcher,
  ) {}

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  async start(): Promise<void> {
    const { name, command, args } = this.spec;
    const child = spawn(command, [...args, '-f'], { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
    this.child = child;
    this.expectingExit = false;
    child.stderr!.on('data', (d) => (this.stderr = (this.stderr + d).slice(-4000)));
    const pid = child.pid;
    if (pid) this.watcher.started(pid);
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        if (pid) this.watcher.exited(pid);
        if (!this.expectingExit) this.down.abort(new Error(`${name} exited (${signal ?? `code ${code}`})${this.lastWords()}`));
        resolve();
      });
    });
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', (err) => reject(new Error(`cannot start ${name}: ${err.message}`)));
    });
    if (this.spec.ready) {
      const died = this.exited.then(() => {
        throw new Error(`${name} exited while starting${this.lastWords()}`);
      });
      await Promise.race([this.spec.ready(this), died]);
    }
  }

  private lastWords(): string {
    const last = this.stderr.trim().split('\n').at(-1)?.trim();
    return last ? `: ${last}` : '';
  }

  async kill(): Promise<void> {
    this.expectingExit = true;
    this.child?.kill('SIGKILL');
    await this.exited;
  }

  async restart(): Promise<void> {
    await this.start();
  }

  pause(): void {
    this.child?.kill('SIGSTOP');
  }

  resume(): void {
    this.child?.kill('SIGCONT');
  }
}
