// The report's public face: write a run's report.html, the results folder's index.html, and
// render either without I/O.

import { existsSync, readdirSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Results } from '../check/run-checkers.js';
import { targetWords } from './header.js';
import { renderIndex, type IndexEntry } from './index-page.js';
import { currentRenderer, loadLibraries, loadRun, writeAtomic } from './load.js';
import { renderReport } from './render.js';
import type { Renderer, RunInfo } from './types.js';

export { renderReport, DEFAULT_MAX_MARKS } from './render.js';
export { renderIndex, type IndexEntry } from './index-page.js';
export { toJUnit, type JUnitRun } from './junit.js';
export { loadLibraries, loadRun } from './load.js';
export type { Libraries, Renderer, ReportInput, RunData, RunInfo } from './types.js';

export interface WriteOptions {
  /** Who renders (default: this tool's version and git commit). */
  renderer?: Renderer;
  maxMarks?: number;
}

/** Renders `<runDir>/report.html` from the folder's history.jsonl, results.json and run.json; returns its path. */
export async function writeReport(runDir: string, options: WriteOptions = {}): Promise<string> {
  const [data, libraries] = await Promise.all([loadRun(runDir), loadLibraries()]);
  const html = renderReport({ data, libraries, renderer: options.renderer ?? currentRenderer(), ...(options.maxMarks ? { maxMarks: options.maxMarks } : {}) });
  const file = join(runDir, 'report.html');
  await writeAtomic(file, html);
  return file;
}

/** The index's view of one run folder, from run.json and results.json only (no history: it must stay fast). */
async function indexEntry(resultsDir: string, name: string): Promise<IndexEntry | null> {
  const dir = join(resultsDir, name);
  if (!existsSync(join(dir, 'history.jsonl'))) return null;
  let results: Results | null = null;
  let run: RunInfo | null = null;
  try {
    if (existsSync(join(dir, 'results.json'))) results = JSON.parse(await readFile(join(dir, 'results.json'), 'utf8')) as Results;
    if (existsSync(join(dir, 'run.json'))) run = JSON.parse(await readFile(join(dir, 'run.json'), 'utf8')) as RunInfo;
  } catch {
    return null; // a half-written or foreign folder: not a run this index can describe
  }
  // A run killed before its check still belongs in the list, as what it is.
  if (results === null) return uncheckedEntry(name, run);
  const anomalies = Object.values(results.checkers ?? {}).reduce((n, r) => n + (r.anomalies?.length ?? 0) + (typeof r.anomaliesOmitted === 'number' ? r.anomaliesOmitted : 0), 0);
  const age = results.checkers?.['stale-reads']?.ageMs as { p99?: number | null } | undefined;
  const hasReport = existsSync(join(dir, 'report.html'));
  return {
    name,
    start: run?.start ?? null,
    valid: results.valid,
    complete: results.complete,
    workload: run?.workload ?? 'unknown',
    target: run?.target ? targetWords({ name: run.target.name }) : 'unknown',
    ops: results.stats?.total ?? 0,
    durationS: results.stats?.durationS ?? 0,
    anomalies,
    staleP99: typeof age?.p99 === 'number' ? age.p99 : null,
    href: `${encodeURIComponent(name)}/${hasReport ? 'report.html' : 'results.json'}`,
    hasReport,
    checked: true,
  };
}

/** A run folder with a history but no results.json: a run that never got to its check. */
function uncheckedEntry(name: string, run: RunInfo | null): IndexEntry {
  return {
    name,
    start: run?.start ?? null,
    valid: 'unknown',
    complete: run?.complete === true,
    workload: run?.workload ?? 'unknown',
    target: run?.target ? targetWords({ name: run.target.name }) : 'unknown',
    ops: 0,
    durationS: 0,
    anomalies: 0,
    staleP99: null,
    href: `${encodeURIComponent(name)}/history.jsonl`,
    hasReport: false,
    checked: false,
  };
}

/** Writes `<resultsDir>/index.html` listing every run folder in it; returns its path. */
export async function writeIndex(resultsDir: string, options: Pick<WriteOptions, 'renderer'> = {}): Promise<string> {
  const names = readdirSync(resultsDir).filter((n) => !n.startsWith('.') && n !== 'latest' && statSync(join(resultsDir, n)).isDirectory());
  const entries = (await Promise.all(names.map((n) => indexEntry(resultsDir, n)))).filter((e): e is IndexEntry => e !== null);
  const file = join(resultsDir, 'index.html');
  await writeAtomic(file, renderIndex(entries, await loadLibraries(), options.renderer ?? currentRenderer()));
  return file;
}
