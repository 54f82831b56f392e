// Porcupine's idea for a linearizability failure: show only that key, only around the failure,
// with the longest linearizable prefix found and the op that could not be placed after it.

import type { CheckResult } from '../../checkers/checker.js';
import { sentence } from '../../checkers/explain.js';
import type { Counterexample } from '../../checkers/linearizable/partition.js';
import type { History } from '../history/event.js';
import { historyEnd, opMark, type OpMark } from './timeline-data.js';
import { toAxis, type TimeAxis } from './time-axis.js';

export type Role = 'stuck' | 'window' | 'prefix' | 'other';

export interface CxMark extends OpMark {
  role: Role;
  /** Place in the longest linearizable prefix (from 1), for prefix ops. */
  order?: number;
  /** Bar label: the description, numbered when in the prefix. */
  label: string;
  /** For a labelled op followed on its row by another: where that one starts; the label stops before it. */
  next?: number;
}

export interface CounterexampleView {
  key: string;
  explanation: string;
  how: string | null;
  marks: CxMark[];
  from: number;
  to: number;
  /** The window's own bounds (axis units), shaded on the chart. */
  window: { from: number; to: number } | null;
  prefix: Counterexample['prefix'];
  stuck: string[];
  note: string | null;
}

/** The counterexamples of the linearizable checker, aligned with its anomalies (same order). */
export function counterexamples(result: CheckResult | undefined): Counterexample[] {
  return Array.isArray(result?.counterexamples) ? (result.counterexamples as Counterexample[]) : [];
}

/**
 * The ops of the counterexample's key overlapping the span of its window, stuck op and the last
 * ops of its prefix (padded by a twentieth on each side). At most `max` ops: the ones with a
 * role first, then the others in time order.
 */
export function counterexampleView(history: History, cx: Counterexample, axis: TimeAxis, max = 300): CounterexampleView {
  const endNs = historyEnd(history);
  const refs = [...(cx.window?.ops ?? []), ...cx.stuck, ...(cx.prefix?.last ?? [])];
  const times = refs.flatMap((r) => (r.completeTime === null ? [r.invokeTime] : [r.invokeTime, r.completeTime]));
  if (cx.window) times.push(cx.window.from, cx.window.to);
  const lo = times.length ? Math.min(...times) : 0;
  const hi = times.length ? Math.max(...times) : endNs;
  const pad = Math.max((hi - lo) / 20, axis.unit === 's' ? 1e5 : 1);
  const from = lo - pad;
  const to = hi + pad;
  const stuck = new Set(cx.stuck.map((r) => r.index));
  const windowOps = new Set(cx.window?.ops.map((r) => r.index) ?? []);
  const order = new Map((cx.prefix?.ops ?? []).map((i, n) => [i, n + 1]));
  const texts = new Map(refs.map((r) => [r.index, r.text]));
  const roleOf = (i: number): Role => (stuck.has(i) ? 'stuck' : windowOps.has(i) ? 'window' : order.has(i) ? 'prefix' : 'other');
  const onKey = history.ops.filter((o) => (o.key ?? '') === cx.key && o.invokeTime <= to && (o.completeTime ?? endNs) >= from);
  const ranked = [...onKey.filter((o) => roleOf(o.invokeIndex) !== 'other'), ...onKey.filter((o) => roleOf(o.invokeIndex) === 'other')];
  const kept = ranked.slice(0, max);
  // Info and open ops would stretch to the end of the run: clip them to the view.
  const clipNs = Math.min(endNs, to);
  const marks = kept
    .sort((a, b) => a.invokeIndex - b.invokeIndex)
    .map((o) => {
      const m = opMark(o, axis, clipNs);
      const role = roleOf(o.invokeIndex);
      const n = order.get(o.invokeIndex);
      const text = texts.get(o.invokeIndex) ?? m.d;
      const cx: CxMark = { ...m, role, label: n !== undefined && role === 'prefix' ? `#${n} ${text}` : text };
      if (n !== undefined) cx.order = n;
      return cx;
    });
  labelRoom(marks);
  return {
    key: cx.key,
    explanation: sentence(cx),
    how: cx.window?.how ?? null,
    marks,
    from: toAxis(axis, from),
    to: toAxis(axis, to),
    window: cx.window ? { from: toAxis(axis, cx.window.from), to: toAxis(axis, cx.window.to) } : null,
    prefix: cx.prefix,
    stuck: cx.stuck.map((r) => r.text),
    note: ranked.length > max ? `${ranked.length - max} more ops of this key in this span are not drawn.` : null,
  };
}

/**
 * Sets `next` on each labelled mark followed by another on the same row (a process's ops follow
 * one another): where that one starts. The chart cuts a label short there, so labels never run
 * into one another however close the ops are; the last label of a row runs to the chart's edge.
 */
function labelRoom(marks: CxMark[]): void {
  const byRow = new Map<number, CxMark[]>();
  for (const m of marks) {
    if (m.role === 'other') continue;
    let row = byRow.get(m.p);
    if (!row) byRow.set(m.p, (row = []));
    row.push(m);
  }
  for (const row of byRow.values()) {
    row.sort((a, b) => a.s - b.s);
    row.forEach((m, k) => {
      const next = row[k + 1];
      if (next) m.next = next.s;
    });
  }
}
