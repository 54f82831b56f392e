import { join, resolve } from 'node:path';
import { applyBaseline, type Baseline } from '../check/baseline.js';
import { runCheckers, type Results } from '../check/run-checkers.js';
import { readGroundTruth, type GroundTruthEvent } from '../history/ground-truth.js';
import { checkerNamesFor, selectCheckers } from '../check/select-checkers.js';
import { readHistory } from '../history/read.js';
import { bandwidth } from '../history/stats.js';
import { Recorder } from '../history/recorder.js';
import { defaultRunName, discardRunFolder, makeRunFolder, markLatest, planRunFolder, writeJsonAtomic, type RunFolder } from '../runner/run-folder.js';
import { FaultSession } from '../nemesis/session.js';
import { runFinalPhase, type FinalPhaseOutcome } from '../runner/final-phase.js';
import { countingBytes } from '../runner/byte-counter.js';
import { clockRecord } from '../runner/clock.js';
import { msUntilStart, SHARED_KEY_WORKLOADS, START_AT_GRACE_MS, type KeysMode, type Shard } from '../runner/shard.js';
import type { ClockRecord } from '../history/clock.js';
import { sleep } from '../util/sleep.js';
import { runWorkers, type Progress, type StopReason, type WorkersOutcome } from '../runner/run-workers.js';
import { targets } from '../targets/registry.js';
import type { OpenTarget, Target } from '../targets/target.js';
import type { ProbeResult } from '../probe/run-probe.js';
import { toolInfo } from '../util/tool-info.js';
import { workloadFor } from '../../workloads/registry.js';
import type { Workload, WorkloadTuning } from '../../workloads/workload.js';
import { EXIT, UserError, exitCodeOf } from '../util/errors.js';
import { showProgress } from './progress.js';
import { openOptions, openTarget, type TargetConfig } from './target-config.js';
import { formatSummary } from './summary.js';
import { checkFile, tooBigToHold } from './check-file.js';

export interface WorkloadConfig extends TargetConfig {
  target: string;
  workload: string;
  /** For the mixed workload: its parts and weights (`register=4,list=1,cas=1`). */
  mix?: string;
  concurrency: number;
  /** Seconds; undefined means no time limit (only with --ops). */
  timeLimit?: number;
  ops?: number;
  rate?: number;
  keys: number;
  /** Where the replication workload reads: "replica" or an endpoint URL. */
  readTarget?: string;
  /** Seconds of Cache-Control max-age the cache workload writes with. */
  maxAge?: number;
  /** ms over which the pbs workload plans its reads after each write. */
  lagSpanMs?: number;
  /** Known deviations (--baseline), read before the run: a run with only these exits 0. */
  baseline?: Baseline;
  /** Bytes of each value written. */
  valueSize: number;
  /** S3-compatible targets: PUTs larger than this many bytes go as multipart uploads of parts this size. */
  partSize?: number;
  seed: number;
  /** Milliseconds of simulated latency, for targets that simulate it. */
  latency: number;
  results: string;
  name?: string;
  /** Seconds the linearizability checker may take. */
  checkTimeout?: number;
  /** MB the check of the run's history may use (as `objcheck check --max-memory`): past it, checked key by key. */
  maxMemoryMb?: number;
  /** Ask the target for ground truth (ground-truth.jsonl in the run folder). */
  groundTruth: boolean;
  /** Run the conformance probe (objcheck probe) before the workload; its table goes in run.json. */
  probe?: boolean;
  /** Seconds of quiet before the final reads; undefined: no final phase (1 s with faults). */
  quiesce?: number;
  /** Faults to inject (src/nemesis/registry.ts), alternating with healing every nemesisInterval s. */
  nemesis: string[];
  nemesisInterval: number;
  /** --shard I/N: this run is shard I of N (src/runner/shard.ts); its folder is <results>/<name>/shard-I. */
  shard?: Shard;
  /** --start-at, ms since the epoch: the workers start then (every shard at the same instant). */
  startAt?: number;
  /** With --shard: the shards on the same keys (shared) or each on its own (disjoint). */
  keysMode?: KeysMode;
  /** --clock-error-ms: the bound on this machine's clock error, when chrony cannot say. */
  clockErrorMs?: number;
  /** --clock-offset-ms, a test knob: this run's wall anchor shifted by so many ms. */
  clockOffsetMs?: number;
  /** With --shard: s3://bucket/prefix to put the shard's folder in, under <prefix>/<name>/shard-I/. */
  upload?: string;
  /** --upload-endpoint: an S3-compatible endpoint for --upload (default: AWS). */
  uploadEndpoint?: string;
}

