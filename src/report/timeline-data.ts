// The timeline's data: one bar per op while they are few enough to see; past that, an overview
// aggregated per process and time slice, the ops (all, or those near anomalies when all would
// not fit the marks budget) drawn one by one once zoomed in.

import { describeOp } from '../../checkers/describe.js';
import { lastEventTime, type History, type Op } from '../history/event.js';
import { aggregate, type Cell, type Outcome } from './timeline-cells.js';
import { toAxis, type TimeAxis } from './time-axis.js';

export type { Cell, Outcome };

/** One op as a bar. Short field names: a 100,000-op report embeds many of these. */
export interface OpMark {
  /** process */
  p: number;
  /** invoked (axis units) */
  s: number;
  /** completed, or the chart's end for info and open ops (they may take effect until then) */
  e: number;
  t: Outcome;
  f: string;
  k?: string;
  /** description: `get(k3) → 17` */
  d: string;
  /** invoke index, the op's id in anomalies and links */
  i: number;
  /** latency in ms (or steps), absent when the op never completed */
  l?: number;
  err?: string;
  /** kinds of anomaly the op is involved in, joined */
  a?: string;
}

export interface TimelineData {
  /** Ops drawn one by one: all of them, or (with cells) the detail shown once zoomed in. */
  ops: OpMark[];
  cells: Cell[];
  /** Anomalous ops again, drawn as outlines on top of whatever else is drawn. */
  anomalies: OpMark[];
  processes: number[];
  end: number;
  /** Slice width of the overview in axis units, when aggregated. */
  slice: number | null;
  /**
   * With cells: the widest view (axis units) in which `ops` are drawn, the ones in view only;
   * wider, they would be thinner than a pixel, and thousands of them cost the page seconds.
   */
  detailSpan: number | null;
  /** What was left out, for the note under the chart; null when everything is drawn. */
  note: string | null;
}

/**
 * Ops a timeline draws one by one at full width: past this, an op is about a pixel wide or
 * less, and each bar costs the page its encoding (interpreted under the CSP) at every draw.
 */
export const DRAWN_AT_ONCE = 5_000;

export function opMark(op: Op, axis: TimeAxis, end: number, kinds?: readonly string[]): OpMark {
  const done = op.type === 'ok' || op.type === 'fail' ? op.completeTime : null;
  const m: OpMark = {
    p: op.process,
    s: toAxis(axis, op.invokeTime),
    e: toAxis(axis, done ?? end),
    t: op.type,
    f: op.f,
    d: describeOp(op),
    i: op.invokeIndex,
  };
  if (op.key !== undefined) m.k = op.key;
  if (done !== null) m.l = axis.unit === 's' ? Math.round((done - op.invokeTime) / 1e3) / 1e3 : done - op.invokeTime;
  if (op.error !== undefined) m.err = op.error;
  if (kinds && kinds.length > 0) m.a = kinds.join(', ');
  return m;
}

/** The history's end: its last event (an info op's bar runs to it). */
export function historyEnd(history: History): number {
  return lastEventTime(history);
}

/**
 * Lays out the timeline within `budget` marks. Up to `atOnce` ops (and up to the budget): every
 * op. Past that, an aggregated overview (at most budget/2 cells) with ops shown once zoomed in to
 * a view of `detailSpan`: every op if they fit the rest of the budget, otherwise those
 * overlapping each anomaly's time span (anomalies in order until the budget is spent).
 */
