// What the `objcheck report` command and the end of `objcheck workload` call; the yargs wiring
// stays in src/cli. Errors the user can fix are UserErrors (exit 3, one line).

import { resolve } from 'node:path';
import { UserError } from '../util/errors.js';
import { writeIndex, writeReport, type WriteOptions } from './index.js';
import { loadResults, writeAtomic } from './load.js';
import { toJUnit } from './junit.js';

export interface ReportCommandOptions extends WriteOptions {
  /** Run folders to (re)render. */
  runs: string[];
  /** Also write JUnit XML for those runs here. */
  junit?: string;
  /** Also (re)write the index of this results folder. */
  index?: string;
  /** Where progress lines go (default stdout). */
  print?: (line: string) => void;
}

/** `objcheck report <run folder…> [--junit FILE]`, `objcheck report --index <results dir>`. Returns the exit code: 0 once everything is written. */
export async function reportCommand(options: ReportCommandOptions): Promise<number> {
  const print = options.print ?? ((line: string) => process.stdout.write(`${line}\n`));
  if (options.runs.length === 0 && options.index === undefined) throw new UserError('name at least one run folder, or --index <results folder>');
  if (options.junit !== undefined && options.runs.length === 0) throw new UserError('--junit needs at least one run folder');
  for (const dir of options.runs) print(`report: ${await writeReport(resolve(dir), options)}`);
  if (options.junit !== undefined) {
    const runs = await Promise.all(options.runs.map((d) => loadResults(resolve(d))));
    await writeAtomic(resolve(options.junit), toJUnit(runs));
    print(`junit: ${resolve(options.junit)}`);
  }
  if (options.index !== undefined) print(`index: ${await writeIndex(resolve(options.index), options)}`);
  return 0;
}

/**
 * For the end of `objcheck workload`: the run's report and the results folder's index. A report
 * that cannot be drawn must not cost the run its verdict, so failures come back as a warning.
 */
export async function reportAfterRun(runDir: string, resultsDir: string, options: WriteOptions = {}): Promise<{ report?: string; index?: string; warning?: string }> {
  try {
    const report = await writeReport(runDir, options);
    const index = await writeIndex(resultsDir, options);
    return { report, index };
  } catch (err) {
    return { warning: `could not write the report: ${(err as Error).message}` };
  }
}