/** What a run says about itself in run.json; `complete` is true only after a normal end. */
interface RunRecord {
  name: string;
  complete: boolean;
  stopReason: StopReason | 'setup-error' | 'target-down' | null;
  /** Why the run ended early, when something other than the user stopped it. */
  error?: string;
  start: string;
  end: string | null;
  workload: string;
  target: Record<string, unknown>;
  config: WorkloadConfig;
  /** The emulator's knobs turned on for the workload at their defaults, as command-line words. */
  emulatorDefaults?: string[];
  tool: ReturnType<typeof toolInfo>;
  /** With --rate: operations that started more than one interval behind the schedule. */
  lateOps?: number;
  /** With --nemesis: which faults, how often, how many ran. */
  nemesis?: { faults: string[]; intervalS: number; count: number };
  /** With --probe: S3's documented rules, checked before the workload. */
  probe?: ProbeResult[];
  /** With --quiesce: how the final phase went. */
  finalPhase?: { quiesceS: number } & FinalPhaseOutcome;
  /** The wall anchor and ε of this run's clock (src/history/clock.ts), for `objcheck merge`; set as the workers start. */
  clock?: ClockRecord;
  /** With --shard: which, of how many, on which keys. */
  shard?: { index: number; count: number; keysMode: KeysMode; startAt?: string };
}

/** `objcheck workload`: resolve, open the target, run, check, report; returns the exit code. */
export async function workloadCommand(given: WorkloadConfig): Promise<number> {
  const run = resolveRun(given);
  const session = startSession(run);
  try {
    await openRunTarget(run, session);
    await recordRun(run, session);
    let code: number;
    if (sharesKeys(run.config)) code = shardRecorded(run);
    else {
      const results = await checkRun(run, session);
      await reportRun(run, results);
      code = exitCodeOf(results);
    }
    if (run.config.upload !== undefined) await uploadShard(run);
    return code;
  } finally {
    await session.close();
  }
}

/** What the options resolve to before anything is opened: the workload, the target, the run folder, run.json's record. */
interface ResolvedRun {
  workload: Workload;
  config: WorkloadConfig;
  /** The emulator's knobs turned on for the workload, as command-line words. */
  added: string[];
  target: Target;
  name: string;
  resultsDir: string;
  folder: RunFolder;
  record: RunRecord;
  /** process.hrtime.bigint() at the start: the history's times count from it. */
  origin: bigint;
}

/** The run's moving parts, from the target's opening to its closing; `close` releases them. */
interface Session {
  recorder?: Recorder;
  opened?: OpenTarget;
  faults?: FaultSession;
  /** Aborted on the first SIGINT/SIGTERM, or when the target goes down. */
  stop: AbortController;
  phase: 'running' | 'checking';
  /** Why the target went down, if it did. */
  downReason?: string;
  /** The workers' client, counting the bytes moved. */
  counting?: ReturnType<typeof countingBytes>;
  closeTarget(): Promise<void>;
  close(): Promise<void>;
}

/** Targets whose store each objcheck process makes for itself: shards on them share nothing. */
const IN_PROCESS_STORES = ['memory', 'emulator'];