export function timelineData(history: History, axis: TimeAxis, anomalyOps: ReadonlyMap<number, readonly string[]>, budget: number, atOnce = DRAWN_AT_ONCE): TimelineData {
  const endNs = historyEnd(history);
  const end = toAxis(axis, endNs);
  const processes = [...new Set(history.ops.map((o) => o.process))].sort((a, b) => a - b);
  const flagged = history.ops.filter((o) => anomalyOps.has(o.invokeIndex));
  const anomalyBudget = Math.floor(budget / 4);
  const anomalies = flagged.slice(0, anomalyBudget).map((o) => opMark(o, axis, endNs, anomalyOps.get(o.invokeIndex)));
  const anomalyNote = flagged.length > anomalyBudget ? ` Only the first ${anomalyBudget.toLocaleString('en-US')} of ${flagged.length.toLocaleString('en-US')} ops involved in anomalies are outlined.` : '';
  const opsBudget = budget - anomalies.length;
  const mark = (o: Op) => opMark(o, axis, endNs, anomalyOps.get(o.invokeIndex));
  if (history.ops.length <= Math.min(opsBudget, atOnce)) {
    return { ops: history.ops.map(mark), cells: [], anomalies, processes, end, slice: null, detailSpan: null, note: anomalyNote ? anomalyNote.trim() : null };
  }
  const { cells, sliceNs } = aggregate(history.ops, endNs, Math.floor(opsBudget / 2));
  const room = opsBudget - cells.length;
  const detail = history.ops.length <= room ? { drawn: [...history.ops], spans: 0, totalSpans: 0 } : opsNearAnomalies(history.ops, flagged, room);
  // A view holding about `atOnce` ops at the run's mean rate.
  const detailNs = ((endNs - (history.ops[0]?.invokeTime ?? 0)) * atOnce) / history.ops.length;
  const n = (x: number) => x.toLocaleString('en-US');
  const span = (ns: number) => (axis.unit === 's' ? `${+(ns / 1e6).toPrecision(3)} ms` : `${n(Math.round(ns))} steps`);
  const which =
    history.ops.length <= room
      ? 'Every op is drawn individually on top'
      : flagged.length > 0
        ? `The ${n(detail.drawn.length)} ops overlapping ${detail.spans === detail.totalSpans ? 'the' : `${n(detail.spans)} of the ${n(detail.totalSpans)}`} time spans of anomalous ops are drawn individually on top`
        : '';
  const note =
    `${n(history.ops.length)} ops are too many to draw one by one: the overview shows ${n(cells.length)} cells, ` +
    `each one process's ops over one or more slices of ${span(sliceNs)} (neighbouring slices of the same worst outcome merged), coloured by that outcome (hover for counts). ` +
    (which ? `${which} once the view spans ${span(detailNs)} or less (zoom in, or follow an anomaly's link).` : 'No anomaly was found, so no op is drawn individually.') +
    anomalyNote;
  return { ops: detail.drawn.map(mark), cells: cells.map((c) => ({ ...c, s: toAxis(axis, c.s), e: toAxis(axis, c.e) })), anomalies, processes, end, slice: toAxis(axis, sliceNs), detailSpan: toAxis(axis, detailNs), note };
}

/**
 * The ops that overlap the time span of each group of overlapping anomalous ops, groups taken
 * in time order until `max` ops are chosen. `ops` are in invocation order (so by invoke time).
 */
export function opsNearAnomalies(ops: readonly Op[], flagged: readonly Op[], max: number): { drawn: Op[]; spans: number; totalSpans: number } {
  const spans = flagged.map((o) => [o.invokeTime, o.completeTime ?? o.invokeTime] as [number, number]).sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const s of spans) {
    const last = merged.at(-1);
    if (last && s[0] <= last[1]) last[1] = Math.max(last[1], s[1]);
    else merged.push([...s]);
  }
  // An op overlapping [from, to] was invoked after from - (the longest latency), or never ended.
  let longest = 0;
  const unended: Op[] = [];
  for (const o of ops) {
    if (o.completeTime === null || o.type === 'info') unended.push(o);
    else longest = Math.max(longest, o.completeTime - o.invokeTime);
  }
  const chosen = new Set<number>();
  let used = 0;
  for (const [from, to] of merged) {
    const fresh = new Set<number>();
    for (let i = firstInvokedAtOrAfter(ops, from - longest); i < ops.length && ops[i]!.invokeTime <= to; i++) {
      const o = ops[i]!;
      if ((o.completeTime ?? Infinity) >= from && !chosen.has(o.invokeIndex)) fresh.add(o.invokeIndex);
    }
    for (const o of unended) if (o.invokeTime <= to && !chosen.has(o.invokeIndex)) fresh.add(o.invokeIndex);
    if (chosen.size + fresh.size > max) break;
    for (const i of fresh) chosen.add(i);
    used++;
  }
  return { drawn: ops.filter((o) => chosen.has(o.invokeIndex)), spans: used, totalSpans: merged.length };
}

function firstInvokedAtOrAfter(ops: readonly Op[], t: number): number {
  let lo = 0;
  let hi = ops.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ops[mid]!.invokeTime < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
