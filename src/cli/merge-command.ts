// `objcheck merge <shard folders…> --out DIR`: the shards of one test (objcheck workload
// --shard) as one run: one history on one timeline (src/history/merge.ts), the workload's
// checkers, anomalies held to the clock bound (src/check/clock-bound.ts), results.json,
// report.html. Exit codes as for a run: 0 valid, 1 anomalies, 2 unknown (a shard incomplete), 3
// a usage error (no clock bound where one is needed, shards of different tests).
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { applyClockBound, applyLostShardWrites } from '../check/clock-bound.js';
import { runCheckers } from '../check/run-checkers.js';
import { checkerNamesFor, selectCheckers } from '../check/select-checkers.js';
import { widening, type ClockRecord } from '../history/clock.js';
import { mergeHistories, type ShardHistory } from '../history/merge.js';
import { readHistory } from '../history/read.js';
import { writeJsonAtomic } from '../runner/run-folder.js';
import { toolInfo } from '../util/tool-info.js';
import { workloadFor } from '../../workloads/registry.js';
import { UserError, exitCodeOf } from '../util/errors.js';
import { formatSummary } from './summary.js';

export interface MergeConfig {
  /** Shard folders (<run>/shard-I), or a run folder holding them. */
  folders: string[];
  out: string;
  checkTimeout?: number;
  /**
   * --clock-error-ms: every shard's ε taken as this instead of what its run.json says (a what-if:
   * 0 shows what the merge would claim without the bound; less than the truth is unsound).
   */
  clockErrorMs?: number;
  /** An S3-compatible endpoint for s3:// folders (default: AWS). */
  uploadEndpoint?: string;
  /** s3://bucket/prefix: also put the merged run folder there, under <prefix>/<out's name>/. */
  upload?: string;
}

/** What run.json of a shard says that the merge needs. */
interface ShardRun {
  dir: string;
  name?: string;
  complete?: boolean;
  stopReason?: string | null;
  start?: string;
  end?: string | null;
  workload?: string;
  target?: Record<string, unknown>;
  config?: { mix?: string; [k: string]: unknown };
  clock?: ClockRecord;
  shard?: { index: number; count: number; keysMode: 'shared' | 'disjoint' };
}

/** A merged run's run.json `merge` field: what each shard was, and the bound its ops are held to. */
export interface MergeRecord {
  keysMode: 'shared' | 'disjoint';
  /** The largest ε of the shards, ms (null: some shard's is unknown, disjoint keys only). */
  epsilonMs: number | null;
  shards: { folder: string; index?: number; complete: boolean; events: number; epsilonMs: number | null; source: string; detail: string; offsetMs?: number }[];
  /** Two shards used the same process numbers, so all were renumbered (p × shards + i). */
  renumbered: boolean;
  /** Ops that, widened, began before their process's last op ended: they went on under a new process number. */
  splitOps: number;
}