/** Phase 1: the options resolved (the emulator's defaults for the workload included), nothing opened yet. */
function resolveRun(given: WorkloadConfig): ResolvedRun {
  const workload = workloadFor(given.workload, given.mix);
  // The emulator can do what the workload needs: turn that on, and say so.
  const { config, added } = withEmulatorDefaults(given, workload);
  const target = targets.get(config.target)!;
  const start = new Date();
  const origin = process.hrtime.bigint();
  const resultsDir = resolve(config.results);
  const { shard } = config;
  const keysMode = config.keysMode ?? 'shared';
  if (shard && keysMode === 'shared' && shard.count > 1 && !SHARED_KEY_WORKLOADS.includes(workload.name)) {
    throw new UserError(`--keys-mode shared: the ${workload.name} workload's values cannot be made unique across shards (shared keys work with ${SHARED_KEY_WORKLOADS.join(', ')}); use --keys-mode disjoint`);
  }
  if (shard && keysMode === 'shared' && shard.count > 1 && IN_PROCESS_STORES.includes(target.name)) {
    throw new UserError(`--keys-mode shared: the ${target.name} target is a store of this process alone, so the shards would not share keys; point every shard at one store (e.g. \`npm run emulator\`, then --target s3 --endpoint URL)`);
  }
  if (config.startAt !== undefined) msUntilStart(config.startAt, start.getTime());
  // Shards of one test name their folder alike without talking: after the common start.
  const name = config.name ?? defaultRunName(workload.name, target.name, config.startAt !== undefined ? new Date(config.startAt) : start);
  const record: RunRecord = {
    name,
    complete: false,
    stopReason: null,
    start: start.toISOString(),
    end: null,
    workload: workload.name,
    target: { name: target.name },
    config,
    ...(added.length > 0 ? { emulatorDefaults: added } : {}),
    tool: toolInfo(),
    ...(shard ? { shard: { ...shard, keysMode, ...(config.startAt !== undefined ? { startAt: new Date(config.startAt).toISOString() } : {}) } } : {}),
  };
  if (added.length > 0) process.stderr.write(`${emulatorDefaultsLine(workload.name, added)}\n`);
  const folder = shard ? planRunFolder(join(resultsDir, name), `shard-${shard.index}`) : planRunFolder(resultsDir, name);
  return { workload, config, added, target, name, resultsDir, folder, record, origin };
}

/** Signals, the exit hook and the faults, for the life of the run; the session closes them all. */
function startSession(run: ResolvedRun): Session {
  const { config, folder, name } = run;
  const session: Session = {
    stop: new AbortController(),
    phase: 'running',
    ...(config.nemesis.length > 0 ? { faults: new FaultSession(config.nemesis, config.nemesisInterval * 1000, config.seed) } : {}),
    async closeTarget() {
      await session.faults?.heal();
      const o = session.opened;
      session.opened = undefined;
      await o?.close().catch((err: unknown) => {
        process.stderr.write(`warning: closing the target failed (its objects under objcheck/${name}/ may remain): ${(err as Error).message}\n`);
      });
    },
    async close() {
      await session.closeTarget();
      await session.faults?.close();
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      process.off('exit', onExit);
    },
  };
  // Whatever ends the process, what was recorded reaches the disk.
  const onExit = () => session.recorder?.close();
  const onSignal = (signal: NodeJS.Signals) => {
    if (session.phase === 'running' && !session.stop.signal.aborted) {
      process.stderr.write(`\n${signal}: stopping; operations in flight are recorded as indeterminate (again to quit at once)\n`);
      session.stop.abort();
      return;
    }
    const recorder = session.recorder;
    recorder?.close();
    if (!recorder) discardRunFolder(folder);
    process.stderr.write(`\n${signal}: quitting; ${!recorder ? 'the run had not started' : `the history in ${folder.dir} is kept${session.phase === 'checking' ? '; re-check it with `objcheck check`' : ' and marked incomplete'}`}\n`);
    process.exit(EXIT.unknown);
  };
  process.on('exit', onExit);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return session;
}

/** Phase 2: the target open under the run's prefix, the workload supported, the run folder and recorder made, the probe run if asked. */
async function openRunTarget(run: ResolvedRun, session: Session): Promise<void> {
  const { config, target, folder, record, workload, name, origin } = run;
  const { faults } = session;
  try {
    // Say what we wait for only when the wait is noticeable (starting a server, a preflight).
    const slow = setTimeout(() => process.stderr.write(`opening ${target.name}…\n`), 300);
    session.opened = await openTarget(target, {
      seed: config.seed,
      ...openOptions(config),
      ...targetPlace(config, name),
      concurrency: config.concurrency,
      latencyMs: config.latency,
      ...(config.readTarget !== undefined ? { readTarget: config.readTarget } : {}),
      ...(config.partSize !== undefined ? { partSize: config.partSize } : {}),
      ...(faults?.connectThrough ? { connectThrough: faults.connectThrough } : {}),
      ...(config.groundTruth ? { groundTruth: { path: join(folder.dir, 'ground-truth.jsonl'), origin } } : {}),
    }).finally(() => clearTimeout(slow));
  } catch (err) {
    discardRunFolder(folder);
    throw err;
  }
  const opened = session.opened;
  record.target = opened.describe();
  const unsupported = workload.unsupported?.(opened.client);
  if (unsupported) {
    discardRunFolder(folder);
    throw new UserError(`the ${workload.name} workload is not supported by this target (${target.name}): ${unsupported}`);
  }
  makeRunFolder(folder);
  session.recorder = new Recorder(folder.history, { origin });
  writeJsonAtomic(folder.runJson, record);
  if (config.probe) {
    const { probeAccess, probeVerdict, runProbe } = await import('../probe/run-probe.js');
    record.probe = await runProbe(probeAccess(opened, target.name, '--probe'));
    process.stderr.write(`probe: ${probeVerdict(record.probe, true)}\n`);
    writeJsonAtomic(folder.runJson, record);
  }
  opened.down?.addEventListener('abort', () => {
    session.downReason = String((opened.down!.reason as Error)?.message ?? opened.down!.reason);
    process.stderr.write(`\nthe target is down: ${session.downReason}; stopping\n`);
    session.stop.abort();
  });
}

