import { existsSync, readFileSync, statSync } from 'node:fs';
import { availableParallelism, totalmem } from 'node:os';
import { join } from 'node:path';
import type { CheckResult, Checker } from '../../checkers/checker.js';
import { detectFormat, importHistory, type ImportFormat } from '../../checkers/linearizable/import/index.js';
import { DEFAULT_BUDGET } from '../../checkers/linearizable/partition.js';
import { isBuiltIn, loadModel, loadModels } from '../../checkers/linearizable/registry.js';
import type { Workload } from '../../workloads/workload.js';
import { UserError } from '../util/errors.js';
import type { History } from '../history/event.js';
import { readGroundTruth } from '../history/ground-truth.js';
import { heapShortfall, mb, type HeapNeed } from '../history/hold.js';
import { readHistory } from '../history/read.js';
import type { CheckProgress } from './check-progress.js';
import { writeJsonAtomic } from '../runner/run-folder.js';
import { linearizableChecker } from '../check/linearizable-checker.js';
import { applyBaseline, type Baseline } from '../check/baseline.js';
import { foldResults, runCheckers, type Results } from '../check/run-checkers.js';
import type { PartitionSource, PoolCheckSettings } from '../check/parallel/linearizable.js';
import type { ThreadPool } from '../check/parallel/pool.js';
import type { PoolData, StatsJob } from '../check/parallel/worker.js';
import type { OpGroup } from '../history/keyed-ops.js';
import type { HistoryStats } from '../history/stats.js';
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
  /**
   * Bound on the check's memory, in MB (--max-memory): a big history's op records are spilled
   * to disk past an eighth of it, the search's cache of each thread gets a quarter of it shared,
   * and a key that would take more than its share to check is unknown.
   */
  maxMemoryMb?: number;
  /** --max-memory's default, in MB, when it is not given; default: a quarter of the machine's memory, at most 2 GiB. */
  defaultMaxMemoryMb?: number;
  /** Threads for one big file; default the cores (OBJCHECK_JOBS). 1: this thread alone. */
  jobs?: number;
  /** Files from this size on are read and checked on several threads; default PARALLEL_MIN_BYTES. */
  parallelMinBytes?: number;
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
  try {
    source = locate(file);
    format = settings.format ?? detectFormat(source.history);
  } catch (err) {
    if (err instanceof UserError) return { file, error: err.message };
    throw err;
  }
  const threads = format === 'jsonl' ? threadsFor(source.history, settings) : 0;
  // Too big to hold as objects: only what reads the compact records is checked (no out-of-memory crash).
  const notHeld = format === 'jsonl' ? tooBigToHold(source.history, settings) : undefined;
  // Over what the default bound lets the whole check take (none given).
  const overDefault = format === 'jsonl' && notHeld === undefined && !settings.maxMemoryMb ? overDefaultBound(source.history, settings) : undefined;
  // Loaded only for a big file: the many small files of a corpus do not pay for them.
  const parallel = threads > 0 || notHeld !== undefined || overDefault !== undefined ? await loadParallel() : undefined;
  try {
    if (parallel && notHeld !== undefined) {
      return await withPool(parallel, Math.max(threads, 1), (pool) => checkKeyed(file, source, settings, parallel, pool, progress, notHeld));
    }
    // Only linearizability asked for: the history need never be objects (bounded memory).
    if (parallel && settings.checkers?.length === 1 && settings.checkers[0] === 'linearizable' && settings.model === undefined) {
      return await withPool(parallel, Math.max(threads, 1), (pool) => checkKeyed(file, source, settings, parallel, pool, progress));
    }
    // A big history of ours, or one over what the default bound lets the whole check take: key
    // by key from the records when every chosen checker can be, in less memory and time than as
    // objects (the 1M-op register history: 3.0 vs 4.1 s, 0.54 vs 0.79 GB). A checker that takes the
    // history whole only (list-consistency, the windows; a run's ground truth, which only the
    // whole check reads): read again, whole, as V8's heap allows.
    if (parallel && (threads > 0 || overDefault !== undefined) && groundTruthOf(source) === undefined) {
      const readBefore = progress?.bytesRead ?? 0;
      const keyed = await withPool(parallel, Math.max(threads, 1), (pool) => checkKeyed(file, source, settings, parallel, pool, progress, overDefault, true));
      if (keyed !== undefined) return keyed;
      if (progress) progress.bytesRead = readBefore;
    }
    return await checkWhole(file, source, format, settings, parallel && { ...parallel, threads }, progress);
  } catch (err) {
    if (err instanceof UserError) return { file, error: err.message };
    throw err;
  }
}

