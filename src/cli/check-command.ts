import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { checkers as registry } from '../../checkers/registry.js';
import { workloads } from '../../workloads/registry.js';
import { runCheckers } from '../check/run-checkers.js';
import { readHistory } from '../history/read.js';
import { EXIT, UserError, exitCodeFor, worstExit } from './errors.js';
import { formatSummary } from './summary.js';

export interface CheckConfig {
  files: string[];
  json: boolean;
  /** Checker names; default: the run's workload's checkers, or all of them for a bare history. */
  checkers?: string[];
}

interface Source {
  history: string;
  /** What the run folder says of the run, when there is one. */
  run?: { workload?: string; complete?: boolean };
}

/** `objcheck check`: re-runs the checkers on stored histories. Returns the worst exit code. */
export async function checkCommand(config: CheckConfig): Promise<number> {
  const codes: number[] = [];
  for (const file of config.files) {
    let source: Source;
    let history;
    try {
      source = locate(file);
      history = await readHistory(source.history);
    } catch (err) {
      // One bad file does not hide the verdicts of the others; it still makes the exit code 3.
      if (!(err instanceof UserError)) throw err;
      process.stderr.write(`error: ${err.message}\n`);
      if (config.json) process.stdout.write(JSON.stringify({ file, valid: 'unknown', error: err.message }) + '\n');
      codes.push(EXIT.usage);
      continue;
    }
    const names = config.checkers ?? workloads.get(source.run?.workload ?? '')?.checkers ?? [...registry.keys()];
    const results = await runCheckers(history, names, source.run?.complete ?? true);
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
