// Latency, jitter and throughput per f over time, with the faults drawn behind them. The rows
// are laid out long (one per line point) here rather than by a Vega-Lite fold or calculate in
// the page, and the tooltips are the points' data (datum-tooltip.ts): the page interprets every
// per-point expression, and these charts hold thousands of points.

import type { Faults } from '../faults.js';
import type { Series } from '../series.js';
import { D3_FORMAT } from '../../util/format-number.js';
import { latencyKind, timeKind, type TimeAxis } from '../time-axis.js';
import { CONCAT_WIDTH, CONFIG, faultLayers, SCHEMA, zoomX, type Layer, type TopLevelSpec } from './common.js';
import { DATUM_TOOLTIP, tooltipMeta } from './datum-tooltip.js';

const QUANTILES = ['p50', 'p90', 'p99', 'max'] as const;

function unitOf(axis: TimeAxis): string {
  return axis.unit === 's' ? 'ms' : 'steps';
}

/** One small chart per f: p50, p90, p99 and max latency in each time slice. */
export function latencyOverTimeSpec(s: Series, faults: Faults, axis: TimeAxis): TopLevelSpec {
  const u = unitOf(axis);
  return {
    $schema: SCHEMA,
    description: 'latency over time per f',
    vconcat: s.fs.map((f) => ({
      title: { text: f, anchor: 'start', fontSize: 12 },
      // Concatenated views cannot fit their container (vega-lite autosize), so a fixed width.
      width: CONCAT_WIDTH,
      height: 140,
      layer: [
        ...faultLayers(faults, axis),
        {
          data: { values: s.latency.filter((p) => p.f === f).flatMap((p) => QUANTILES.map((quantile) => ({ s: p.s, quantile, ms: p[quantile], n: p.n }))) },
          params: [zoomX(`zoom_${f.replace(/\W/g, '_')}`)],
          mark: { type: 'line', strokeWidth: 1.2, tooltip: DATUM_TOOLTIP },
          encoding: {
            x: { field: 's', type: 'quantitative', title: axis.title },
            y: { field: 'ms', type: 'quantitative', title: `latency (${u})` },
            color: { field: 'quantile', type: 'nominal', sort: [...QUANTILES], scale: { domain: [...QUANTILES], scheme: 'viridis' } },
          },
        },
      ],
    })),
    config: CONFIG,
    usermeta: tooltipMeta({
      when: 'quantile',
      fields: [
        ['s', 'slice from', timeKind(axis)],
        ['quantile', 'quantile'],
        ['ms', `latency (${u})`, latencyKind(axis)],
        ['n', 'ops in slice', 'count'],
      ],
    }),
  };
}

/** Latency distribution per f as an ECDF on a log axis: every quantile readable at once. */
export function latencyEcdfSpec(s: Series, axis: TimeAxis): TopLevelSpec {
  const u = unitOf(axis);
  return {
    $schema: SCHEMA,
    description: 'latency ECDF per f',
    width: 'container',
    height: 220,
    data: { values: s.ecdf.filter((p) => p.ms > 0) },
    mark: { type: 'line', interpolate: 'step-after', tooltip: DATUM_TOOLTIP },
    encoding: {
      x: { field: 'ms', type: 'quantitative', title: `latency (${u}, log scale)`, scale: { type: 'log' }, axis: { format: D3_FORMAT.logMs } },
      y: { field: 'q', type: 'quantitative', title: 'ops at most this slow', axis: { format: D3_FORMAT.fraction } },
      color: { field: 'f', type: 'nominal', title: 'f' },
    },
    config: CONFIG,
    usermeta: tooltipMeta({
      when: 'q',
      fields: [
        ['f', 'f'],
        ['ms', `latency (${u})`, latencyKind(axis)],
        ['q', 'ops at most this slow', 'percent'],
      ],
    }),
  };
}

/** Jitter: how far the tail sits from the median (p99 - p50) and the standard deviation, per slice. */
export function jitterSpec(s: Series, faults: Faults, axis: TimeAxis): TopLevelSpec {
  const u = unitOf(axis);
  const rows = s.jitter.flatMap((p) => [
    { f: p.f, s: p.s, measure: 'p99 − p50', value: p.spread },
    { f: p.f, s: p.s, measure: 'standard deviation', value: p.sd },
  ]);
  const layers: Layer[] = [
    ...faultLayers(faults, axis),
    {
      data: { values: rows },
      params: [zoomX()],
      mark: { type: 'line', strokeWidth: 1.2, tooltip: DATUM_TOOLTIP },
      encoding: {
        x: { field: 's', type: 'quantitative', title: axis.title },
        y: { field: 'value', type: 'quantitative', title: `jitter (${u})` },
        color: { field: 'f', type: 'nominal', title: 'f' },
        strokeDash: { field: 'measure', type: 'nominal', title: 'measure' },
      },
    },
  ];
  return {
    $schema: SCHEMA,
    description: 'jitter over time',
    width: 'container',
    height: 200,
    layer: layers,
    config: CONFIG,
    usermeta: tooltipMeta({
      when: 'measure',
      fields: [
        ['f', 'f'],
        ['s', 'slice from', timeKind(axis)],
        ['measure', 'measure'],
        ['value', u, latencyKind(axis)],
      ],
    }),
  };
}

/** Completed ops per second (or per step) per f and outcome, per slice. */
export function throughputSpec(s: Series, faults: Faults, axis: TimeAxis): TopLevelSpec {
  const per = axis.unit === 's' ? 'ops/s' : 'ops/step';
  const layers: Layer[] = [
    ...faultLayers(faults, axis),
    {
      data: { values: s.throughput },
      params: [zoomX()],
      mark: { type: 'line', strokeWidth: 1.2, interpolate: 'step-after', tooltip: DATUM_TOOLTIP },
      encoding: {
        x: { field: 's', type: 'quantitative', title: axis.title },
        y: { field: 'rate', type: 'quantitative', title: `throughput (${per})` },
        color: { field: 'f', type: 'nominal', title: 'f' },
        strokeDash: { field: 'outcome', type: 'nominal', title: 'outcome', scale: { domain: ['ok', 'fail', 'info'] } },
      },
    },
  ];
  return {
    $schema: SCHEMA,
    description: 'throughput over time',
    width: 'container',
    height: 200,
    layer: layers,
    config: CONFIG,
    usermeta: tooltipMeta({
      when: 'rate',
      fields: [
        ['f', 'f'],
        ['outcome', 'outcome'],
        ['s', 'slice from', timeKind(axis)],
        ['rate', per, 'rate'],
      ],
    }),
  };
}