/** A run's ground truth (the emulator's record of its writes), beside its history: its path, when there is one. */
function groundTruthOf(source: Source): string | undefined {
  const file = join(source.history, '..', 'ground-truth.jsonl');
  return source.run !== undefined && existsSync(file) ? file : undefined;
}

/** A pool of `threads` worker threads for `work`, closed after it. */
async function withPool<T>(parallel: Parallel, threads: number, work: (pool: ThreadPool) => Promise<T>): Promise<T> {
  const pool = new parallel.ThreadPool(threads, { failedAt: new SharedArrayBuffer(8) } satisfies PoolData, 2);
  try {
    return await work(pool);
  } finally {
    await pool.close();
  }
}

type Parallel = Awaited<ReturnType<typeof loadParallel>>;
const loadParallel = async () => {
  const [linearizable, pool, read, keyParts, stats] = await Promise.all([
    import('../check/parallel/linearizable.js'),
    import('../check/parallel/pool.js'),
    import('../check/parallel/read.js'),
    import('../check/parallel/key-parts.js'),
    import('../history/stats.js'),
  ]);
  return { ...linearizable, ...pool, ...read, ...keyParts, tallyBuffers: stats.tallyBuffers };
};

/** Threads to read and check one history file on: the cores (OBJCHECK_JOBS), none below the size where they pay. */
function threadsFor(history: string, settings: FileCheckSettings): number {
  const jobs = settings.jobs ?? (Number(process.env.OBJCHECK_JOBS) || availableParallelism());
  let size = 0;
  try {
    size = statSync(history).size;
  } catch {
    return 0;
  }
  return jobs > 1 && size >= (settings.parallelMinBytes ?? PARALLEL_MIN_BYTES) ? jobs : 0;
}

/** A file smaller than this is read and checked on one thread: threads cost their start-up and a cold JIT. */
export const PARALLEL_MIN_BYTES = 32 * 1024 * 1024;

/** --max-memory's default: a quarter of the machine's memory, at most 2 GiB (op records spill past 256 MiB). */
const defaultMaxMemory = (settings: Pick<FileCheckSettings, 'defaultMaxMemoryMb'>): number => (settings.defaultMaxMemoryMb ? settings.defaultMaxMemoryMb * 1e6 : Math.min(totalmem() / 4, 2 * 1024 ** 3));

/**
 * What holding a history whole as objects and running every checker over it takes: of the
 * process (peak RSS) a byte of its file, and of V8's heap limit (young generation included) a
 * byte and a fixed part. Measured on the register histories of bench/check: the 1M-op one
 * (192 MB) peaks at ~790-820 MB RSS, runs with a 570 MB heap limit (--max-old-space-size=350)
 * and dies out of memory with 516 MB (300); the 10M-op one (1,988 MB) runs in the default
 * 4,496 MB limit (118 s, 4.9 GB peak RSS). Rounded up: near its limit V8 collects garbage
 * over and over.
 */
export const WHOLE_CHECK_RSS_PER_BYTE = 4.5;
export const WHOLE_CHECK: HeapNeed = { perByte: 2, fixed: 256e6, doing: 'checked whole' };

/**
 * Why the history cannot be checked whole within --max-memory, when given, and what V8's heap
 * may hold (past which the process dies), as words that follow "the history"; undefined when
 * it can be.
 */
export function tooBigToHold(history: string, settings: Pick<FileCheckSettings, 'maxMemoryMb'>): string | undefined {
  if (settings.maxMemoryMb) {
    const over = overBound(history, settings.maxMemoryMb * 1e6, `--max-memory ${settings.maxMemoryMb} MB`);
    if (over !== undefined) return over;
  }
  // Whatever --max-memory says: past V8's heap limit the process dies.
  return heapShortfall(history, WHOLE_CHECK);
}

