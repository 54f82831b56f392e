import { checkFiles } from './check-files.js';
import type { FileCheckSettings } from './check-file.js';
import { EXIT, exitCodeOf, worstExit } from '../util/errors.js';
import { formatSummary } from './summary.js';

export interface CheckConfig extends FileCheckSettings {
  files: string[];
  json: boolean;
}

/** `objcheck check`: re-runs the checkers on stored histories. Returns the worst exit code. */
export async function checkCommand(config: CheckConfig): Promise<number> {
  const { files, json, ...settings } = config;
  const codes: number[] = [];
  await checkFiles(files, settings, (v) => {
    if ('error' in v) {
      // One bad file does not hide the verdicts of the others; it still makes the exit code 3.
      process.stderr.write(`error: ${v.error}\n`);
      if (json) process.stdout.write(JSON.stringify({ file: v.file, valid: 'unknown', error: v.error }) + '\n');
      codes.push(EXIT.usage);
      return;
    }
    for (const w of v.warnings) process.stderr.write(`warning: ${w}\n`);
    codes.push(exitCodeOf(v.results));
    process.stdout.write(json ? JSON.stringify({ file: v.file, ...v.results }) + '\n' : `== ${v.file}\n${formatSummary(v.results)}\n${v.wrote.map((f) => `wrote ${f}\n`).join('')}`);
  });
  return worstExit(codes);
}
