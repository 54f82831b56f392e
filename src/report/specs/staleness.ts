// Staleness: how old the stale reads were, and how soon after a write reads reflect it.

import type { Ages, Visibility } from '../staleness-data.js';
import { D3_FORMAT } from '../../util/format-number.js';
import { CONFIG, SCHEMA, type Layer, type TopLevelSpec } from './common.js';
import { DATUM_TOOLTIP, tooltipMeta } from './datum-tooltip.js';

/** ECDF of stale-read ages: the fraction of stale reads at most x ms stale. */
export function agesSpec(ages: Ages): TopLevelSpec {
  return {
    $schema: SCHEMA,
    description: 'ECDF of stale-read ages',
    width: 'container',
    height: 220,
    data: { values: ages.points },
    mark: { type: 'line', interpolate: 'step-after', point: ages.points.length <= 60, tooltip: DATUM_TOOLTIP },
    encoding: {
      x: { field: 'ms', type: 'quantitative', title: 'age of the stale read (ms since its value was superseded)' },
      y: { field: 'q', type: 'quantitative', title: 'stale reads at most this old', scale: { domain: [0, 1] }, axis: { format: D3_FORMAT.fraction } },
    },
    config: CONFIG,
    // Up to 500 points: titled by the page (datum-tooltip.ts), not per point.
    usermeta: tooltipMeta({
      when: 'q',
      fields: [
        ['ms', 'age (ms)', 'ms'],
        ['q', 'stale reads at most this old', 'percent'],
      ],
    }),
  };
}

/**
 * The t-visibility curve: per bin of t (read start - completion of the latest write), the
 * fraction of reads that reflected it, with the bootstrap 95% band and the windows as rules.
 */
export function visibilitySpec(v: Visibility): TopLevelSpec {
  // Bins widen by eighths of a decade: only a log axis shows them evenly. The first bin starts
  // at 0, which a log axis cannot show, so it is drawn from a tenth of its upper edge (x0).
  const x = { field: 'x0', type: 'quantitative', title: "t: ms from the write's completion to the read's start (log scale)", scale: { type: 'log' }, axis: { format: D3_FORMAT.logMs } } as const;
  const lowest = Math.min(1, ...v.curve.map((b) => b.lo));
  const y = { type: 'quantitative' as const, title: 'reads that saw the write (or newer)', scale: { domain: [Math.max(0, Math.floor(lowest * 20) / 20), 1] }, axis: { format: D3_FORMAT.fraction } };
  // Windows at the same t (99% and 99.9% often coincide) share one rule and one label. A window
  // of 0 ms (reads consistent from the start) cannot stand on a log axis: its rule goes where
  // the axis begins, the first bin's x0, and its tooltip keeps the true figure.
  const axisStart = v.curve.length > 0 ? Math.min(...v.curve.map((b) => b.x0)) : undefined;
  const byMs = new Map<number, { ms: number; level: string; text: string }>();
  for (const w of v.windows) {
    if (w.ms === null || axisStart === undefined) continue;
    const ms = Math.max(w.ms, axisStart);
    const m = byMs.get(ms);
    if (m) {
      m.level += `, ${w.level}`;
      m.text += `; ${w.text}`;
    } else byMs.set(ms, { ms, level: w.level, text: w.text });
  }
  const marked = [...byMs.values()];
  const layers: Layer[] = [
    {
      mark: { type: 'rect', color: '#1F77B4', opacity: 0.2 },
      encoding: { x, x2: { field: 'toMs' }, y: { ...y, field: 'lo' }, y2: { field: 'hi' } },
    },
    {
      mark: { type: 'rule', color: '#1F77B4', strokeWidth: 2, tooltip: DATUM_TOOLTIP },
      encoding: { x, x2: { field: 'toMs' }, y: { ...y, field: 'fraction' } },
    },
  ];
  if (marked.length > 0) {
    layers.push(
      {
        data: { values: marked },
        mark: { type: 'rule', color: '#D62728', strokeDash: [5, 3], tooltip: DATUM_TOOLTIP },
        encoding: { x: { field: 'ms', type: 'quantitative' } },
      },
      {
        data: { values: marked },
        mark: { type: 'text', color: '#D62728', align: 'left', dx: 3, dy: -4, baseline: 'bottom', y: 0 },
        encoding: { x: { field: 'ms', type: 'quantitative' }, text: { field: 'level' } },
      },
    );
  }
  return {
    $schema: SCHEMA,
    description: 't-visibility curve',
    width: 'container',
    height: 240,
    data: { values: v.curve },
    layer: layers,
    config: CONFIG,
    usermeta: tooltipMeta(
      {
        when: 'fraction',
        fields: [
          ['fromMs', 'from t (ms)', 'ms'],
          ['toMs', 'to t (ms)', 'ms'],
          ['fraction', 'consistent', 'percent'],
          ['lo', '95% CI low', 'percent'],
          ['hi', '95% CI high', 'percent'],
          ['samples', 'reads', 'count'],
        ],
      },
      { when: 'text', fields: [['text', 'window']] },
    ),
  };
}
