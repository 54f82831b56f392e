// A worker thread of ThreadPool (pool.ts): scans chunks of a history file into columns (and pairs
// their ops into per-key records), checks partitions handed over as op records and makes the
// other checkers' parts of a key from them (their byKey), runs the visibility checker's
// estimates and finishes the stats. What crosses is typed arrays, string tables and the parts.
import { parentPort, workerData } from 'node:worker_threads';
import type { CheckOptions } from '../../../checkers/checker.js';
import { checkPartition, REDUCED_BUDGET, type Budget } from '../../../checkers/linearizable/index.js';
import { checkerNamed } from '../part-checker.js';
import { resample } from '../../../checkers/staleness/bootstrap.js';
import { estimate, prepareShared } from '../../../checkers/staleness/visibility-estimate.js';
import type { EstimateJob } from '../../../checkers/visibility.js';
import { chunkOpsBuffers, pairScan } from '../../history/chunk-ops.js';
import { columnBuffers, type EventColumns } from '../../history/columns.js';
import type { History, HistoryEvent } from '../../history/event.js';
import { scanChunk } from '../../history/lines.js';
import { decodeOps, gatherRecords } from '../../history/op-records.js';
import { finishStats, type StatsTally } from '../../history/stats.js';

export interface ScanJob {
  /** `pair`: the chunk's ops paired here too (ChunkScan.ops). */
  scan: { file: string; start: number; end: number; size: number; keepRaw: boolean; pair?: boolean };
}

export interface CheckJob {
  /**
   * `at`: the partition's places in `records`, which all partitions share; absent, the records
   * are its own. `parts`: the named checkers' parts of the key too (their byKey.keyPart).
   */
  check: { model: string; records: Float64Array; at?: Int32Array; full: Budget; reduced: Budget | null; parts?: { names: string[]; options: CheckOptions } };
}

export interface KeyJob {
  /**
   * One key's records: each named checker's part of it (its byKey.keyPart), or with `question`,
   * the one named checker's answer to it.
   */
  key: { names: string[]; options: CheckOptions; question?: unknown; records: Float64Array };
}

export interface PoolData {
  /**
   * When the first partition found not linearizable was found, plus the reduced budget's time
   * (Date.now() ms; 0 before): shared by every thread, so that partitions started after it get
   * the reduced budget, as when one thread checks them all in order.
   */
  failedAt: SharedArrayBuffer;
}

type Checkers = (typeof import('../../../checkers/registry.js'))['checkers'];
/** Every checker by name: loaded by the first job that needs a checker's parts (a check of a big history's keys). */
let registry: Promise<Checkers> | undefined;

/** Answers job `id` with what `work` makes with the checkers, once loaded. */
function withCheckers(id: number, work: (checkers: Checkers) => unknown): void {
  registry ??= import('../../../checkers/registry.js').then((r) => r.checkers);
  registry.then((checkers) => parentPort!.postMessage({ id, ok: work(checkers) })).catch((err: unknown) => parentPort!.postMessage({ id, crash: err instanceof Error ? (err.stack ?? err.message) : String(err) }));
}

const failedAt = new BigInt64Array((workerData as PoolData).failedAt);
let strings: readonly string[] = [];
/** The history's nemesis events, for the checkers' parts of a key (each key's history carries them all). */
let nemesis: HistoryEvent[] = [];
/** The history's event count and last time (History.end): each key's history carries them. */
let end: History['end'];
/** The last paired chunk's whole columns, which did not cross: the next scan writes over them (no allocation, no garbage). */
let spare: EventColumns | undefined;

/** A history's stats to finish (their quantiles) while the other threads check. */
export interface StatsJob {
  stats: StatsTally;
}

parentPort!.on('message', (m: { id: number } & (ScanJob | CheckJob | EstimateJob | StatsJob | KeyJob | { strings: string[]; nemesis?: HistoryEvent[]; end?: History['end'] })) => {
  if ('strings' in m) {
    strings = m.strings;
    nemesis = m.nemesis ?? [];
    end = m.end;
    return;
  }
  try {
    if ('scan' in m) {
      const s = m.scan;
      const scanned = scanChunk(s.file, s.start, s.end, s.size, s.keepRaw, spare);
      spare = s.pair ? pairScan(scanned) : undefined;
      parentPort!.postMessage({ id: m.id, ok: scanned }, [...columnBuffers(scanned.columns), ...(scanned.ops ? chunkOpsBuffers(scanned.ops) : [])]);
      return;
    }
    if ('stats' in m) {
      parentPort!.postMessage({ id: m.id, ok: finishStats(m.stats) });
      return;
    }
    if ('key' in m) {
      const { names, options, question, records } = m.key;
      return withCheckers(m.id, (checkers) => {
        const history: History = { events: [], ops: decodeOps(records, strings), nemesis, ...(end ? { end } : {}) };
        const byKey = names.map((n) => checkerNamed(n, checkers)!.byKey!);
        return question === undefined ? byKey.map((b) => b.keyPart(history, options)) : byKey[0]!.answer!(history, question);
      });
    }
    if ('estimate' in m) {
      const e = m.estimate;
      parentPort!.postMessage({ id: m.id, ok: estimate(e.columns, e.minBin, e.resamples, e.seed) });
      return;
    }
    if ('prepare' in m) {
      parentPort!.postMessage({ id: m.id, ok: prepareShared(m.prepare.columns, m.prepare.minBin) ?? null });
      return;
    }
    if ('resample' in m) {
      const r = m.resample;
      parentPort!.postMessage({ id: m.id, ok: resample(r.input, r.seed, r.count, r.from) });
      return;
    }
    const { model, at: places, full, reduced, parts } = m.check;
    const records = places ? gatherRecords(m.check.records, places) : m.check.records;
    const check = (checkers?: Checkers) => {
      const ops = decodeOps(records, strings);
      // The other checkers' parts of this key first, from the same ops: they only read them. One
      // history for all: what they share of it (its register index, its reads' sources) is made once.
      const history: History = { events: [], ops, nemesis, ...(end ? { end } : {}) };
      const made = parts && checkers ? parts.names.map((n) => checkerNamed(n, checkers)!.byKey!.keyPart(history, parts.options)) : undefined;
      const at = Number(Atomics.load(failedAt, 0));
      const budget = at > 0 && reduced ? { ...reduced, deadline: Math.min(reduced.deadline ?? Infinity, at) } : full;
      const result = checkPartition(model, ops, budget);
      if (result.valid === false && reduced) Atomics.compareExchange(failedAt, 0, 0n, BigInt(Date.now() + reduced.timeoutMs));
      if (budget !== full && result.valid === 'unknown') result.reason = `${result.reason} ${REDUCED_BUDGET}`;
      return { result, reduced: budget !== full, ...(made ? { parts: made } : {}) };
    };
    if (parts) return withCheckers(m.id, check);
    parentPort!.postMessage({ id: m.id, ok: check() });
  } catch (err) {
    parentPort!.postMessage({ id: m.id, crash: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  }
});
