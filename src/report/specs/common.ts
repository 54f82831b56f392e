// What every chart shares: the outcome colours, the fault layers, and the layer type.

import type { TopLevelSpec } from 'vega-lite';
import type { Faults } from '../faults.js';
import { D3_FORMAT } from '../../util/format-number.js';
import type { TimeAxis } from '../time-axis.js';

export type { TopLevelSpec };
/** One layer of a layered chart, as vega-lite types it. */
export type Layer = Extract<TopLevelSpec, { layer: unknown }>['layer'][number];

export const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

/** Jepsen's timeline colours, so the picture reads the same as Jepsen's and Porcupine's. */
export const OUTCOME_COLORS = { domain: ['ok', 'fail', 'info', 'open'], range: ['#6DB6FE', '#FEB5DA', '#FFAA26', '#BDBDBD'] };
export const ANOMALY_COLOR = '#D62728';

/** Concatenated views cannot fit their container (vega-lite's autosize), so they get this width: the page's column less axes and legend. */
export const CONCAT_WIDTH = 960;

/** Shaded fault windows and a rule per nemesis event; nothing when there were no faults. */
export function faultLayers(faults: Faults, axis: TimeAxis): Layer[] {
  const layers: Layer[] = [];
  const format = axis.unit === 's' ? D3_FORMAT.s : D3_FORMAT.step;
  if (faults.windows.length > 0) {
    layers.push({
      data: { values: faults.windows },
      mark: { type: 'rect', color: '#888', opacity: 0.18 },
      encoding: {
        x: { field: 'from', type: 'quantitative', title: axis.title },
        x2: { field: 'to' },
        tooltip: [
          { field: 'fault', title: 'fault' },
          { field: 'from', title: `from (${axis.unit})`, format },
          { field: 'to', title: `to (${axis.unit})`, format },
          { field: 'open', title: 'still on at the end' },
        ],
      },
    });
  }
  if (faults.events.length > 0) {
    layers.push({
      data: { values: faults.events },
      mark: { type: 'rule', color: '#444', strokeDash: [4, 3], strokeWidth: 1 },
      encoding: {
        x: { field: 'at', type: 'quantitative' },
        tooltip: [
          { field: 'text', title: 'nemesis' },
          { field: 'at', title: `at (${axis.unit})`, format },
        ],
      },
    });
  }
  return layers;
}

/**
 * Every report chart's config, for the page's sake: Vega interprets each mark's encoding
 * expressions (the CSP forbids eval) for every mark on every draw and zoom, so
 * - no ARIA description per mark: one long string expression per mark, for nothing (only SVG
 *   output would carry it, the page draws on canvas, each chart's container has its aria-label);
 * - invalid values filtered out of the data once, not tested per point by a line's `defined`
 *   (the default for lines; ours are numbers anyway);
 * - a tick on x every 100 px rather than every 40 (vega-lite's default): a full-width chart
 *   otherwise gets ~28 ticks, grid lines and labels, most labels then hidden as overlapping,
 *   each one marks to encode and text to measure.
 */
export const CONFIG = { aria: false, mark: { invalid: 'filter' }, axisX: { tickCount: { expr: 'ceil(width / 100)' } } } as const;

/** Zoom and pan on x: drag to pan, wheel to zoom, double-click to reset. */
export function zoomX(name = 'zoom') {
  return { name, select: { type: 'interval' as const, encodings: ['x' as const] }, bind: 'scales' as const };
}
