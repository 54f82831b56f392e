// The Jepsen/Porcupine timeline: one row per process, a bar per op from invocation to completion.

import type { Faults } from '../faults.js';
import type { TimelineData } from '../timeline-data.js';
import { latencyKind, timeKind, type TimeAxis } from '../time-axis.js';
import { ANOMALY_COLOR, CONFIG, faultLayers, OUTCOME_COLORS, SCHEMA, zoomX, type Layer, type TopLevelSpec } from './common.js';
import { DATUM_TOOLTIP, tooltipMeta, type TooltipTable } from './datum-tooltip.js';

/** Rows get 14 px each, within bounds that keep a 500-process run on one screen. */
export function rowsHeight(rows: number): number {
  return Math.min(640, Math.max(80, rows * 14));
}

/** A process label needs this many px of height (10 px text and a gap) not to touch the next. */
export const LABEL_PX = 13;

/**
 * The y axis of a chart of rows: every row labelled while labels fit (14 px a row), else every
 * k-th row from the first, k as small as keeps labels apart (at 100 rows in 640 px: every 3rd).
 * Given as the axis' values, so the page measures no text to thin them.
 */
export function rowsAxis<T>(rows: readonly T[], height = rowsHeight(rows.length)): { values?: T[] } {
  const k = Math.ceil(LABEL_PX / (height / Math.max(1, rows.length)));
  return k <= 1 ? {} : { values: rows.filter((_, i) => i % k === 0) };
}

/** What the tooltip of an op (OpMark, told by its description `d`) and of a cell (by its count `n`) shows. */
export function timelineTooltips(axis: TimeAxis): TooltipTable[] {
  return [
    {
      when: 'd',
      fields: [
        ['d', 'op'],
        ['i', 'invoke index'],
        ['p', 'process'],
        ['t', 'outcome'],
        ['s', `invoked (${axis.unit})`, timeKind(axis)],
        ['e', `completed (${axis.unit})`, timeKind(axis)],
        ['l', axis.unit === 's' ? 'latency (ms)' : 'latency (steps)', latencyKind(axis)],
        ['err', 'error'],
        ['a', 'anomalies'],
      ],
    },
    {
      when: 'n',
      fields: [
        ['p', 'process'],
        ['s', `from (${axis.unit})`, timeKind(axis)],
        ['e', `to (${axis.unit})`, timeKind(axis)],
        ['n', 'ops', 'count'],
        ['ok', 'ok'],
        ['fail', 'fail'],
        ['info', 'info/open'],
      ],
    },
  ];
}

/**
 * Over the cells, the ops are drawn only in a view of at most `span` (zoomed in by the wheel, a
 * drag or an anomaly's link), and only those in it: `zoom` is the zoom param's x interval.
 */
export function inView(span: number): string {
  return `isArray(zoom.s) && zoom.s[1] - zoom.s[0] <= ${span} && datum.e >= zoom.s[0] && datum.s <= zoom.s[1]`;
}

export function timelineSpec(data: TimelineData, faults: Faults, axis: TimeAxis): TopLevelSpec {
  const x = { field: 's', type: 'quantitative' as const, title: axis.title, scale: { domain: [0, data.end], zero: false } };
  // The domain gives the rows' order; a `sort` as well would add a per-mark formula of one
  // comparison per process (interpreted, so slow on big runs) to compute the same order.
  const y = { field: 'p', type: 'ordinal' as const, title: 'process', scale: { domain: data.processes }, axis: rowsAxis(data.processes) };
  const layers: Layer[] = [...faultLayers(faults, axis)];
  if (data.cells.length > 0) {
    layers.push({
      data: { name: 'cells' },
      mark: { type: 'rect', opacity: 0.55, tooltip: DATUM_TOOLTIP },
      encoding: {
        x: { ...x },
        x2: { field: 'e' },
        y,
        color: { field: 't', type: 'nominal', scale: OUTCOME_COLORS, title: 'outcome' },
      },
    });
  }
  layers.push(
    {
      data: { name: 'ops' },
      params: [zoomX()],
      ...(data.detailSpan === null ? {} : { transform: [{ filter: inView(data.detailSpan) }] }),
      mark: { type: 'bar', height: { band: 0.8 }, tooltip: DATUM_TOOLTIP },
      encoding: {
        x,
        x2: { field: 'e' },
        y,
        color: { field: 't', type: 'nominal', scale: OUTCOME_COLORS, title: 'outcome' },
      },
    },
    {
      data: { name: 'anomalies' },
      mark: { type: 'bar', filled: false, stroke: ANOMALY_COLOR, strokeWidth: 1.5, height: { band: 0.9 }, tooltip: DATUM_TOOLTIP },
      encoding: { x: { field: 's', type: 'quantitative' }, x2: { field: 'e' }, y },
    },
    {
      // The ops picked in the anomaly table, outlined heavily until another pick.
      data: { name: 'anomalies' },
      transform: [{ filter: 'indexof(focus, datum.i) >= 0' }],
      mark: { type: 'bar', filled: false, stroke: '#000', strokeWidth: 3, height: { band: 1 }, tooltip: DATUM_TOOLTIP },
      encoding: { x: { field: 's', type: 'quantitative' }, x2: { field: 'e' }, y },
    },
  );
  return {
    $schema: SCHEMA,
    description: 'timeline: one row per process, one bar per op',
    width: 'container',
    height: rowsHeight(data.processes.length),
    params: [{ name: 'focus', value: [] }],
    datasets: { ops: data.ops, cells: data.cells, anomalies: data.anomalies },
    layer: layers,
    config: CONFIG,
    usermeta: tooltipMeta(...timelineTooltips(axis)),
  };
}
