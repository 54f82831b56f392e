// One linearizability failure: the key's ops around it, coloured by their part in the
// counterexample, the longest linearizable prefix numbered in its linearization order.

import type { CounterexampleView } from '../counterexample-data.js';
import { timeKind, type TimeAxis } from '../time-axis.js';
import { CONFIG, SCHEMA, zoomX, type Layer, type TopLevelSpec } from './common.js';
import { DATUM_TOOLTIP, tooltipMeta } from './datum-tooltip.js';
import { rowsAxis, rowsHeight } from './timeline.js';

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

/** The colours of the roles as an HTML legend: a swatch and the role's words each. */
export function roleLegend(): string {
  return ROLE_COLORS.domain
    .map((role, k) => `<span class="swatch" style="background:${ROLE_COLORS.range[k]}"></span>${ROLE_TITLES[role]}`)
    .join('; ');
}

/**
 * A counterexample spans milliseconds: on a clock axis it is drawn in ms since the run started,
 * so its ticks read 80,512.5 rather than 80.5125 (s) and its times match the latencies.
 */
export function inMs(view: CounterexampleView, axis: TimeAxis): { view: CounterexampleView; title: string; unit: string } {
  if (axis.unit !== 's') return { view, title: axis.title, unit: axis.unit };
  const ms = (s: number) => Math.round(s * 1e6) / 1e3;
  const marks = view.marks.map((m) => ({ ...m, s: ms(m.s), e: ms(m.e), ...(m.next === undefined ? {} : { next: ms(m.next) }) }));
  const window = view.window ? { from: ms(view.window.from), to: ms(view.window.to) } : null;
  return { view: { ...view, marks, from: ms(view.from), to: ms(view.to), window }, title: 'time since the run started (ms)', unit: 'ms' };
}

export function counterexampleSpec(original: CounterexampleView, axis: TimeAxis): TopLevelSpec {
  const { view, title, unit } = inMs(original, axis);
  const processes = [...new Set(view.marks.map((m) => m.p))].sort((a, b) => a - b);
  const x = { field: 's', type: 'quantitative' as const, title, scale: { domain: [view.from, view.to], zero: false } };
  const y = { field: 'p', type: 'ordinal' as const, title: 'process', sort: processes, scale: { domain: processes }, axis: rowsAxis(processes) };
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
      mark: { type: 'bar', height: { band: 0.75 }, stroke: '#333', strokeWidth: 0.5, tooltip: DATUM_TOOLTIP },
      encoding: {
        x,
        x2: { field: 'e' },
        y,
        // No Vega legend: the page has up to twenty of these charts, and a legend costs each about
        // as much to lay out and draw as the rest of the chart; the note under each chart is the
        // legend, in HTML (roleLegend).
        color: { field: 'role', type: 'nominal', scale: ROLE_COLORS, legend: null },
      },
    },
    {
      // Labels only for the ops that make the case; the others have their tooltip.
      data: { name: 'ops' },
      transform: [{ filter: "datum.role !== 'other'" }],
      // Cut short (with an ellipsis) before the next label on the row, so labels never overlap;
      // the last on a row is not limited (0), only clipped at the chart's edge.
      mark: { type: 'text', align: 'left', baseline: 'middle', dx: 3, fontSize: 10, clip: true, limit: { expr: "isValid(datum.next) ? max(1, scale('x', datum.next) - scale('x', datum.s) - 6) : 0" } },
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
    config: CONFIG,
    // Twenty of these charts on a page: their marks' tooltips are titled by the page (datum-tooltip.ts).
    usermeta: tooltipMeta({
      when: 'role',
      fields: [
        ['d', 'op'],
        ['role', 'role'],
        ['order', 'place in the prefix'],
        ['i', 'invoke index'],
        ['s', `invoked (${unit})`, unit === 'ms' ? 'ms' : timeKind(axis)],
        ['e', `completed (${unit})`, unit === 'ms' ? 'ms' : timeKind(axis)],
        ['t', 'outcome'],
        ['err', 'error'],
      ],
    }),
  };
}
