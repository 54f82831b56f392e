// Latency, jitter and throughput per f over time, aggregated into time slices in TypeScript so
// that a chart holds a few hundred points however long the run was.

import { quantile } from '../history/stats.js';
import type { History, Op } from '../history/event.js';
import { toAxis, type TimeAxis } from './time-axis.js';

export interface LatencyPoint {
  f: string;
  /** slice start and end (axis units) */
  s: number;
  e: number;
  /** ms (or steps) */
  p50: number;
  p90: number;
  p99: number;
  max: number;
  n: number;
}

export interface JitterPoint {
  f: string;
  s: number;
  e: number;
  /** p99 - p50, the spread a tail-sensitive client feels */
  spread: number;
  /** p90 - p50 */
  iqr: number;
  sd: number;
}

export interface ThroughputPoint {
  f: string;
  s: number;
  e: number;
  /** Completed ops a second (or a step) by outcome. */
  outcome: 'ok' | 'fail' | 'info';
  rate: number;
}

export interface LatencySummaryRow {
  f: string;
  count: number;
  mean: number;
  sd: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
}

export interface EcdfPoint {
  f: string;
  ms: number;
  /** Fraction of the f's ops with latency at or below ms. */
  q: number;
}

export interface Series {
  latency: LatencyPoint[];
  jitter: JitterPoint[];
  throughput: ThroughputPoint[];
  summary: LatencySummaryRow[];
  ecdf: EcdfPoint[];
  /** Slice width in axis units. */
  slice: number;
  fs: string[];
}

/** Latency of an op that ended (ok or fail), in ms for clock times, in steps otherwise. */
function latency(op: Op, axis: TimeAxis): number | null {
  if (op.completeTime === null || op.type === 'info' || op.type === 'open') return null;
  const d = op.completeTime - op.invokeTime;
  return axis.unit === 's' ? d / 1e6 : d;
}

const r3 = (x: number) => Math.round(x * 1000) / 1000;

/**
 * Slices the run into at most `slices` equal spans and summarizes each f's completed ops in each
 * (by completion time, as a client counts throughput). The ECDF keeps at most `ecdfPoints` points
 * per f, evenly spaced in rank, plus the maximum.
 */
export function series(history: History, axis: TimeAxis, endNs: number, slices = 200, ecdfPoints = 400): Series {
  const first = history.ops[0]?.invokeTime ?? 0;
  const sliceNs = Math.max(1, Math.ceil((endNs - first + 1) / slices));
  const fs = [...new Set(history.ops.map((o) => o.f))].sort();
  const perSlice = new Map<string, { lat: number[]; ok: number; fail: number; info: number }>();
  const all = new Map<string, number[]>();
  for (const op of history.ops) {
    const at = op.completeTime ?? null;
    if (at === null) continue;
    const b = Math.floor((at - first) / sliceNs);
    const id = `${op.f}\u0000${b}`;
    let cell = perSlice.get(id);
    if (!cell) perSlice.set(id, (cell = { lat: [], ok: 0, fail: 0, info: 0 }));
    if (op.type === 'ok' || op.type === 'fail' || op.type === 'info') cell[op.type]++;
    const l = latency(op, axis);
    if (l !== null) {
      cell.lat.push(l);
      let list = all.get(op.f);
      if (!list) all.set(op.f, (list = []));
      list.push(l);
    }
  }
  const perSecond = axis.unit === 's' ? 1e9 / sliceNs : 1 / sliceNs;
  const latencyOut: LatencyPoint[] = [];
  const jitter: JitterPoint[] = [];
  const throughput: ThroughputPoint[] = [];
  const keys = [...perSlice.keys()].map((k) => k.split('\u0000') as [string, string]).sort((a, b) => a[0].localeCompare(b[0]) || Number(a[1]) - Number(b[1]));
  for (const [f, bText] of keys) {
    const cell = perSlice.get(`${f}\u0000${bText}`)!;
    const b = Number(bText);
    const s = toAxis(axis, first + b * sliceNs);
    const e = toAxis(axis, Math.min(endNs, first + (b + 1) * sliceNs));
    for (const outcome of ['ok', 'fail', 'info'] as const) {
      if (cell[outcome] > 0) throughput.push({ f, s, e, outcome, rate: r3(cell[outcome] * perSecond) });
    }
    if (cell.lat.length === 0) continue;
    const sorted = Float64Array.from(cell.lat).sort();
    const q = (x: number) => r3(quantile(sorted, x));
    latencyOut.push({ f, s, e, p50: q(0.5), p90: q(0.9), p99: q(0.99), max: r3(sorted[sorted.length - 1]!), n: sorted.length });
    jitter.push({ f, s, e, spread: r3(quantile(sorted, 0.99) - quantile(sorted, 0.5)), iqr: r3(quantile(sorted, 0.9) - quantile(sorted, 0.5)), sd: r3(stdev(sorted)) });
  }
  const summary: LatencySummaryRow[] = [];
  const ecdf: EcdfPoint[] = [];
  for (const f of [...fs, ...(fs.length > 1 ? ['all'] : [])]) {
    const values = f === 'all' ? [...all.values()].flat() : (all.get(f) ?? []);
    if (values.length === 0) continue;
    const sorted = Float64Array.from(values).sort();
    const q = (x: number) => r3(quantile(sorted, x));
    summary.push({ f, count: sorted.length, mean: r3(mean(sorted)), sd: r3(stdev(sorted)), p50: q(0.5), p90: q(0.9), p99: q(0.99), p999: q(0.999), max: r3(sorted[sorted.length - 1]!) });
    if (f !== 'all') ecdf.push(...ecdfOf(f, sorted, ecdfPoints));
  }
  return { latency: latencyOut, jitter, throughput, summary, ecdf, slice: toAxis(axis, sliceNs), fs };
}

/** Points of the empirical CDF at evenly spaced ranks; the last point is the maximum. */
export function ecdfOf(f: string, sorted: ArrayLike<number>, points: number): EcdfPoint[] {
  const n = sorted.length;
  const out: EcdfPoint[] = [];
  const step = Math.max(1, Math.floor(n / points));
  for (let i = step - 1; i < n; i += step) out.push({ f, ms: r3(sorted[i]!), q: r3((i + 1) / n) });
  if (n > 0 && out.at(-1)?.q !== 1) out.push({ f, ms: r3(sorted[n - 1]!), q: 1 });
  return out;
}

function mean(xs: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i]!;
  return xs.length ? s / xs.length : 0;
}

function stdev(xs: ArrayLike<number>): number {
  if (xs.length < 2) return 0;
  const m = mean(xs);
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += (xs[i]! - m) ** 2;
  return Math.sqrt(s / (xs.length - 1));
}
