import { spawn } from 'node:child_process';
import { ChildControl } from '../child-control.js';

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
export class Daemon extends ChildControl {
  constructor(
    readonly spec: DaemonSpec,
    private readonly watcher: PidWatcher,
  ) {
    super(spec.name);
  }

  async start(): Promise<void> {
    const { name, command, args } = this.spec;
    const child = spawn(command, [...args, '-f'], { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
    const pid = child.pid;
    if (pid) this.watcher.started(pid);
    const exited = this.adopt(child, () => pid && this.watcher.exited(pid));
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', (err) => reject(new Error(`cannot start ${name}: ${err.message}`)));
    });
    if (this.spec.ready) {
      const died = exited.then(() => {
        throw new Error(`${name} exited while starting: ${this.lastWords()}`);
      });
      await Promise.race([this.spec.ready(this), died]);
    }
  }

  async restart(): Promise<void> {
    await this.start();
  }
}