/** Phase 3: the workers (with faults), then the final phase if any; the history closed and run.json saying how the run ended. */
async function recordRun(run: ResolvedRun, session: Session): Promise<void> {
  const { config, folder, record, workload } = run;
  const { faults, stop } = session;
  const opened = session.opened!;
  const recorder = session.recorder!;
  const progress: Progress = { started: 0, ok: 0, fail: 0, info: 0, late: 0 };
  const counting = (session.counting = countingBytes(opened.client));
  const timeLimitMs = config.timeLimit === undefined ? undefined : config.timeLimit * 1000;
  await untilStartAt(config, stop.signal);
  // The anchor is read as the workers start: the wall clock is slewed by NTP while the
  // monotonic one is not, so an anchor near the ops maps them best.
  record.clock = clockRecord(run.origin, config);
  writeJsonAtomic(folder.runJson, record);
  const runStartNs = recorder.now();
  const clientFor = await faults?.splitWorkers(opened, config.concurrency, (c) => countingBytes(c, counting.bytes).client);
  faults?.start(opened, recorder, stop.signal);
  let outcome: WorkersOutcome;
  // Made just before the workers start: a bar's redraw timer would keep the process alive if
  // anything between threw.
  const display = showProgress(progress, () => (recorder.now() - runStartNs) / 1e6, timeLimitMs, config.ops);
  try {
    outcome = await runWorkers(
      {
        workload,
        client: counting.client,
        ...(clientFor ? { clientFor } : {}),
        recorder,
        concurrency: config.concurrency,
        limits: { timeLimitMs, ops: config.ops, rate: config.rate },
        opTimeoutMs: config.opTimeout,
        seed: config.seed,
        keys: config.keys,
        tuning: workloadTuning(config),
        valueSize: config.valueSize,
        stop: stop.signal,
        ...(config.shard ? { shard: { shard: config.shard, keysMode: config.keysMode ?? 'shared' } } : {}),
      },
      progress,
    );
  } finally {
    display.stop();
  }
  const reason = outcome.reason;
  if (faults) record.nemesis = { faults: config.nemesis, intervalS: config.nemesisInterval, count: await faults.heal() };
  // After faults, the final phase shows what they cost: lost writes, a store slow to converge.
  const quiesce = config.quiesce ?? (faults ? 1 : undefined);
  if (quiesce !== undefined && reason !== 'interrupted') {
    process.stderr.write(`final phase: ${quiesce} s of quiet, then every worker reads every key until they agree\n`);
    const final = await runFinalPhase({
      workload,
      client: counting.client,
      recorder,
      processes: outcome.processes,
      seed: config.seed,
      keys: config.keys,
      quiesceMs: quiesce * 1000,
      convergeTimeoutMs: 30_000,
      opTimeoutMs: config.opTimeout,
      stop: stop.signal,
    });
    record.finalPhase = { quiesceS: quiesce, ...final };
  }
  const downReason = session.downReason;
  record.complete = reason !== 'interrupted' && !record.finalPhase?.interrupted && !downReason;
  if (record.complete) recorder.end();
  recorder.close();
  session.phase = 'checking';
  record.stopReason = downReason ? 'target-down' : reason;
  if (downReason) record.error = downReason;
  record.end = new Date().toISOString();
  if (config.rate) record.lateOps = progress.late;
  writeJsonAtomic(folder.runJson, record);
}

