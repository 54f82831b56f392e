// The I/O edge: reading a run folder and the libraries the page inlines.

import { readFile, rename, writeFile } from 'node:fs/promises';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import type { Results } from '../check/run-checkers.js';
import { UserError } from '../util/errors.js';
import { heapShortfall, type HeapNeed } from '../history/hold.js';
import { readHistory } from '../history/read.js';
import { toolInfo } from '../util/tool-info.js';
import type { Libraries, Renderer, RunData, RunInfo } from './types.js';

async function readJson<T>(file: string): Promise<T> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new UserError(`${file}: cannot read: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  try {
    return JSON.parse(text) as T;
  } catch (err) {
    throw new UserError(`${file}: not valid JSON (${(err as Error).message})`);
  }
}

/** Reads results.json and (if present) run.json of a run folder: what the index and JUnit need. */
export async function loadResults(runDir: string): Promise<Omit<RunData, 'history'>> {
  const resultsFile = join(runDir, 'results.json');
  if (!existsSync(join(runDir, 'history.jsonl'))) throw new UserError(`${runDir}: no history.jsonl: not a run folder`);
  if (!existsSync(resultsFile)) throw new UserError(`${runDir}: no results.json (the run never got to its check); run \`objcheck check ${runDir}\` first`);
  const results = await readJson<Results>(resultsFile);
  if (typeof results !== 'object' || results === null || typeof results.checkers !== 'object' || typeof results.stats !== 'object') {
    throw new UserError(`${resultsFile}: not an objcheck results file (docs/results-format.md)`);
  }
  const runFile = join(runDir, 'run.json');
  const run = existsSync(runFile) ? await readJson<RunInfo>(runFile) : null;
  return { name: run?.name ?? basename(runDir), run, results };
}

/**
 * What drawing a report takes of V8's heap limit (which counts the young generation, ~220 MB
 * here, in the fixed part): the 1M-op register history of bench/check (192 MB) is drawn with
 * --max-old-space-size=550 (a 778 MB limit), with 450 (673 MB) only at times, and dies out of
 * memory with 350 (570 MB); a 30 MB one is drawn with 100 (306 MB) and dies with 64 (268 MB).
 * Rounded up: near its limit V8 collects garbage over and over.
 */
const DRAW: HeapNeed = { perByte: 2.5, fixed: 240e6, doing: 'drawn' };

/** Reads history.jsonl, results.json and (if present) run.json of a run folder; a history too big for the heap is refused, not read into a crash. */
export async function loadRun(runDir: string): Promise<RunData> {
  const base = await loadResults(runDir);
  const history = join(runDir, 'history.jsonl');
  const tooBig = heapShortfall(history, DRAW);
  if (tooBig) throw new UserError(`${runDir}: no report drawn: the history ${tooBig}; results.json has the verdicts`);
  return { ...base, history: await readHistory(history) };
}

/**
 * The packages' `exports` hide build/*.min.js, so resolve each package's entry and walk up to
 * the folder whose package.json names it.
 */
export function packageDir(name: string): string {
  const require = createRequire(import.meta.url);
  let dir = dirname(require.resolve(name));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === name) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error(`cannot find the folder of the package ${name}`);
    dir = up;
  }
}

let cached: Promise<Libraries> | undefined;

export function loadLibraries(): Promise<Libraries> {
  cached ??= (async () => {
    const read = (pkg: string, file: string) => readFile(join(packageDir(pkg), 'build', file), 'utf8');
    const [vega, vegaEmbed] = await Promise.all([read('vega', 'vega.min.js'), read('vega-embed', 'vega-embed.min.js')]);
    return { vega, vegaEmbed };
  })();
  return cached;
}

/** This tool's version and commit: a re-rendered old run says which version drew it. */
export function currentRenderer(): Renderer {
  const t = toolInfo();
  return { version: t.version, commit: t.git ? `${t.git.commit}${t.git.dirty ? ' (with uncommitted changes)' : ''}` : null };
}

/** Writes through a temporary file and a rename, so a reader never sees half a page. */
export async function writeAtomic(file: string, text: string): Promise<void> {
  const tmp = `${file}.tmp-${process.pid}`;
  await writeFile(tmp, text);
  await rename(tmp, file);
}
