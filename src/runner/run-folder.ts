import { existsSync, mkdirSync, renameSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { UserError } from '../util/errors.js';

export interface RunFolder {
  dir: string;
  history: string;
  runJson: string;
  resultsJson: string;
}

/** `register-memory-20261125T153512123Z`: sorts by time, unique to the millisecond. */
export function defaultRunName(workload: string, target: string, start: Date): string {
  const stamp = start.toISOString().replace(/[-:]/g, '').replace('.', '');
  return `${workload}-${target}-${stamp}`;
}

/**
 * The run folder's paths, checked but not yet made: the folder is made only once the target is
 * open (makeRunFolder), so a run that fails at setup leaves nothing that looks like a run.
 */
export function planRunFolder(resultsDir: string, name: string): RunFolder {
  if (!/^[A-Za-z0-9._-]+$/.test(name) || name === '.' || name === '..' || name === 'latest') {
    throw new UserError(`--name ${JSON.stringify(name)}: use letters, digits, ".", "_" and "-" only (and not "latest")`);
  }
  const dir = join(resultsDir, name);
  if (existsSync(dir)) throw new UserError(`${dir} already exists; choose another --name`);
  return { dir, history: join(dir, 'history.jsonl'), runJson: join(dir, 'run.json'), resultsJson: join(dir, 'results.json') };
}

export function makeRunFolder(folder: RunFolder): void {
  try {
    mkdirSync(folder.dir, { recursive: true });
  } catch (err) {
    throw new UserError(`cannot create ${folder.dir}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
}

/**
 * Removes a planned folder that a failed setup got to start (the emulator's ground-truth log
 * opens with the target). planRunFolder saw it absent, so all in it is this run's.
 */
export function discardRunFolder(folder: RunFolder): void {
  try {
    rmSync(folder.dir, { recursive: true, force: true });
  } catch {
    // Never in place of the error that failed the setup (a results folder we may not even
    // look into says EACCES here): what could not be made needs no removing.
  }
}

/** Writes JSON through a temporary file and a rename, so a reader never sees half a file. */
export function writeJsonAtomic(file: string, value: unknown): void {
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, JSON.stringify(value, null, 2) + '\n');
  renameSync(tmp, file);
}

/** Points `<results>/latest` at the run folder (a relative symlink, replaced atomically). */
export function markLatest(resultsDir: string, runDir: string): void {
  const link = join(resultsDir, 'latest');
  const tmp = join(resultsDir, `.latest-${process.pid}`);
  try {
    if (existsSync(tmp)) unlinkSync(tmp);
    symlinkSync(basename(runDir), tmp);
    renameSync(tmp, link);
  } catch {
    // A filesystem without symlinks still gets its run folder; only the shortcut is missing.
  }
}
