import { nearestRankQuantiles } from '../util/select.js';
import { lastEventTime, type History, type Op } from './event.js';

export interface LatencySummary {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

export interface HistoryStats {
  /** Operations by f, then by outcome (ok, fail, info, open). */
  ops: Record<string, Record<string, number>>;
  total: number;
  /** From the first invocation to the last event, in seconds. */
  durationS: number;
  /** Completed operations a second over the duration. */
  opsPerS: number;
  /** Latency in ms of operations that completed ok or fail, by f. */
  latencyMs: Record<string, LatencySummary>;
  /** Bytes of object bodies moved, when the run counted them (a history alone does not say). */
  bytes?: Bandwidth;
}

export interface Bandwidth {
  written: number;
  read: number;
  /** (written + read) a second over the history's duration. */
  perS: number;
}

/** Byte counts of a run as bandwidth over its duration. */
export function bandwidth(counts: { written: number; read: number }, durationS: number): Bandwidth {
  return { written: counts.written, read: counts.read, perS: durationS > 0 ? (counts.written + counts.read) / durationS : 0 };
}

/** Counts and latency quantiles of a history: what the summary and the report show. */
export function historyStats(history: History): HistoryStats {
  const acc = new StatsAccumulator();
  for (const op of history.ops) acc.add(op.f, op.type, op.invokeTime, op.completeTime);
  return acc.finish(history.ops[0]?.invokeTime ?? 0, lastEventTime(history));
}

/** historyStats op by op, for a reader that never holds the ops (a history checked in compact form). */
export class StatsAccumulator {
  private readonly ops: Record<string, Record<string, number>> = {};
  /** Latencies by f, in typed arrays that grow by doubling: millions of numbers, sorted at the end. */
  private readonly latencies = new Map<string, { ms: Float64Array; n: number }>();
  private completed = 0;
  private total = 0;

  add(f: string, type: Op['type'], invokeTime: number, completeTime: number | null): void {
    this.total++;
    const byType = (this.ops[f] ??= { ok: 0, fail: 0, info: 0, open: 0 });
    byType[type] = (byType[type] ?? 0) + 1;
    if (completeTime !== null && type !== 'info') {
      this.completed++;
      let l = this.latencies.get(f);
      if (!l) this.latencies.set(f, (l = { ms: new Float64Array(1024), n: 0 }));
      if (l.n === l.ms.length) {
        const bigger = new Float64Array(l.n * 2);
        bigger.set(l.ms);
        l.ms = bigger;
      }
      l.ms[l.n++] = (completeTime - invokeTime) / 1e6;
    }
  }

  /** Ops of `f` counted elsewhere (a chunk's, on its thread): as many add() calls, in any order. `latencies`: of the ok and fail ones. */
  addPaired(f: string, ok: number, fail: number, info: number, latencies: Float64Array): void {
    const byType = (this.ops[f] ??= { ok: 0, fail: 0, info: 0, open: 0 });
    byType['ok'] = (byType['ok'] ?? 0) + ok;
    byType['fail'] = (byType['fail'] ?? 0) + fail;
    byType['info'] = (byType['info'] ?? 0) + info;
    this.total += ok + fail + info;
    if (latencies.length === 0) return;
    this.completed += latencies.length;
    let l = this.latencies.get(f);
    if (!l) this.latencies.set(f, (l = { ms: new Float64Array(Math.max(1024, latencies.length)), n: 0 }));
    if (l.n + latencies.length > l.ms.length) {
      const bigger = new Float64Array(Math.max(l.ms.length * 2, l.n + latencies.length));
      bigger.set(l.ms.subarray(0, l.n));
      l.ms = bigger;
    }
    l.ms.set(latencies, l.n);
    l.n += latencies.length;
  }

  /** The stats, given the first op's invocation and the last event's time. */
  finish(firstInvokeTime: number, lastEventTime: number): HistoryStats {
    return finishStats(this.tally(firstInvokeTime, lastEventTime));
  }

  /**
   * What the stats are made of (finishStats makes them), to hand to another thread. Once, at the
   * end: the latencies go with it, not copied (a 10M-op history's are ~100 MB), and are then
   * the tally's alone.
   */
  tally(firstInvokeTime: number, lastEventTime: number): StatsTally {
    const latencies: StatsTally['latencies'] = [...this.latencies].map(([f, l]) => ({ f, ms: l.ms.subarray(0, l.n) }));
    this.latencies.clear();
    return { ops: this.ops, latencies, completed: this.completed, total: this.total, firstInvokeTime, lastEventTime };
  }
}

/** The counts and latencies the stats are made of, once every op is in. */
export interface StatsTally {
  ops: HistoryStats['ops'];
  latencies: { f: string; ms: Float64Array }[];
  completed: number;
  total: number;
  firstInvokeTime: number;
  lastEventTime: number;
}

/** The latencies' arrays of a tally, to transfer rather than copy. */
export const tallyBuffers = (t: StatsTally): ArrayBuffer[] => t.latencies.map((l) => l.ms.buffer as ArrayBuffer);

/** The stats of a tally (its latencies reordered): the quantiles selected, which is most of the work. */
export function finishStats(t: StatsTally): HistoryStats {
  const durationS = Math.max(0, t.lastEventTime - t.firstInvokeTime) / 1e9;
  const latencyMs: Record<string, LatencySummary> = {};
  // By code point: localeCompare would load ICU's collator (~10 ms) for a few ASCII names.
  const byF = [...t.latencies].sort(({ f: a }, { f: b }) => (a < b ? -1 : a > b ? 1 : 0));
  const all = new Float64Array(byF.reduce((n, l) => n + l.ms.length, 0));
  let at = 0;
  for (const l of byF) {
    all.set(l.ms, at);
    at += l.ms.length;
  }
  for (const l of byF) latencyMs[l.f] = summarize(l.ms);
  if (all.length > 0) latencyMs['all'] = summarize(all);
  return {
    ops: t.ops,
    total: t.total,
    durationS,
    opsPerS: durationS > 0 ? t.completed / durationS : 0,
    latencyMs,
  };
}

/** The summary of latencies (reordered: their quantiles are selected, not sorted for). */
function summarize(values: Float64Array): LatencySummary {
  const [p50, p90, p99, max] = nearestRankQuantiles(values, [0.5, 0.9, 0.99, 1]);
  return { count: values.length, p50: p50 ?? 0, p90: p90 ?? 0, p99: p99 ?? 0, max: max ?? 0 };
}

/** Nearest-rank quantile of sorted values. */
export function quantile(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.ceil(q * sorted.length) - 1;
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))]!;
}