/**
 * Why a history that V8's heap could hold whole is over what --max-memory's default lets the
 * whole check take (words that follow "the history"); undefined when it is not. Measured on the
 * 10M-op register history: whole, 81 s and 4.9 GB; key by key within the default, 26 s and 1.4 GB.
 */
function overDefaultBound(history: string, settings: Pick<FileCheckSettings, 'defaultMaxMemoryMb'>): string | undefined {
  const bound = defaultMaxMemory(settings);
  return overBound(history, bound, `${mb(bound)} (--max-memory's default)`);
}

/** Why checking the history whole would take more than `bytes` (`named` so); undefined when it would not. */
function overBound(history: string, bytes: number, named: string): string | undefined {
  let size: number;
  try {
    size = statSync(history).size;
  } catch {
    return undefined;
  }
  const rss = size * WHOLE_CHECK_RSS_PER_BYTE;
  return rss > bytes ? `(${mb(size)}) needs about ${mb(rss)} to be checked whole, more than ${named}` : undefined;
}

/**
 * The history read whole, as objects, every checker that applies run over it. For a big file
 * (`parallel`), the linearizability checker's partitions go to worker threads while this one
 * runs the others. The file is read on this thread: scanning it on threads pays only when the
 * events are never made objects (made here from columns, they cost as much as the scanner's).
 */
async function checkWhole(file: string, source: Source, format: ImportFormat, settings: FileCheckSettings, parallel: (Parallel & { threads: number }) | undefined, progress?: CheckProgress): Promise<FileVerdict> {
  // Ours read without keeping its events: the checkers need only the ops (and the events' count and end).
  const history = format === 'jsonl' ? await readHistory(source.history, progress && ((n) => (progress.bytesRead += n)), false) : await importHistory(source.history, format);
  const chosen = await chooseCheckers(source, format, settings, history);
  if ('error' in chosen) return { file, error: chosen.error };
  const { model } = chosen;
  const complete = isComplete(history, source.run, format !== 'jsonl');
  // A run with the emulator's ground truth beside its history: measuring checkers take t there.
  const truthFile = format === 'jsonl' ? groundTruthOf(source) : undefined;
  const groundTruth = truthFile === undefined ? undefined : readGroundTruth(truthFile);
  const run = (checkers: Checker[], threads?: ThreadPool) => runCheckers(history, checkers, complete, groundTruth || threads ? { ...(groundTruth ? { groundTruth } : {}), ...(threads ? { threads } : {}) } : undefined);
  const checked =
    parallel && chosen.checkers.some((c) => c.name === 'linearizable' || c.handsOff)
      ? await withPool(parallel, parallel.threads, (pool) => {
          // Every job handed out at once: this thread is then busy with the other checkers.
          pool.setAhead(Infinity);
          const limits = maxOpsFor(settings, pool.size, parallel.CHECK_BYTES_PER_OP);
          return run(
            chosen.checkers.map((c) => (c.name === 'linearizable' ? parallel.poolLinearizableChecker(pool, model ?? 'register', linearizableOptions(settings), progress, limits) : c)),
            pool,
          );
        })
      : await run(chosen.checkers);
  return finish(file, source, settings, checked, history.droppedTail, complete || history.droppedTail !== undefined ? 0 : openOps(history));
}

/**
 * Linearizability over a big history of ours, which is never made objects: read on the
 * pool's threads into per-key op records (spilled to a temporary folder past an eighth of
 * --max-memory), each key checked on a thread; a key too big for what is left is unknown.
 * `notHeld`: the history is too big to hold whole, and this says why: the chosen checkers
 * that need it whole are unknown with that reason, and so is linearizability with a model the
 * threads do not have loaded. `orWhole`: the history could be held whole after all: when a
 * chosen checker cannot be checked here, nothing is, and the result is undefined.
 */
