// The nightly view: per workload and target, how many anomalies each run found and how stale
// its reads were, run after run.

import { CONCAT_WIDTH, CONFIG, SCHEMA, type TopLevelSpec } from './common.js';

export interface TrendPoint {
  run: string;
  /** ISO time the run started (or the folder's time when run.json is missing). */
  start: string;
  anomalies: number;
  /** stale-reads' age p99 in ms; null when the run had no stale-reads result or no stale read. */
  staleP99: number | null;
  href: string;
}

export function trendSpec(title: string, points: readonly TrendPoint[]): TopLevelSpec {
  const x = { field: 'start', type: 'temporal', title: 'run started' } as const;
  const tooltip = [
    { field: 'run', title: 'run' },
    { field: 'start', type: 'temporal', title: 'started', format: '%Y-%m-%d %H:%M:%S' },
    { field: 'anomalies', title: 'anomalies' },
    { field: 'staleP99', title: 'stale-read age p99 (ms)', format: ',.1f' },
  ] as const;
  const anomalies = {
    width: CONCAT_WIDTH,
    height: 90,
    mark: { type: 'line' as const, point: true },
    encoding: { x, y: { field: 'anomalies', type: 'quantitative' as const, title: 'anomalies' }, href: { field: 'href' }, tooltip: [...tooltip] },
  };
  // Without a single stale-reads figure the second chart would be empty (and vega warns).
  const stale = {
    width: CONCAT_WIDTH,
    height: 90,
    transform: [{ filter: 'datum.staleP99 !== null' }],
    mark: { type: 'line' as const, point: true, color: '#FF7F0E' },
    encoding: { x, y: { field: 'staleP99', type: 'quantitative' as const, title: 'stale p99 (ms)' }, href: { field: 'href' }, tooltip: [...tooltip] },
  };
  return {
    $schema: SCHEMA,
    title: { text: title, anchor: 'start', fontSize: 13 },
    data: { values: [...points] },
    vconcat: points.some((p) => p.staleP99 !== null) ? [anomalies, stale] : [anomalies],
    config: CONFIG,
  };
}
