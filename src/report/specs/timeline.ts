// The Jepsen/Porcupine timeline: one row per process, a bar per op from invocation to completion.

import type { Faults } from '../faults.js';
import type { TimelineData } from '../timeline-data.js';
import type { TimeAxis } from '../time-axis.js';
import { ANOMALY_COLOR, faultLayers, OUTCOME_COLORS, SCHEMA, zoomX, type Layer, type TopLevelSpec } from './common.js';

/** Rows get 14 px each, within bounds that keep a 500-process run on one screen. */
export function rowsHeight(rows: number): number {
  return Math.min(640, Math.max(80, rows * 14));
}

export function timelineSpec(data: TimelineData, faults: Faults, axis: TimeAxis): TopLevelSpec {
  const x = { field: 's', type: 'quantitative' as const, title: axis.title, scale: { domain: [0, data.end], zero: false } };
  const y = { field: 'p', type: 'ordinal' as const, title: 'process', sort: data.processes, scale: { domain: data.processes } };
  const opTooltip = [
    { field: 'd', title: 'op' },
    { field: 'i', title: 'invoke index' },
    { field: 'p', title: 'process' },
    { field: 't', title: 'outcome' },
    { field: 's', title: `invoked (${axis.unit})` },
    { field: 'e', title: `completed (${axis.unit})` },
    { field: 'l', title: axis.unit === 's' ? 'latency (ms)' : 'latency (steps)' },
    { field: 'err', title: 'error' },
    { field: 'a', title: 'anomalies' },
  ];
  const layers: Layer[] = [...faultLayers(faults, axis.title)];
  if (data.cells.length > 0) {
    layers.push({
      data: { name: 'cells' },
      mark: { type: 'rect', opacity: 0.55 },
      encoding: {
        x: { ...x },
        x2: { field: 'e' },
        y,
        color: { field: 't', type: 'nominal', scale: OUTCOME_COLORS, title: 'outcome' },
        tooltip: [
          { field: 'p', title: 'process' },
          { field: 's', title: 'from' },
          { field: 'e', title: 'to' },
          { field: 'n', title: 'ops' },
          { field: 'ok', title: 'ok' },
          { field: 'fail', title: 'fail' },
          { field: 'info', title: 'info/open' },
        ],
      },
    });
  }
  layers.push(
    {
      data: { name: 'ops' },
      params: [zoomX()],
      mark: { type: 'bar', height: { band: 0.8 } },
      encoding: {
        x,
        x2: { field: 'e' },
        y,
        color: { field: 't', type: 'nominal', scale: OUTCOME_COLORS, title: 'outcome' },
        tooltip: opTooltip,
      },
    },
    {
      data: { name: 'anomalies' },
      mark: { type: 'bar', filled: false, stroke: ANOMALY_COLOR, strokeWidth: 1.5, height: { band: 0.9 } },
      encoding: { x: { field: 's', type: 'quantitative' }, x2: { field: 'e' }, y, tooltip: opTooltip },
    },
    {
      // The ops picked in the anomaly table, outlined heavily until another pick.
      data: { name: 'anomalies' },
      transform: [{ filter: 'indexof(focus, datum.i) >= 0' }],
      mark: { type: 'bar', filled: false, stroke: '#000', strokeWidth: 3, height: { band: 1 } },
      encoding: { x: { field: 's', type: 'quantitative' }, x2: { field: 'e' }, y, tooltip: opTooltip },
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
  };
}
