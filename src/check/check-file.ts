import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Checker } from '../../checkers/checker.js';
import { detectFormat, importHistory, type ImportFormat } from '../../checkers/linearizable/import/index.js';
import type { Workload } from '../../workloads/workload.js';
import { UserError } from '../cli/errors.js';
import { linearizableChecker } from './linearizable-checker.js';
import { runCheckers, type Results } from './run-checkers.js';

export interface FileCheckSettings {
  /** Checker names; default: the run's workload's checkers, or all of them for a bare history. */
  checkers?: string[];
  /** The file format; default: detected from each file. */
  format?: ImportFormat;
  /** The linearizability checker's model; default from the format (register for our own histories). */
  model?: string;
  checkTimeout?: number;
}

/** One file's outcome: its results, or the one-line reason it could not be read. Serialisable. */
export type FileVerdict = { file: string; results: Results } | { file: string; error: string };

interface Source {
  history: string;
  /** What the run folder says of the run, when there is one. */
  run?: { workload?: string; complete?: boolean; config?: { mix?: string } };
}

/** Models that histories of other tools were recorded against. */
const MODEL_OF_FORMAT: Record<ImportFormat, string | undefined> = { jsonl: undefined, 'etcd-log': 'cas-register', 'kv-edn': 'kv', 'jepsen-edn': 'cas-register' };

/** Reads one run folder or history file and runs the checkers that apply to it. */
export async function checkFile(file: string, settings: FileCheckSettings): Promise<FileVerdict> {
  let source: Source;
  let format: ImportFormat;
  let history;
  try {
    source = locate(file);
    format = settings.format ?? detectFormat(source.history);
    history = await importHistory(source.history, format);
  } catch (err) {
    if (err instanceof UserError) return { file, error: err.message };
    throw err;
  }
  let model = settings.model ?? MODEL_OF_FORMAT[format];
  // Another tool's history: only linearizability applies (and only its checker is loaded).
  const foreign = format !== 'jsonl';
  let checkers: Checker[];
  if (foreign && settings.checkers === undefined) {
    checkers = [linearizableChecker({ model, checkTimeoutS: settings.checkTimeout })];
  } else {
    const [registry, { checkerNamesFor, selectCheckers }] = await Promise.all([import('../../workloads/registry.js'), import('./select-checkers.js')]);
    let runWorkload: Workload | undefined;
    try {
      runWorkload = source.run?.workload === undefined ? undefined : runWorkloadOf(registry, source.run.workload, source.run.config?.mix);
    } catch (err) {
      if (err instanceof UserError) return { file, error: err.message };
      throw err;
    }
    model ??= runWorkload?.model;
    // A bare history in our format is most likely the register workload's.
    const workload = runWorkload ?? registry.workloads.get('register');
    const names = settings.checkers ?? (foreign ? ['linearizable'] : checkerNamesFor(workload, history));
    checkers = selectCheckers(names, { model, checkTimeoutS: settings.checkTimeout });
  }
  const results = await runCheckers(history, checkers, source.run?.complete ?? true);
  return { file, results };
}

/** A run folder (history.jsonl and run.json inside) or a history file, with run.json beside it if any. */
function locate(path: string): Source {
  if (!existsSync(path)) throw new UserError(`${path}: no such file or folder`);
  const history = statSync(path).isDirectory() ? join(path, 'history.jsonl') : path;
  if (!existsSync(history)) throw new UserError(`${path}: a run folder must hold history.jsonl`);
  const runJson = join(history, '..', 'run.json');
  if (!existsSync(runJson)) return { history };
  try {
    return { history, run: JSON.parse(readFileSync(runJson, 'utf8')) as Source['run'] };
  } catch (err) {
    throw new UserError(`${runJson}: not valid JSON (${(err as Error).message})`);
  }
}

/** The workload of a run folder, its mix included; undefined for one this version does not know. */
function runWorkloadOf(registry: typeof import('../../workloads/registry.js'), name: string, mix: string | undefined): Workload | undefined {
  if (!registry.workloads.has(name)) return undefined;
  try {
    return registry.workloadFor(name, mix);
  } catch (err) {
    throw new UserError(`run.json: ${(err as Error).message}`);
  }
}
