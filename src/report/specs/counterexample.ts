// One linearizability failure: the key's ops around it, coloured by their part in the
// counterexample, the longest linearizable prefix numbered in its linearization order.

import type { CounterexampleView } from '../counterexample-data.js';
import type { TimeAxis } from '../time-axis.js';
import { SCHEMA, zoomX, type Layer, type TopLevelSpec } from './common.js';
import { rowsHeight } from './timeline.js';

export const ROLE_COLORS = {
  domain: ['stuck', 'window', 'prefix', 'other'],
  range: ['#D62728', '#FF7F0E', '#2CA02C', '#C7C7C7'],
};

export const ROLE_TITLES: Record<string, string> = {
  stuck: 'cannot take effect',
  window: 'in the failing window',
  prefix: 'in the linearizable prefix',
  other: 'other ops on the key',
};

export function counterexampleSpec(view: CounterexampleView, axis: TimeAxis): TopLevelSpec {
  const processes = [...new Set(view.marks.map((m) => m.p))].sort((a, b) => a - b);
  const x = { field: 's', type: 'quantitative' as const, title: axis.title, scale: { domain: [view.from, view.to], zero: false } };
  const y = { field: 'p', type: 'ordinal' as const, title: 'process', sort: processes, scale: { domain: processes } };
  const layers: Layer[] = [];
  if (view.window) {
    layers.push({
      data: { values: [view.window] },
      mark: { type: 'rect', color: '#FF7F0E', opacity: 0.08 },
      encoding: { x: { field: 'from', type: 'quantitative' }, x2: { field: 'to' } },
    });
  }
  layers.push(
    {
      data: { name: 'ops' },
      params: [zoomX()],
      mark: { type: 'bar', height: { band: 0.75 }, stroke: '#333', strokeWidth: 0.5 },
      encoding: {
        x,
        x2: { field: 'e' },
        y,
        color: { field: 'role', type: 'nominal', scale: ROLE_COLORS, title: 'role', legend: { labelExpr: `${JSON.stringify(ROLE_TITLES)}[datum.label]` } },
        tooltip: [
          { field: 'd', title: 'op' },
          { field: 'role', title: 'role' },
          { field: 'order', title: 'place in the prefix' },
          { field: 'i', title: 'invoke index' },
          { field: 's', title: `invoked (${axis.unit})` },
          { field: 'e', title: `completed (${axis.unit})` },
          { field: 't', title: 'outcome' },
          { field: 'err', title: 'error' },
        ],
      },
    },
    {
      // Labels only for the ops that make the case; the others have their tooltip.
      data: { name: 'ops' },
      transform: [{ filter: "datum.role !== 'other'" }],
      mark: { type: 'text', align: 'left', baseline: 'middle', dx: 3, fontSize: 10, clip: true },
      encoding: { x: { field: 's', type: 'quantitative' }, y, text: { field: 'label' } },
    },
  );
  return {
    $schema: SCHEMA,
    description: `counterexample on key ${view.key}`,
    width: 'container',
    height: rowsHeight(processes.length) + 20,
    datasets: { ops: view.marks },
    layer: layers,
  };
}
