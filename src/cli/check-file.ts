import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Checker } from '../../checkers/checker.js';
import { detectFormat, importHistory, type ImportFormat } from '../../checkers/linearizable/import/index.js';
import { loadModel, loadModels } from '../../checkers/linearizable/registry.js';
import type { Workload } from '../../workloads/workload.js';
import { UserError } from '../util/errors.js';
import type { History } from '../history/event.js';
import { readGroundTruth } from '../history/ground-truth.js';
import { readHistory } from '../history/read.js';
import type { CheckProgress } from './check-progress.js';
import { writeJsonAtomic } from '../runner/run-folder.js';
import { linearizableChecker } from '../check/linearizable-checker.js';
import { applyBaseline, type Baseline } from '../check/baseline.js';
import { runCheckers, type Results } from '../check/run-checkers.js';
import { modelFitError, unknownOpError } from '../check/unknown-ops.js';

export interface FileCheckSettings {
  /** Checker names; default: the run's workload's checkers, or all of them for a bare history. */
  checkers?: string[];
  /** The file format; default: detected from each file. */
  format?: ImportFormat;
  /** The linearizability checker's model; default from the format (register for our own histories). */
  model?: string;
  checkTimeout?: number;
  /** For a run folder: also (re)write its report.html. */
  report?: boolean;
  /** Known deviations (--baseline), read once by the caller: anomalies they list are marked known. */
  baseline?: Baseline;
}

/**
 * One file's outcome: its results (and for a run folder, the files written), or the one-line
 * reason it could not be read; warnings are one line each. Serialisable.
 */
export type FileVerdict = { file: string; results: Results; warnings: string[]; wrote: string[] } | { file: string; error: string };

interface Source {
  history: string;
  /** The run folder, when `file` is one: results.json goes there. */
  folder?: string;
  /** What the run folder says of the run, when there is one. */
  run?: { workload?: string; complete?: boolean; config?: { mix?: string }; target?: { name?: string } };
}

/** Models that histories of other tools were recorded against. */
const MODEL_OF_FORMAT: Record<ImportFormat, string | undefined> = { jsonl: undefined, 'etcd-log': 'cas-register', 'kv-edn': 'kv', 'jepsen-edn': 'cas-register' };

/** Reads one run folder or history file and runs the checkers that apply to it. */
export async function checkFile(file: string, settings: FileCheckSettings, progress?: CheckProgress): Promise<FileVerdict> {
  let source: Source;
  let format: ImportFormat;
  let history;
  try {
    source = locate(file);
    format = settings.format ?? detectFormat(source.history);
    history = format === 'jsonl' && progress ? await readHistory(source.history, (n) => (progress.bytesRead += n)) : await importHistory(source.history, format);
  } catch (err) {
    if (err instanceof UserError) return { file, error: err.message };
    throw err;
  }
  let model = settings.model ?? MODEL_OF_FORMAT[format];
  // Another tool's history: only linearizability applies (and only its checker is loaded).
  const foreign = format !== 'jsonl';
  let checkers: Checker[];
  if (foreign && settings.checkers === undefined) {
    if (model !== undefined) {
      const chosen = await loadModel(model);
      // Every model is loaded only to name the ones that take an op the chosen one has no rule for.
      const misfit = history.ops.some((o) => chosen.kind(o) === undefined) ? modelFitError(source.history, history, chosen, await loadModels()) : undefined;
      if (misfit) return { file, error: misfit };
    }
    checkers = [linearizableChecker({ model, checkTimeoutS: settings.checkTimeout })];
  } else {
    const [registry, { checkerNamesFor, selectCheckers }] = await Promise.all([import('../../workloads/registry.js'), import('../check/select-checkers.js')]);
    let runWorkload: Workload | undefined;
    try {
      runWorkload = source.run?.workload === undefined ? undefined : runWorkloadOf(registry, source.run.workload, source.run.config?.mix);
    } catch (err) {
      if (err instanceof UserError) return { file, error: err.message };
      throw err;
    }
    model ??= runWorkload?.model;
    if (!foreign) {
      const unknown = unknownOpError(source.history, history, runWorkload ? [runWorkload] : [...registry.workloads.values()], settings.model === undefined ? undefined : await loadModel(settings.model));
      if (unknown) return { file, error: unknown };
    }
    // A bare history in our format is most likely the register workload's.
    const workload = runWorkload ?? registry.workloads.get('register');
    const names = settings.checkers ?? (foreign ? ['linearizable'] : checkerNamesFor(workload, history));
    checkers = selectCheckers(names, { model, checkTimeoutS: settings.checkTimeout });
  }
  const complete = isComplete(history, source.run, foreign);
  // A run with the emulator's ground truth beside its history: measuring checkers take t there.
  const truthFile = join(source.history, '..', 'ground-truth.jsonl');
  let groundTruth;
  try {
    groundTruth = !foreign && source.run !== undefined && existsSync(truthFile) ? readGroundTruth(truthFile) : undefined;
  } catch (err) {
    if (err instanceof UserError) return { file, error: err.message };
    throw err;
  }
  const checked = await runCheckers(history, checkers, complete, groundTruth ? { groundTruth } : undefined);
  const results = settings.baseline ? applyBaseline(checked, settings.baseline, source.run?.target?.name) : checked;
  const warnings = history.droppedTail === undefined ? [] : [history.droppedTail];
  if (!source.run && !complete && history.droppedTail === undefined) {
    warnings.push(`${source.history}: ${openOps(history)} op(s) never completed and nothing says the run ended normally (no run.json, no end marker): the history is incomplete`);
  }
  const wrote = source.folder === undefined ? [] : await writeRunFiles(source.folder, results, settings.report === true, warnings);
  return { file, results, warnings, wrote };
}

