// results/index.html: every run, newest first, and a trend chart per workload and target.

import type { Validity } from '../../checkers/checker.js';
import { durationWords } from './header.js';
import { chartDiv, escapeHtml, page, type Chart } from './html.js';
import { trendSpec, type TrendPoint } from './specs/trend.js';
import type { Libraries, Renderer } from './types.js';
import { overallWords, verdictClass } from './verdict.js';

export interface IndexEntry {
  name: string;
  /** ISO time the run started; null when unknown (then it sorts last). */
  start: string | null;
  valid: Validity;
  complete: boolean;
  workload: string;
  target: string;
  ops: number;
  durationS: number;
  anomalies: number;
  staleP99: number | null;
  /** Relative link to the run's report (or its results.json when it has no report yet). */
  href: string;
  hasReport: boolean;
  /** false for a run that never got to its check (killed): no results.json, figures unknown. */
  checked: boolean;
}

export function sortNewestFirst(entries: readonly IndexEntry[]): IndexEntry[] {
  return [...entries].sort((a, b) => (b.start ?? '').localeCompare(a.start ?? '') || b.name.localeCompare(a.name));
}

/** Trend points per "workload on target", oldest first (the chart's x order). */
export function trends(entries: readonly IndexEntry[]): Map<string, TrendPoint[]> {
  const groups = new Map<string, TrendPoint[]>();
  for (const e of [...entries].filter((x) => x.start !== null && x.checked !== false).sort((a, b) => a.start!.localeCompare(b.start!))) {
    const k = `${e.workload} on ${e.target}`;
    let g = groups.get(k);
    if (!g) groups.set(k, (g = []));
    g.push({ run: e.name, start: e.start!, anomalies: e.anomalies, staleP99: e.staleP99, href: e.href });
  }
  return new Map([...groups].sort(([a], [b]) => a.localeCompare(b)));
}

export function renderIndex(entries: readonly IndexEntry[], libraries: Libraries, renderer: Renderer): string {
  const sorted = sortNewestFirst(entries);
  const rows = sorted.map(
    (e) => `<tr><td><a href="${escapeHtml(e.href)}">${escapeHtml(e.name)}</a>${e.hasReport ? '' : e.checked ? ' <span class="muted">(no report.html yet)</span>' : ` <span class="muted">(not checked: <code>objcheck check --report ${escapeHtml(e.name)}</code>)</span>`}</td>
<td><span class="verdict ${verdictClass(e.valid)}">${overallWords(e.valid)}</span>${e.complete ? '' : ' <span class="muted">incomplete</span>'}</td>
<td>${escapeHtml(e.workload)}</td><td>${escapeHtml(e.target)}</td><td class="num">${e.checked ? e.ops.toLocaleString('en-US') : '–'}</td><td class="num">${e.checked ? escapeHtml(durationWords(e.durationS)) : '–'}</td>
<td class="num">${e.checked ? e.anomalies.toLocaleString('en-US') : '–'}</td><td class="num">${e.staleP99 === null ? '–' : e.staleP99.toFixed(1)}</td><td>${escapeHtml(e.start ?? 'unknown')}</td></tr>`,
  );
  const charts: Chart[] = [];
  const trendHtml: string[] = [];
  let n = 0;
  for (const [title, points] of trends(entries)) {
    const id = `chart-trend-${n++}`;
    charts.push({ id, spec: trendSpec(title, points) });
    trendHtml.push(chartDiv(id, `trend for ${title}`));
  }
  const body = `<header><h1>objcheck runs</h1><p class="muted">${sorted.length} run(s), newest first. Index written by objcheck ${escapeHtml(renderer.version)}.</p></header>
<section id="runs"><table class="runs"><thead><tr><th>run</th><th>verdict</th><th>workload</th><th>target</th><th class="num">ops</th><th class="num">duration</th><th class="num">anomalies</th><th class="num">stale p99 ms</th><th>started</th></tr></thead><tbody>
${rows.join('\n')}
</tbody></table></section>
<section id="trends"><h2>Trends</h2><p class="note">Per workload and target: anomalies found and the stale-read age p99 of each run. Click a point to open its report.</p>
${trendHtml.join('\n') || '<p>No run with a known start time.</p>'}</section>`;
  return page('objcheck runs', body, charts, libraries);
}
