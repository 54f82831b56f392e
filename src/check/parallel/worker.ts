// A worker thread of ThreadPool (pool.ts): scans chunks of a history file into columns, and
// checks partitions handed over as op records, and runs the visibility checker's estimates. What
// crosses is typed arrays and string tables.
import { parentPort, workerData } from 'node:worker_threads';
import { checkPartition, REDUCED_BUDGET, type Budget } from '../../../checkers/linearizable/index.js';
import { estimate } from '../../../checkers/staleness/visibility-estimate.js';
import type { EstimateJob } from '../../../checkers/visibility.js';
import { chunkOpsBuffers, pairScan } from '../../history/chunk-ops.js';
import { columnBuffers, type EventColumns } from '../../history/columns.js';
import { scanChunk } from '../../history/lines.js';
import { decodeOps, gatherRecords } from '../../history/op-records.js';
import { finishStats, type StatsTally } from '../../history/stats.js';

export interface ScanJob {
  /** `pair`: the chunk's ops paired here too (ChunkScan.ops). */
  scan: { file: string; start: number; end: number; size: number; keepRaw: boolean; pair?: boolean };
}

export interface CheckJob {
  /** `at`: the partition's places in `records`, which all partitions share; absent, the records are its own. */
  check: { model: string; records: Float64Array; at?: Int32Array; full: Budget; reduced: Budget | null };
}

export interface PoolData {
  /**
   * When the first partition found not linearizable was found, plus the reduced budget's time
   * (Date.now() ms; 0 before): shared by every thread, so that partitions started after it get
   * the reduced budget, as when one thread checks them all in order.
   */
  failedAt: SharedArrayBuffer;
}

const failedAt = new BigInt64Array((workerData as PoolData).failedAt);
let strings: readonly string[] = [];
/** The last paired chunk's whole columns, which did not cross: the next scan writes over them (no allocation, no garbage). */
let spare: EventColumns | undefined;

/** A history's stats to finish (their quantiles) while the other threads check. */
export interface StatsJob {
  stats: StatsTally;
}

parentPort!.on('message', (m: { id: number } & (ScanJob | CheckJob | EstimateJob | StatsJob | { strings: string[] })) => {
  if ('strings' in m) {
    strings = m.strings;
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
    if ('estimate' in m) {
      const e = m.estimate;
      parentPort!.postMessage({ id: m.id, ok: estimate(e.columns, e.minBin, e.resamples, e.seed) });
      return;
    }
    const { model, at: places, full, reduced } = m.check;
    const records = places ? gatherRecords(m.check.records, places) : m.check.records;
    const at = Number(Atomics.load(failedAt, 0));
    const budget = at > 0 && reduced ? { ...reduced, deadline: Math.min(reduced.deadline ?? Infinity, at) } : full;
    const result = checkPartition(model, decodeOps(records, strings), budget);
    if (result.valid === false && reduced) Atomics.compareExchange(failedAt, 0, 0n, BigInt(Date.now() + reduced.timeoutMs));
    if (budget !== full && result.valid === 'unknown') result.reason = `${result.reason} ${REDUCED_BUDGET}`;
    parentPort!.postMessage({ id: m.id, ok: { result, reduced: budget !== full } });
  } catch (err) {
    parentPort!.postMessage({ id: m.id, crash: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  }
});