/** Phase 4: the history read back and checked (with the store's ground truth when recorded); results.json written. */
async function checkRun(run: ResolvedRun, session: Session): Promise<Results> {
  const { config, folder, resultsDir } = run;
  // Too big to hold whole as objects in this process: checked as `objcheck check` checks the folder, key by key.
  const bound = config.maxMemoryMb === undefined ? {} : { maxMemoryMb: config.maxMemoryMb };
  const results = tooBigToHold(folder.history, bound) === undefined ? await checkWhole(run, session) : await checkFolder(run, session, bound);
  results.stats.bytes = bandwidth(session.counting!.bytes, results.stats.durationS);
  writeJsonAtomic(folder.resultsJson, results);
  // A shard's folder is one level down and only part of a test: `latest` is for whole runs.
  if (!config.shard) markLatest(resultsDir, folder.dir);
  return results;
}

/** The history read back whole and checked here, with the store's ground truth when recorded. */
async function checkWhole(run: ResolvedRun, session: Session): Promise<Results> {
  const { config, folder, record, workload, target } = run;
  const history = await readHistory(folder.history);
  const checkers = selectCheckers(checkerNamesFor(workload, history), { model: workload.model, checkTimeoutS: config.checkTimeout });
  // The emulator's record is whole only once it has stopped: close the target first.
  let groundTruth: GroundTruthEvent[] | undefined;
  if (config.groundTruth) {
    await session.closeTarget();
    groundTruth = readGroundTruth(join(folder.dir, 'ground-truth.jsonl'));
  }
  const checked = await runCheckers(history, checkers, record.complete, groundTruth ? { groundTruth } : undefined);
  return config.baseline ? applyBaseline(checked, config.baseline, target.name) : checked;
}

/** The run folder checked as `objcheck check` checks it (run.json names the workload and says whether the run completed); its warnings said. */
async function checkFolder(run: ResolvedRun, session: Session, bound: { maxMemoryMb?: number }): Promise<Results> {
  const { config, folder } = run;
  // The emulator's record is whole only once it has stopped.
  if (config.groundTruth) await session.closeTarget();
  const verdict = await checkFile(folder.dir, { ...bound, ...(config.baseline ? { baseline: config.baseline } : {}), ...(config.checkTimeout !== undefined ? { checkTimeout: config.checkTimeout } : {}) });
  if ('error' in verdict) throw new UserError(verdict.error);
  for (const w of verdict.warnings) process.stderr.write(`warning: ${w}\n`);
  return verdict.results;
}

/** Phase 5: report.html, and the summary on stdout. */
async function reportRun(run: ResolvedRun, results: Results): Promise<void> {
  const { added, folder, record, resultsDir, workload } = run;
  const { reportAfterRun } = await import('../report/main.js');
  const report = await reportAfterRun(folder.dir, resultsDir);
  if (report.warning) process.stderr.write(`warning: ${report.warning}\n`);
  if (added.length > 0) process.stdout.write(`${emulatorDefaultsLine(workload.name, added)}\n`);
  process.stdout.write(`${formatSummary(results)}\nrun folder: ${folder.dir}\n${report.report ? `report: ${report.report}\n` : ''}`);
  if (!record.complete) process.stdout.write(`the run ${record.stopReason === 'target-down' ? 'stopped because the target went down' : 'was interrupted'}: its history is incomplete\n`);
}

/**
 * Where the run's objects go. Shards with shared keys share the run's prefix, and keep their
 * objects (a shard that ends first would delete what the others still read; delete the prefix
 * after the merge); disjoint shards each have a prefix of their own, cleaned up as usual.
 */
function targetPlace(config: WorkloadConfig, name: string): { prefix: string; keepObjects?: boolean } {
  if (!config.shard) return { prefix: `objcheck/${name}/` };
  if ((config.keysMode ?? 'shared') === 'disjoint') return { prefix: `objcheck/${name}/shard-${config.shard.index}/` };
  if (!config.keepObjects) process.stderr.write(`shard ${config.shard.index}/${config.shard.count}: shared keys: the objects under objcheck/${name}/ are kept (other shards may still read them); delete them after the merge\n`);
  return { prefix: `objcheck/${name}/`, keepObjects: true };
}

