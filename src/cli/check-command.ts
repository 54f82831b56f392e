import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { detectFormat, importHistory, type ImportFormat } from '../../checkers/linearizable/import/index.js';
import { checkers as registry } from '../../checkers/registry.js';
import { workloads } from '../../workloads/registry.js';
import { runCheckers } from '../check/run-checkers.js';
import { selectCheckers } from '../check/select-checkers.js';
import type { History } from '../history/event.js';
import { EXIT, UserError, exitCodeFor, worstExit } from './errors.js';
import { formatSummary } from './summary.js';

export interface CheckConfig {
  files: string[];
  json: boolean;
  /** Checker names; default: the run's workload's checkers, or all of them for a bare history. */
  checkers?: string[];
  /** The file format; default: detected from each file. */
  format?: ImportFormat;
  /** The linearizability checker's model; default from the format (register for our own histories). */
  model?: string;
  checkTimeout?: number;
}

interface Source {
  history: string;
  /** What the run folder says of the run, when there is one. */
  run?: { workload?: string; complete?: boolean };
}

/** Models that histories of other tools were recorded against. */
const MODEL_OF_FORMAT: Record<ImportFormat, string | undefined> = { jsonl: undefined, 'etcd-log': 'cas-register', 'kv-edn': 'kv', 'jepsen-edn': 'cas-register' };

/** `objcheck check`: re-runs the checkers on stored histories. Returns the worst exit code. */
export async function checkCommand(config: CheckConfig): Promise<number> {
  const codes: number[] = [];
  for (const file of config.files) {
    let source: Source;
    let history: History;
    let format: ImportFormat;
    try {
      source = locate(file);
      format = config.format ?? detectFormat(source.history);
      history = await importHistory(source.history, format);
    } catch (err) {
      // One bad file does not hide the verdicts of the others; it still makes the exit code 3.
      if (!(err instanceof UserError)) throw err;
      process.stderr.write(`error: ${err.message}\n`);
      if (config.json) process.stdout.write(JSON.stringify({ file, valid: 'unknown', error: err.message }) + '\n');
      codes.push(EXIT.usage);
      continue;
    }
    const model = config.model ?? MODEL_OF_FORMAT[format];
    // Another tool's history, or a model other than ours: only linearizability applies.
    const foreign = model !== undefined && model !== 'register';
    const names = config.checkers ?? (foreign ? ['linearizable'] : (workloads.get(source.run?.workload ?? '')?.checkers ?? [...registry.keys()]));
    const results = await runCheckers(history, selectCheckers(names, { model, checkTimeoutS: config.checkTimeout }), source.run?.complete ?? true);
    codes.push(exitCodeFor(results.valid));
    if (config.json) {
      process.stdout.write(JSON.stringify({ file, ...results }) + '\n');
    } else {
      process.stdout.write(`== ${file}\n${formatSummary(results)}\n`);
    }
  }
  return worstExit(codes);
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