async function checkKeyed(file: string, source: Source, settings: FileCheckSettings, parallel: Parallel, pool: ThreadPool, progress?: CheckProgress, notHeld?: string): Promise<FileVerdict>;
async function checkKeyed(file: string, source: Source, settings: FileCheckSettings, parallel: Parallel, pool: ThreadPool, progress: CheckProgress | undefined, notHeld: string | undefined, orWhole: true): Promise<FileVerdict | undefined>;
async function checkKeyed(file: string, source: Source, settings: FileCheckSettings, parallel: Parallel, pool: ThreadPool, progress?: CheckProgress, notHeld?: string, orWhole = false): Promise<FileVerdict | undefined> {
  const size = statSync(source.history).size;
  const maxMemory = (settings.maxMemoryMb ?? 0) > 0 ? settings.maxMemoryMb! * 1e6 : defaultMaxMemory(settings);
  // With the other checkers' parts in memory too (visibility's samples, a few dozen bytes a
  // read), the records keep half as much in memory.
  const budgetBytes = maxMemory / (notHeld === undefined && !orWhole ? 8 : 16);
  const { ops: keyed, droppedTail } = await parallel.readKeyedOps(pool, source.history, size, { byKey: true, budgetBytes }, progress ? (n) => (progress.bytesRead += n) : undefined);
  try {
    const { tally, open } = keyed.tally();
    // What choosing the checkers and the completeness rules look at: the ops' kinds, the nemesis events.
    const outline: History = { events: [], ops: keyed.firstOps, nemesis: keyed.nemesis, end: keyed.end, ...(keyed.ended ? { ended: true } : {}), ...(droppedTail ? { droppedTail } : {}) };
    const chosen = await chooseCheckers(source, 'jsonl', settings, outline);
    if ('error' in chosen) return { file, error: chosen.error };
    const complete = droppedTail === undefined && (source.run?.complete ?? (keyed.ended || open === 0));
    const limits = maxOpsFor(settings, pool.size, parallel.CHECK_BYTES_PER_OP, maxMemory);
    const groups = [...keyed.groups.values()];
    // The linearizability checks the threads make (a built-in model): the history's, or each mixed part's on its keys.
    const linearizable = chosen.linearizable.filter((l) => isBuiltIn(l.model)).map((l) => ({ ...l, groups: l.part === undefined ? groups : groups.filter((g) => g.key.startsWith(`${l.part}/`)) }));
    // A key too big for its share of the bound: the checkers that take each key whole cannot take it.
    const huge = limits.maxOps === undefined ? undefined : groups.find((g) => g.count > limits.maxOps!);
    // A run's ground truth (visibility takes t at the store from it) is read only by the whole check.
    const truth = groundTruthOf(source) !== undefined;
    const keyable = huge ? [] : chosen.checkers.filter((c) => c.byKey !== undefined && !(truth && c.byKey.readsGroundTruth));
    // Their parts, held until merged, and the largest merge's own (they run one at a time)
    // within a third of the bound: in the order chosen, while they fit.
    const ops = groups.reduce((n, g) => n + g.count, 0);
    const partsShare = maxMemory / 3;
    const partBytes = (c: Checker) => ops * (c.byKey!.bytesPerOp ?? 0);
    const mergeBytes = (c: Checker) => ops * (c.byKey!.mergeBytesPerOp ?? 0);
    let heldBytes = 0;
    let mergingBytes = 0;
    const byKey = keyable.filter((c) => {
      if (heldBytes + partBytes(c) + Math.max(mergingBytes, mergeBytes(c)) > partsShare) return false;
      heldBytes += partBytes(c);
      mergingBytes = Math.max(mergingBytes, mergeBytes(c));
      return true;
    });
    const why = notHeld === undefined ? 'is too big to hold whole' : notHeld;
    const skipped = chosen.checkers.filter((c) => !linearizable.some((l) => l.name === c.name) && !byKey.includes(c)).map((c) => c.name);
    const reasonOf = (name: string) => {
      const c = chosen.checkers.find((x) => x.name === name)!;
      const lin = chosen.linearizable.find((l) => l.name === name);
      if (lin) return `not checked: the ${lin.model} model is checked over a history held whole only`;
      if (huge && c.byKey) return `not checked: key ${JSON.stringify(huge.key)} has ${huge.count.toLocaleString('en-US')} ops, more than ${limits.bound} leaves for one key`;
      if (keyable.includes(c)) return `not checked: its parts of the history's keys need about ${Math.ceil((partBytes(c) + mergeBytes(c)) / 1e6)} MB, more than what is left of a third of ${settings.maxMemoryMb ? `--max-memory ${settings.maxMemoryMb} MB` : `${Math.round(maxMemory / 1e6)} MB (--max-memory's default)`} once the other checkers' are counted`;
      return `not checked: the history ${why}`;
    };
    // The whole check can run them: let it.
    if (orWhole && skipped.length > 0) return undefined;
    const results: Record<string, CheckResult> = Object.fromEntries(skipped.map((name) => [name, { valid: 'unknown' as const, anomalies: [], reason: reasonOf(name) }]));
    // One line a reason, naming the checkers it keeps from running.
    const byReason = new Map<string, string[]>();
    for (const name of skipped) byReason.set(reasonOf(name), [...(byReason.get(reasonOf(name)) ?? []), name]);
    const warnings = [...byReason].map(([reason, names]) => `${source.history}: ${names.join(', ')} ${reason}`);
    pool.broadcast({ strings: keyed.strings.strings, nemesis: keyed.nemesis, end: keyed.end });
    // The stats' quantiles on a thread while the others check: on this one they kept the threads waiting.
    const finishing = pool.run<HistoryStats>({ stats: tally } satisfies StatsJob, parallel.tallyBuffers(tally));
    finishing.catch(() => {});
    const loads = groups.map((g) => () => keyed.load(g));
    const names = byKey.map((c) => c.name);
    const parts = names.map((): unknown[] => []);
    // How many checks take each key: its records let go after the last, unless the other checkers may have to ask the keys again.
    const takers = new Map<OpGroup, number>();
    for (const l of linearizable) for (const g of l.groups) takers.set(g, (takers.get(g) ?? 0) + 1);
    // Each key's parts of the other checkers made with its first linearizability check, from the same ops; the keys no check takes, alone.
    const withParts = new Set<OpGroup>();
    // The search's cache too within the bound, when one is given: past it a key is unknown.
    const options = settings.maxMemoryMb ? { ...linearizableOptions(settings), budget: { maxCacheBytes: Math.min(DEFAULT_BUDGET.maxCacheBytes, maxMemory / 4 / pool.size) } } : linearizableOptions(settings);
    const take = (got: unknown[]) => got.forEach((p, i) => parts[i]!.push(p));
    // Few keys (a single register's history): each key's parts made on a thread of their own,
    // beside its linearizability check, not after it on the same thread while the others idle.
    const alongside = byKey.length > 0 && groups.length < 2 * pool.size ? parallel.keyPartsOnPool(pool, byKey, loads, {}) : undefined;
    alongside?.catch(() => {});
    for (const l of linearizable) {
      const makeParts = !alongside && byKey.length > 0 && l.groups.every((g) => !withParts.has(g));
      if (makeParts) for (const g of l.groups) withParts.add(g);
      const sources: PartitionSource[] = l.groups.map((g) => ({
        key: g.key,
        count: g.count,
        load: () => keyed.load(g),
        sent: () => {
          const left = takers.get(g)! - 1;
          takers.set(g, left);
          if (left === 0 && byKey.length === 0) keyed.drop(g);
        },
      }));
      results[l.name] = await parallel.checkPartitionsOnPool(pool, l.model, options, sources, { window: pool.size, ...limits, ...(progress ? { progress } : {}), ...(makeParts ? { parts: { names, options: {}, take } } : {}) });
    }
    const rest = byKey.length > 0 && !alongside ? groups.filter((g) => !withParts.has(g)) : [];
    if (rest.length > 0) (await parallel.keyPartsOnPool(pool, byKey, rest.map((g) => () => keyed.load(g)), {})).forEach((p, i) => parts[i]!.push(...p));
    if (alongside) (await alongside).forEach((p, i) => parts[i]!.push(...p));
    const answers = await parallel.keyAnswersOnPool(pool, byKey, parts, loads, {});
    // No key is read again: its records in memory let go before the merges make theirs.
    for (const g of groups) keyed.drop(g);
    for (const [i, c] of byKey.entries()) {
      const mine = parts[i]!;
      // Let go once merged: a big history's samples are many.
      parts[i] = [];
      // Merged in turn: a merge may hand its work to the threads (visibility's estimates).
      // Every check of the keys done: the threads are all free for its work.
      results[c.name] = await c.byKey!.merge(mine, { threads: { run: (m, t) => pool.run(m, t), idle: pool.size } }, outline, answers[i]);
    }
    const stats = await finishing;
    // In the order chosen, as the whole check lists them.
    const checked = foldResults(Object.fromEntries(chosen.checkers.map((c) => [c.name, results[c.name]!])), complete, stats.total, stats);
    return finish(file, source, settings, checked, droppedTail, complete || droppedTail !== undefined ? 0 : open, warnings);
  } finally {
    keyed.close();
  }
}

const linearizableOptions = (settings: FileCheckSettings) => (settings.checkTimeout === undefined ? {} : { totalTimeoutMs: settings.checkTimeout * 1000 });

/**
 * The most ops a key may have to be checked within --max-memory: half of it shared by the
 * threads, each checking one key at a time (when no bound is given, none).
 */
function maxOpsFor(settings: FileCheckSettings, threads: number, bytesPerOp: number, maxMemory?: number): Pick<PoolCheckSettings, 'maxOps' | 'bound'> {
  if (!settings.maxMemoryMb) return {};
  const bytes = maxMemory ?? settings.maxMemoryMb * 1e6;
  return { maxOps: Math.floor(bytes / 2 / threads / bytesPerOp), bound: `--max-memory ${settings.maxMemoryMb} MB` };
}

interface Chosen {
  checkers: Checker[];
  model: string | undefined;
  /** The linearizability checks among them: the history's, or each part's of a mixed run, with its model. */
  linearizable: { name: string; model: string; part?: string }[];
}

/** The checkers for a history (or, for a history never read whole, its outline), or why there are none. */
async function chooseCheckers(source: Source, format: ImportFormat, settings: FileCheckSettings, history: History): Promise<Chosen | { error: string }> {
  let model = settings.model ?? MODEL_OF_FORMAT[format];
  // Another tool's history: only linearizability applies (and only its checker is loaded).
  const foreign = format !== 'jsonl';
  if (foreign && settings.checkers === undefined) {
    if (model !== undefined) {
      const chosen = await loadModel(model);
      // Every model is loaded only to name the ones that take an op the chosen one has no rule for.
      const misfit = history.ops.some((o) => chosen.kind(o) === undefined) ? modelFitError(source.history, history, chosen, await loadModels()) : undefined;
      if (misfit) return { error: misfit };
    }
    return { checkers: [linearizableChecker({ model, checkTimeoutS: settings.checkTimeout })], model, linearizable: [{ name: 'linearizable', model: model ?? 'register' }] };
  }
  const [registry, { checkerNamesFor, linearizableChecks, selectCheckers }] = await Promise.all([import('../../workloads/registry.js'), import('../check/select-checkers.js')]);
  const runWorkload = source.run?.workload === undefined ? undefined : runWorkloadOf(registry, source.run.workload, source.run.config?.mix);
  model ??= runWorkload?.model;
  if (!foreign) {
    const unknown = unknownOpError(source.history, history, runWorkload ? [runWorkload] : [...registry.workloads.values()], settings.model === undefined ? undefined : await loadModel(settings.model));
    if (unknown) return { error: unknown };
  }
  // A bare history in our format is most likely the register workload's.
  const workload = runWorkload ?? registry.workloads.get('register');
  const names = settings.checkers ?? (foreign ? ['linearizable'] : checkerNamesFor(workload, history));
  return { checkers: selectCheckers(names, { model, checkTimeoutS: settings.checkTimeout }), model, linearizable: linearizableChecks(names, model === undefined ? {} : { model }) };
}

/** The verdict of a checked file: the baseline applied, warnings said, a run folder's files written. */
async function finish(file: string, source: Source, settings: FileCheckSettings, checked: Results, droppedTail: string | undefined, open: number, said: string[] = []): Promise<FileVerdict> {
  const results = settings.baseline ? applyBaseline(checked, settings.baseline, source.run?.target?.name) : checked;
  const warnings = droppedTail === undefined ? [...said] : [droppedTail, ...said];
  if (!source.run && !results.complete && droppedTail === undefined) {
    warnings.push(`${source.history}: ${open} op(s) never completed and nothing says the run ended normally (no run.json, no end marker): the history is incomplete`);
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