/** With --start-at: wait for it (a SIGINT ends the wait; the workers then see the stop at once). */
async function untilStartAt(config: WorkloadConfig, stop: AbortSignal): Promise<void> {
  if (config.startAt === undefined) return;
  // Checked at launch; a slow opening (a preflight, a store starting) only makes the shard late.
  const wait = config.startAt - Date.now();
  if (wait <= 0) {
    if (-wait > START_AT_GRACE_MS) process.stderr.write(`warning: opening the target took past --start-at: starting ${(-wait / 1000).toFixed(1)} s late (the shards overlap less)\n`);
    return;
  }
  process.stderr.write(`waiting ${(wait / 1000).toFixed(1)} s for --start-at ${new Date(config.startAt).toISOString()}\n`);
  await sleep(wait, stop).catch(() => undefined);
}

/** --upload: the shard's folder into the bucket, where objcheck merge finds it by the run's name. */
async function uploadShard(run: ResolvedRun): Promise<void> {
  const { config, folder, name } = run;
  const { folderClient, parseS3Uri, uploadFolder } = await import('../runner/s3-folder.js');
  const place = parseS3Uri(config.upload!, '--upload');
  const s3 = folderClient(place, config.uploadEndpoint);
  try {
    const where = await uploadFolder(s3, folder.dir, place, `${name}/shard-${config.shard!.index}`);
    process.stdout.write(`uploaded: ${where}\n`);
  } catch (err) {
    throw new UserError(`--upload ${config.upload}: ${(err as Error).name}: ${(err as Error).message} (the shard's folder is kept in ${folder.dir})`);
  } finally {
    s3.destroy();
  }
}

/** A shard on keys other shards write too: its history alone is not a test (it misses their writes). */
function sharesKeys(config: WorkloadConfig): boolean {
  return config.shard !== undefined && config.shard.count > 1 && (config.keysMode ?? 'shared') === 'shared';
}

/**
 * The end of a shard on shared keys: checked alone, its reads of other shards' writes would be
 * "values no op wrote"; only the merge can check it. Exit 0 when it recorded to its end (a
 * Kubernetes Job counts the pod done), 2 when not.
 */
function shardRecorded(run: ResolvedRun): number {
  const { folder, record, config } = run;
  const { index, count } = config.shard!;
  process.stdout.write(`shard ${index}/${count} recorded (shared keys: checked only as a whole, by objcheck merge)\nrun folder: ${folder.dir}\n`);
  if (!record.complete) process.stdout.write(`the shard ${record.stopReason === 'target-down' ? 'stopped because the target went down' : 'was interrupted'}: its history is incomplete\n`);
  return record.complete ? EXIT.valid : EXIT.unknown;
}

/** The options of particular workloads that the command line gave (the runner passes them on untouched). */
function workloadTuning(config: WorkloadConfig): WorkloadTuning {
  return {
    ...(config.maxAge !== undefined ? { maxAge: config.maxAge } : {}),
    ...(config.lagSpanMs !== undefined ? { lagSpanMs: config.lagSpanMs } : {}),
  };
}

/**
 * The config with the emulator's knobs that the workload needs and the user did not give
 * (Workload.emulatorDefaults), and those added as command-line words ("--policy-delay 1000").
 */
export function withEmulatorDefaults(config: WorkloadConfig, workload: Workload): { config: WorkloadConfig; added: string[] } {
  const defaults = workload.emulatorDefaults;
  if (config.target !== 'emulator' || defaults === undefined) return { config, added: [] };
  const given = new Set(config.emulatorFlags.map((f) => f.replace(/^--/, '').replace(/=.*$/, '')));
  const flags: string[] = [];
  const added: string[] = [];
  for (const [name, value] of Object.entries(defaults.flags)) {
    if (given.has(name)) continue;
    flags.push(value === true ? `--${name}` : `--${name}=${value}`);
    added.push(value === true ? `--${name}` : `--${name} ${value}`);
  }
  const readTarget = config.readTarget ?? defaults.readTarget;
  if (config.readTarget === undefined && defaults.readTarget !== undefined) added.push(`--read-target ${defaults.readTarget}`);
  const groundTruth = config.groundTruth || defaults.groundTruth === true;
  if (!config.groundTruth && groundTruth) added.push('--ground-truth');
  return { config: { ...config, emulatorFlags: [...config.emulatorFlags, ...flags], ...(readTarget !== undefined ? { readTarget } : {}), groundTruth }, added };
}

function emulatorDefaultsLine(workload: string, added: readonly string[]): string {
  return `emulator: ${added.join(' ')} (the ${workload} workload needs ${added.length === 1 ? 'it' : 'them'}: ${added.length === 1 ? 'its default' : 'their defaults'}; pass ${added.length === 1 ? 'it' : 'them'} to choose)`;
}

