// Latency, jitter and throughput per f over time, with the faults drawn behind them.

import type { Faults } from '../faults.js';
import type { Series } from '../series.js';
import type { TimeAxis } from '../time-axis.js';
import { CONCAT_WIDTH, faultLayers, SCHEMA, zoomX, type Layer, type TopLevelSpec } from './common.js';

const QUANTILES = ['p50', 'p90', 'p99', 'max'];

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
        ...faultLayers(faults, axis.title),
        {
          data: { values: s.latency.filter((p) => p.f === f) },
          params: [zoomX(`zoom_${f.replace(/\W/g, '_')}`)],
          transform: [{ fold: QUANTILES, as: ['quantile', 'ms'] }],
          mark: { type: 'line', strokeWidth: 1.2 },
          encoding: {
            x: { field: 's', type: 'quantitative', title: axis.title },
            y: { field: 'ms', type: 'quantitative', title: `latency (${u})` },
            color: { field: 'quantile', type: 'nominal', sort: QUANTILES, scale: { domain: QUANTILES, scheme: 'viridis' } },
            tooltip: [
              { field: 's', title: 'slice from' },
              { field: 'quantile', title: 'quantile' },
              { field: 'ms', title: `latency (${u})` },
              { field: 'n', title: 'ops in slice' },
            ],
          },
        },
      ],
    })),
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
    mark: { type: 'line', interpolate: 'step-after' },
    encoding: {
      x: { field: 'ms', type: 'quantitative', title: `latency (${u}, log scale)`, scale: { type: 'log' } },
      y: { field: 'q', type: 'quantitative', title: 'fraction of ops at most this slow' },
      color: { field: 'f', type: 'nominal', title: 'f' },
      tooltip: [
        { field: 'f', title: 'f' },
        { field: 'ms', title: `latency (${u})` },
        { field: 'q', title: 'fraction', format: '.2%' },
      ],
    },
  };
}

/** Jitter: how far the tail sits from the median (p99 - p50) and the standard deviation, per slice. */
export function jitterSpec(s: Series, faults: Faults, axis: TimeAxis): TopLevelSpec {
  const u = unitOf(axis);
  const layers: Layer[] = [
    ...faultLayers(faults, axis.title),
    {
      data: { values: s.jitter },
      params: [zoomX()],
      transform: [
        { fold: ['spread', 'sd'], as: ['measure', 'value'] },
        { calculate: "datum.measure === 'spread' ? 'p99 − p50' : 'standard deviation'", as: 'measure' },
      ],
      mark: { type: 'line', strokeWidth: 1.2 },
      encoding: {
        x: { field: 's', type: 'quantitative', title: axis.title },
        y: { field: 'value', type: 'quantitative', title: `jitter (${u})` },
        color: { field: 'f', type: 'nominal', title: 'f' },
        strokeDash: { field: 'measure', type: 'nominal', title: 'measure' },
        tooltip: [
          { field: 'f', title: 'f' },
          { field: 's', title: 'slice from' },
          { field: 'measure', title: 'measure' },
          { field: 'value', title: u },
        ],
      },
    },
  ];
  return { $schema: SCHEMA, description: 'jitter over time', width: 'container', height: 200, layer: layers };
}

/** Completed ops per second (or per step) per f and outcome, per slice. */
export function throughputSpec(s: Series, faults: Faults, axis: TimeAxis): TopLevelSpec {
  const per = axis.unit === 's' ? 'ops/s' : 'ops/step';
  const layers: Layer[] = [
    ...faultLayers(faults, axis.title),
    {
      data: { values: s.throughput },
      params: [zoomX()],
      mark: { type: 'line', strokeWidth: 1.2, interpolate: 'step-after' },
      encoding: {
        x: { field: 's', type: 'quantitative', title: axis.title },
        y: { field: 'rate', type: 'quantitative', title: `throughput (${per})` },
        color: { field: 'f', type: 'nominal', title: 'f' },
        strokeDash: { field: 'outcome', type: 'nominal', title: 'outcome', scale: { domain: ['ok', 'fail', 'info'] } },
        tooltip: [
          { field: 'f', title: 'f' },
          { field: 'outcome', title: 'outcome' },
          { field: 's', title: 'slice from' },
          { field: 'rate', title: per },
        ],
      },
    },
  ];
  return { $schema: SCHEMA, description: 'throughput over time', width: 'container', height: 200, layer: layers };
}
