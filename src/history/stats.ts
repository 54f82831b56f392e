import type { History } from './event.js';

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
  const ops: Record<string, Record<string, number>> = {};
  const latencies = new Map<string, number[]>();
  let completed = 0;
  for (const op of history.ops) {
    const byType = (ops[op.f] ??= { ok: 0, fail: 0, info: 0, open: 0 });
    byType[op.type] = (byType[op.type] ?? 0) + 1;
    if (op.completeTime !== null && op.type !== 'info') {
      completed++;
      let l = latencies.get(op.f);
      if (!l) latencies.set(op.f, (l = []));
      l.push((op.completeTime - op.invokeTime) / 1e6);
    }
  }
  const first = history.ops[0]?.invokeTime ?? 0;
  const last = history.events.at(-1)?.time ?? 0;
  const durationS = Math.max(0, last - first) / 1e9;
  const latencyMs: Record<string, LatencySummary> = {};
  // By code point: localeCompare would load ICU's collator (~10 ms) for a few ASCII names.
  for (const [f, l] of [...latencies].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) latencyMs[f] = summarize(l);
  const all = [...latencies.values()].flat();
  if (all.length > 0) latencyMs['all'] = summarize(all);
  return {
    ops,
    total: history.ops.length,
    durationS,
    opsPerS: durationS > 0 ? completed / durationS : 0,
    latencyMs,
  };
}

function summarize(values: number[]): LatencySummary {
  const sorted = Float64Array.from(values).sort();
  return {
    count: sorted.length,
    p50: quantile(sorted, 0.5),
    p90: quantile(sorted, 0.9),
    p99: quantile(sorted, 0.99),
    max: sorted[sorted.length - 1] ?? 0,
  };
}

/** Nearest-rank quantile of sorted values. */
export function quantile(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.ceil(q * sorted.length) - 1;
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))]!;
}
