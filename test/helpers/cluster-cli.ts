import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

// objcheck run as a user runs it, for the tests of clusters it starts (Ceph): in a child process
// with a TMPDIR of its own, so that whatever its cluster leaves behind can be found.

const cli = resolve(import.meta.dirname, '../../dist/src/cli/main.js');

export interface CliRun {
  code: number | null;
  pid: number;
  stdout: string;
  stderr: string;
  /** The run folder (workload). */
  dir: string;
  /** The TMPDIR the command had: where its cluster lived. */
  tmp: string;
}

/** A workload gets its run folder in the TMPDIR, named "run", seed 7. `during` may act on the child while it runs. */
export function objcheck(args: string[], env: Record<string, string> = {}, during?: (child: ReturnType<typeof spawn>, stderr: () => string) => void): Promise<CliRun> {
  const tmp = mkdtempSync(join(tmpdir(), 'objcheck-cluster-test-'));
  const results = join(tmp, 'results');
  const full = args[0] === 'workload' ? [...args, '--results', results, '--name', 'run', '--seed', '7'] : args;
  return new Promise((done) => {
    const child = spawn(process.execPath, [cli, ...full], { env: { ...process.env, AWS_CA_BUNDLE: '', TMPDIR: tmp, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => done({ code, pid: child.pid!, stdout, stderr, dir: join(results, 'run'), tmp }));
    during?.(child, () => stderr);
  });
}

/** Live processes (not zombies of a reaped parent) whose command line names the folder. */
export function processesUsing(folder: string): string[] {
  const ps = spawnSync('ps', ['-eo', 'stat=,args='], { encoding: 'utf8' }).stdout;
  return ps.split('\n').filter((l) => l.includes(folder) && !l.trim().startsWith('Z') && !l.includes('ps -eo'));
}

/** Waits (bounded) until `check` holds, polling. */
export async function eventually(check: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
}