export async function mergeCommand(config: MergeConfig): Promise<number> {
  // A bad --upload is a usage error before any work, not after it.
  if (config.upload !== undefined) (await import('../runner/s3-folder.js')).parseS3Uri(config.upload, '--upload');
  const dirs = shardFolders(await localFolders(config.folders, config.uploadEndpoint));
  if (dirs.length === 0) throw new UserError('objcheck merge needs at least one shard folder (<run>/shard-I, written by objcheck workload --shard)');
  const runs = dirs.map(readShardRun);
  if (config.clockErrorMs !== undefined) {
    for (const r of runs) if (r.clock) r.clock = { ...r.clock, epsilonMs: config.clockErrorMs, source: 'flag', detail: `objcheck merge --clock-error-ms ${config.clockErrorMs} (the shard said: ${r.clock.epsilonMs === null ? 'unknown' : `${r.clock.epsilonMs} ms`}, ${r.clock.detail})` };
  }
  const first = runs[0]!;
  const workloadName = first.workload;
  for (const r of runs) {
    if (r.workload !== workloadName || r.config?.mix !== first.config?.mix) throw new UserError(`${r.dir}: workload ${r.workload} is not the ${workloadName} of ${first.dir}: shards of different tests`);
  }
  const keysMode = first.shard?.keysMode ?? 'shared';
  for (const r of runs) if ((r.shard?.keysMode ?? 'shared') !== keysMode) throw new UserError(`${r.dir}: --keys-mode ${r.shard?.keysMode ?? 'shared'}, but ${first.dir}'s is ${keysMode}: shards of different tests`);
  if (keysMode === 'shared') {
    const unbounded = runs.find((r) => r.clock !== undefined && r.clock.epsilonMs === null);
    if (unbounded) {
      throw new UserError(
        `${unbounded.dir}: its clock error ε is unknown (${unbounded.clock?.detail ?? 'no clock in run.json'}); shards on shared keys are checked across machines only with a bound: run them with chrony, or with --clock-error-ms`,
      );
    }
  }
  const shards: ShardHistory[] = [];
  for (const r of runs) {
    const history = await readHistory(join(r.dir, 'history.jsonl'));
    if (!r.clock) {
      // Stopped before its workers began (run.json gets its clock then): nothing to place.
      if (history.events.length > 0) throw new UserError(`${join(r.dir, 'run.json')}: no "clock" (written by an objcheck without shards?): its history cannot be placed on the merged timeline`);
      r.clock = { anchor: { wallMs: 0, monoNs: 0 }, epsilonMs: 0, source: 'none', detail: 'the shard stopped before its workers started: no history' };
      r.complete = false;
      shards.push({ name: basename(r.dir), clock: r.clock, epsilonMs: 0, events: [] });
      continue;
    }
    shards.push({ name: basename(r.dir), clock: r.clock, epsilonMs: widening(r.clock), events: history.events, ...(keysMode === 'disjoint' ? { keyPrefix: `${basename(r.dir)}/` } : {}), ...(r.shard ? { shard: r.shard } : {}) });
    r.complete = r.complete === true && history.ended === true;
  }
  const merged = mergeHistories(shards);
  const out = resolve(config.out);
  if (existsSync(out) && readdirSync(out).length > 0) throw new UserError(`--out ${out} exists and is not empty; choose another`);
  mkdirSync(out, { recursive: true });
  const historyFile = join(out, 'history.jsonl');
  writeFileSync(historyFile, merged.events.map((e) => JSON.stringify(e)).join('\n') + (merged.events.length ? '\n' : ''));

  const incomplete = runs.filter((r) => !r.complete);
  const complete = incomplete.length === 0;
  const maxEps = runs.some((r) => r.clock!.epsilonMs == null) ? null : Math.max(...runs.map((r) => r.clock!.epsilonMs!));
  const record: MergeRecord = {
    keysMode,
    epsilonMs: maxEps,
    shards: runs.map((r, i) => ({
      folder: r.dir,
      ...(r.shard ? { index: r.shard.index } : {}),
      complete: r.complete === true,
      events: shards[i]!.events.length,
      epsilonMs: r.clock!.epsilonMs,
      source: r.clock!.source,
      detail: r.clock!.detail,
      ...(r.clock!.offsetMs !== undefined ? { offsetMs: r.clock!.offsetMs } : {}),
    })),
    renumbered: merged.renumbered,
    splitOps: merged.splitOps,
  };
  const starts = runs.map((r) => r.start).filter((s): s is string => typeof s === 'string').sort();
  const ends = runs.map((r) => r.end).filter((s): s is string => typeof s === 'string').sort();
  writeJsonAtomic(join(out, 'run.json'), {
    name: basename(out),
    complete,
    stopReason: complete ? (first.stopReason ?? null) : 'shard-incomplete',
    ...(complete ? {} : { error: `${incomplete.map((r) => basename(r.dir)).join(', ')} did not end normally: ${incomplete.length === 1 ? 'its' : 'their'} history is incomplete` }),
    start: starts[0] ?? null,
    end: ends.length === runs.length ? ends.at(-1)! : null,
    workload: workloadName,
    target: first.target ?? {},
    config: first.config ?? {},
    tool: toolInfo(),
    merge: record,
  });

  const history = await readHistory(historyFile);
  const workload = workloadFor(workloadName ?? 'register', first.config?.mix);
  const checkers = selectCheckers(checkerNamesFor(workload, history), { model: workload.model, checkTimeoutS: config.checkTimeout });
  const checked = await runCheckers(history, checkers, complete);
  const widenings = runs.map((r) => widening(r.clock!));
  const bounded = applyClockBound(checked, history, merged.sources, widenings);
  const lastNs = new Map<number, number>();
  for (const s of merged.sources) if (s.shard >= 0) lastNs.set(s.shard, Math.max(lastNs.get(s.shard) ?? -Infinity, s.timeNs));
  const lostWith = runs.flatMap((r, i) => (!r.complete && r.shard ? [{ index: r.shard.index, count: r.shard.count, lastNs: lastNs.get(i) ?? -Infinity }] : []));
  const results = applyLostShardWrites(bounded, history, lostWith, merged.sources, Math.max(0, ...widenings));
  writeJsonAtomic(join(out, 'results.json'), results);

  const { reportAfterRun } = await import('../report/main.js');
  const report = await reportAfterRun(out, dirname(out));
  if (report.warning) process.stderr.write(`warning: ${report.warning}\n`);
  process.stdout.write(`merged ${runs.length} shard${runs.length === 1 ? '' : 's'} (${keysMode} keys), ${maxEps === null ? 'clock bound unknown (not needed on disjoint keys): ops not widened' : `clock bound ε = ${maxEps} ms: every op widened by its shard's ε on both sides`}\n`);
  process.stdout.write(`${formatSummary(results)}\nrun folder: ${out}\n${report.report ? `report: ${report.report}\n` : ''}`);
  if (config.upload !== undefined) await uploadMerged(out, config.upload, config.uploadEndpoint);
  if (!complete) process.stdout.write(`incomplete: ${record.shards.filter((s) => !s.complete).map((s) => basename(s.folder)).join(', ')} did not end normally; the rest is checked, the verdict cannot be valid\n`);
  return exitCodeOf(results);
}

/** --upload: the merged run folder into the bucket (a pod's own disk goes with the pod). */
async function uploadMerged(out: string, upload: string, endpoint: string | undefined): Promise<void> {
  const { folderClient, parseS3Uri, uploadFolder } = await import('../runner/s3-folder.js');
  const place = parseS3Uri(upload, '--upload');
  const s3 = folderClient(place, endpoint);
  try {
    process.stdout.write(`uploaded: ${await uploadFolder(s3, out, place, basename(out))}\n`);
  } catch (err) {
    throw new UserError(`--upload ${upload}: ${(err as Error).name}: ${(err as Error).message} (the merged run is kept in ${out})`);
  } finally {
    s3.destroy();
  }
}

/** The folders given, those in a bucket (s3://bucket/prefix/<name>, put there by --upload) fetched into a temporary folder first. */
async function localFolders(given: readonly string[], endpoint: string | undefined): Promise<string[]> {
  if (!given.some((g) => g.startsWith('s3://'))) return [...given];
  const { downloadFolder, folderClient, parseS3Uri } = await import('../runner/s3-folder.js');
  const local: string[] = [];
  for (const [i, g] of given.entries()) {
    if (!g.startsWith('s3://')) {
      local.push(g);
      continue;
    }
    const place = parseS3Uri(g, 'objcheck merge');
    const dest = join(mkdtempSync(join(tmpdir(), 'objcheck-merge-')), String(i));
    const s3 = folderClient(place, endpoint);
    try {
      const n = await downloadFolder(s3, place, dest);
      if (n === 0) throw new UserError(`${g}: no objects there (shards put their folders under s3://bucket/prefix/<name>/shard-I/ with --upload)`);
      process.stderr.write(`fetched ${n} files from ${g} into ${dest}\n`);
    } catch (err) {
      if (err instanceof UserError) throw err;
      throw new UserError(`${g}: ${(err as Error).name}: ${(err as Error).message}`);
    } finally {
      s3.destroy();
    }
    local.push(dest);
  }
  return local;
}

/** The folders given, a run folder holding shard-* folders standing for them, in shard order. */
function shardFolders(given: readonly string[]): string[] {
  const out: string[] = [];
  for (const g of given) {
    const dir = resolve(g);
    if (!existsSync(dir)) throw new UserError(`${dir}: no such folder`);
    if (existsSync(join(dir, 'run.json'))) out.push(dir);
    else {
      const inside = readdirSync(dir).filter((n) => /^shard-\d+$/.test(n)).sort((a, b) => Number(a.slice(6)) - Number(b.slice(6)));
      if (inside.length === 0) throw new UserError(`${dir}: neither a shard folder (no run.json) nor a run folder holding shard-I folders`);
      out.push(...inside.map((n) => join(dir, n)));
    }
  }
  return out;
}

function readShardRun(dir: string): ShardRun {
  const file = join(dir, 'run.json');
  let run: ShardRun;
  try {
    run = JSON.parse(readFileSync(file, 'utf8')) as ShardRun;
  } catch (err) {
    throw new UserError(`${file}: ${(err as NodeJS.ErrnoException).code ?? `not valid JSON (${(err as Error).message})`}`);
  }
  if (!existsSync(join(dir, 'history.jsonl'))) throw new UserError(`${dir}: no history.jsonl: not a shard folder`);
  return { ...run, dir };
}