const openOps = (history: History): number => history.ops.reduce((n, o) => n + (o.type === 'open' ? 1 : 0), 0);

/**
 * Whether the history is all there. run.json says so when there is one; otherwise the end
 * marker does, which a run writes last and only when it ended normally. Histories of other
 * tools and of versions before the marker carry none: there only an op left open (invoked,
 * never completed) shows the run was cut short. A line torn mid-write always does.
 */
function isComplete(history: History, run: Source['run'], foreign: boolean): boolean {
  if (history.droppedTail !== undefined) return false;
  if (run?.complete !== undefined) return run.complete;
  if (history.ended || foreign) return true;
  return openOps(history) === 0;
}

/**
 * results.json of a run folder (what `objcheck report` and the index read), keeping the figures
 * only the run itself could measure (bytes moved); report.html too when asked.
 */
async function writeRunFiles(folder: string, results: Results, report: boolean, warnings: string[]): Promise<string[]> {
  const resultsJson = join(folder, 'results.json');
  try {
    const before = JSON.parse(readFileSync(resultsJson, 'utf8')) as Partial<Results>;
    if (before.stats?.bytes) results.stats.bytes = before.stats.bytes;
  } catch {
    // No results yet (a killed run), or unreadable ones: these replace them.
  }
  writeJsonAtomic(resultsJson, results);
  if (!report) return [resultsJson];
  const { writeReport } = await import('../report/index.js');
  try {
    return [resultsJson, await writeReport(folder)];
  } catch (err) {
    // As at the end of a run: a report that cannot be drawn does not cost the check its verdict.
    warnings.push(`could not write the report of ${folder}: ${(err as Error).message}`);
    return [resultsJson];
  }
}

/** A run folder (history.jsonl and run.json inside) or a history file, with run.json beside it if any. */
function locate(path: string): Source {
  if (!existsSync(path)) throw new UserError(`${path}: no such file or folder`);
  const folder = statSync(path).isDirectory() ? path : undefined;
  const history = folder === undefined ? path : join(folder, 'history.jsonl');
  if (!existsSync(history)) throw new UserError(`${path}: a run folder must hold history.jsonl`);
  const runJson = join(history, '..', 'run.json');
  if (!existsSync(runJson)) return { history, ...(folder === undefined ? {} : { folder }) };
  try {
    return { history, ...(folder === undefined ? {} : { folder }), run: JSON.parse(readFileSync(runJson, 'utf8')) as Source['run'] };
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
