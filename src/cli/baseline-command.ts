import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { baselineFrom } from '../check/baseline.js';
import type { Results } from '../check/run-checkers.js';
import { EXIT, UserError } from '../util/errors.js';

/** `objcheck baseline <run>`: a baseline (YAML) that knows every anomaly of the run, on its target. */
export function baselineCommand(run: string, out: string | undefined): number {
  const resultsFile = join(run, 'results.json');
  if (!existsSync(resultsFile)) throw new UserError(`${run}: not a checked run folder (no results.json; run objcheck check ${run} first)`);
  const results = readJson(resultsFile) as Results;
  const runJson = join(run, 'run.json');
  const target = existsSync(runJson) ? (readJson(runJson) as { target?: { name?: string } }).target?.name : undefined;
  const baseline = baselineFrom(results, target);
  const text = `# objcheck baseline: the anomalies of ${run}, known from now on (edit "why" to say why)\n${stringify(baseline)}`;
  if (out === undefined) process.stdout.write(text);
  else {
    writeFileSync(out, text);
    process.stderr.write(`wrote ${baseline.known.length} known deviation${baseline.known.length === 1 ? '' : 's'} to ${out}\n`);
  }
  return EXIT.valid;
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new UserError(`${file}: not valid JSON (${(err as Error).message})`);
  }
}
