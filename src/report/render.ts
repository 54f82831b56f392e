// renderReport: run data in, one self-contained HTML page out. No I/O here.

import type { Op } from '../history/event.js';
import { anomalousOps, listAnomalies } from './anomaly-index.js';
import { anomalyTable } from './anomaly-table.js';
import { counterexamples, counterexampleView } from './counterexample-data.js';
import { faultWindows } from './faults.js';
import { counterexampleClockNote, header } from './header.js';
import { probeSection } from './probe-table.js';
import { chartDiv, escapeHtml, page, type Chart } from './html.js';
import { series } from './series.js';
import { counterexampleSpec, roleLegend } from './specs/counterexample.js';
import { jitterSpec, latencyEcdfSpec, latencyOverTimeSpec, throughputSpec } from './specs/latency.js';
import { agesSpec, visibilitySpec } from './specs/staleness.js';
import { timelineSpec } from './specs/timeline.js';
import { partHistory } from '../history/parts.js';
import { resultsOf } from './scoped-results.js';
import { staleAges, visibilityData } from './staleness-data.js';
import { latencyKind, timeAxis } from './time-axis.js';
import { formatNumber } from '../util/format-number.js';
import { historyEnd, timelineData } from './timeline-data.js';
import type { ReportInput } from './types.js';
import { windowsSection } from './windows-section.js';

/** The issue's bound: at most ~50,000 marks in any one chart. */
export const DEFAULT_MAX_MARKS = 40_000;
/** Counterexample views drawn; each is a chart of its own. */
export const MAX_COUNTEREXAMPLES = 20;

export function renderReport(input: ReportInput): string {
  const { data, libraries, renderer } = input;
  const { history, results } = data;
  const maxMarks = input.maxMarks ?? DEFAULT_MAX_MARKS;
  const endNs = historyEnd(history);
  const axis = timeAxis(endNs);
  const anomalies = listAnomalies(results);
  const faults = faultWindows(history.nemesis, axis, endNs);
  const charts: Chart[] = [];
  const sections: string[] = [];
  const nav: [string, string][] = [];

  // Measured windows first: a revocation window is the number a reader came for.
  const windows = windowsSection(results);
  if (windows) {
    nav.push(['windows', 'Windows']);
    sections.push(windows);
  }

  // Timeline
  const tl = timelineData(history, axis, anomalousOps(anomalies), maxMarks);
  charts.push({ id: 'chart-timeline', spec: timelineSpec(tl, faults, axis) });
  nav.push(['timeline', 'Timeline']);
  const faultNote = faults.windows.length + faults.events.length > 0
    ? `<p class="note">Faults: ${faults.windows.length} window(s) shaded grey, ${faults.events.length} nemesis event(s) drawn as dashed rules${faults.omitted ? ` (${faults.omitted} more not drawn)` : ''}.</p>`
    : '';
  sections.push(`<section id="timeline"><h2>Timeline</h2>
<p class="note">One row per process, one bar per op from invocation to completion, coloured by outcome; an info (or unfinished) op runs to the end of the history, since it may take effect at any time. Ops involved in anomalies are outlined in red. Hover for details; drag to pan, scroll to zoom, double-click to reset.</p>
${chartDiv('chart-timeline', 'timeline of all operations')}
${tl.note ? `<p class="note" id="timeline-sampling">${escapeHtml(tl.note)}</p>` : ''}
${faultNote}</section>`);

  // Linearizability counterexamples, one view each (aligned with the checker's anomalies), of
  // the whole run's checker or of each part's in a mixed run.
  const cxs = resultsOf(results, 'linearizable').flatMap(({ name, result }) => {
    const own = anomalies.filter((a) => a.checker === name);
    return counterexamples(result).map((cx, k) => ({ cx, anomaly: own[k] }));
  });
  const cxIds = new Map<number, string>();
  if (cxs.length > 0) {
    const parts = cxs.slice(0, MAX_COUNTEREXAMPLES).map(({ cx, anomaly: a }, k) => {
      const id = `cx-${k}`;
      if (a) cxIds.set(a.n, id);
      const view = counterexampleView(history, cx, axis);
      charts.push({ id: `chart-${id}`, spec: counterexampleSpec(view, axis) });
      const prefix = cx.prefix
        ? `<p><b>Longest linearizable prefix</b>: ${cx.prefix.length} ops, leaving the state <code>${escapeHtml(cx.prefix.state)}</code>; its last ops, in linearization order: ${cx.prefix.last.map((r) => `<code>${escapeHtml(r.text)}</code>`).join(', ')}.</p>`
        : '<p class="muted">No linearizable prefix was recorded.</p>';
      const stuck = view.stuck.length ? `<p><b>Cannot take effect after it</b>: ${view.stuck.map((t) => `<code>${escapeHtml(t)}</code>`).join(', ')}.</p>` : '';
      const windowText = cx.window ? `<p class="window"><b>Window</b> (${cx.window.ops.length} ops): ${escapeHtml(cx.window.how)}.</p>` : '';
      const clock = counterexampleClockNote(data.run);
      return `<article id="${id}" class="counterexample"><h3>Key <code>${escapeHtml(cx.key || '(the register)')}</code>: not linearizable</h3>
<p class="explanation">${escapeHtml(view.explanation)}</p>
${clock ? `<p class="clock">${escapeHtml(clock)}</p>` : ''}${windowText}${prefix}${stuck}
${chartDiv(`chart-${id}`, `counterexample on key ${cx.key}`)}
<p class="note">Colours: ${roleLegend()}. Prefix ops are numbered in their linearization order.${view.note ? ` ${escapeHtml(view.note)}` : ''}</p></article>`;
    });
    const more = cxs.length > MAX_COUNTEREXAMPLES ? `<p class="note">${cxs.length - MAX_COUNTEREXAMPLES} more counterexamples are in results.json.</p>` : '';
    nav.push(['linearizability', 'Linearizability']);
    sections.push(`<section id="linearizability"><h2>Linearizability failures</h2>
<p class="note">For each key that is not linearizable: only that key's ops around the failure, the longest prefix the checker could linearize, and the op that cannot follow it.</p>
${parts.join('\n')}${more}</section>`);
  }

  // Staleness: the whole run's checkers, or each part's in a mixed run (ids get the part).
  const bits: string[] = [];
  for (const { part, result } of resultsOf(results, 'stale-reads')) {
    const ages = staleAges(part === undefined ? history : partHistory(history, part), result);
    if (!ages) continue;
    const id = `chart-ages${part ? `-${part}` : ''}`;
    const title = `${part ? `${escapeHtml(part)}: ` : ''}Ages of stale reads`;
    if (ages.count > 0) {
      charts.push({ id, spec: agesSpec(ages) });
      bits.push(`<h3>${title}</h3>${chartDiv(id, 'ECDF of stale-read ages')}<p class="note">${escapeHtml(ages.note)}. Age: how long the value read had already been superseded by a completed write when the read began.</p>`);
    } else bits.push(`<h3>${title}</h3><p>No stale read.</p>`);
  }
  for (const { part, result } of resultsOf(results, 'visibility')) {
    const vis = visibilityData(result);
    if (!vis) continue;
    const id = `chart-visibility${part ? `-${part}` : ''}`;
    const title = `${part ? `${escapeHtml(part)}: ` : ''}t-visibility`;
    const windows = `<ul class="windows">${[...vis.windows.map((w) => w.text), ...(vis.notes ?? [])].map((t) => `<li>${escapeHtml(t)}</li>`).join('')}</ul>`;
    if (vis.curve.length > 0) {
      charts.push({ id, spec: visibilitySpec(vis) });
      bits.push(`<h3>${title}</h3>${chartDiv(id, 't-visibility curve')}<p class="note">The probability that a read started t ms after a write completed sees it (or something newer); the band is the bootstrap 95% interval (resampling writes with their reads), the dashed lines the windows (read off a non-decreasing fit of the curve).</p>${windows}`);
    } else bits.push(`<h3>${title}</h3><p>${escapeHtml(vis.summary ?? 'no samples')}</p>`);
  }
  if (bits.length > 0) {
    nav.push(['staleness', 'Staleness']);
    sections.push(`<section id="staleness"><h2>Staleness</h2>\n${bits.join('\n')}</section>`);
  }

  // Latency, jitter, throughput
  const s = series(history, axis, endNs);
  const unit = axis.unit === 's' ? 'ms' : 'steps';
  if (s.summary.length > 0) {
    charts.push(
      { id: 'chart-latency', spec: latencyOverTimeSpec(s, faults, axis) },
      { id: 'chart-latency-ecdf', spec: latencyEcdfSpec(s, axis) },
      { id: 'chart-jitter', spec: jitterSpec(s, faults, axis) },
      { id: 'chart-throughput', spec: throughputSpec(s, faults, axis) },
    );
    const cols = ['count', 'mean', 'sd', 'p50', 'p90', 'p99', 'p999', 'max'] as const;
    const table = `<table class="latency"><thead><tr><th>f</th>${cols.map((c) => `<th class="num">${c === 'p999' ? 'p99.9' : c}</th>`).join('')}</tr></thead><tbody>${s.summary
      .map((r) => `<tr><td>${escapeHtml(r.f)}</td>${cols.map((c) => `<td class="num">${c === 'count' ? r[c].toLocaleString('en-US') : formatNumber(r[c], latencyKind(axis))}</td>`).join('')}</tr>`)
      .join('')}</tbody></table>`;
    const sliceText = axis.unit === 's' ? `${+(s.slice * 1000).toPrecision(3)} ms` : `${s.slice} steps`;
    nav.push(['performance', 'Latency & throughput']);
    sections.push(`<section id="performance"><h2>Latency, jitter and throughput</h2>
<p class="note">Latency in ${unit} of ops that completed (ok or fail), by f; quantiles are nearest-rank. Time series are per slice of ${sliceText}, by completion time.</p>
${table}
<h3>Latency over time</h3>${chartDiv('chart-latency', 'latency quantiles over time per f')}
<h3>Latency distribution</h3>${chartDiv('chart-latency-ecdf', 'latency ECDF per f')}
<h3>Jitter</h3><p class="note">How much latency varies within a slice: the spread p99 − p50 and the standard deviation.</p>${chartDiv('chart-jitter', 'jitter over time')}
<h3>Throughput</h3>${chartDiv('chart-throughput', 'throughput over time')}
<p class="note">Completed ops per ${axis.unit === 's' ? 'second' : 'step'} by f and outcome. Bytes per second are not shown: the history does not record object sizes.</p>
</section>`);
  }

  // Anomalies
  const opsByIndex = new Map<number, Op>(history.ops.map((o) => [o.invokeIndex, o]));
  nav.push(['anomalies', `Anomalies (${anomalies.length})`]);
  sections.push(`<section id="anomalies"><h2>Anomalies</h2>\n${anomalyTable(anomalies, opsByIndex, axis, endNs, cxIds)}</section>`);

  if (data.run?.probe && data.run.probe.length > 0) {
    nav.push(['probe', 'S3 probe']);
    sections.push(probeSection(data.run.probe));
  }

  const body = `${header(data.name, data.run, results, renderer)}
<nav>${nav.map(([id, text]) => `<a href="#${id}">${escapeHtml(text)}</a>`).join('')}</nav>
${sections.join('\n')}
<footer><p class="muted">Self-contained: vega and vega-embed, the charts (compiled from Vega-Lite when the page was written) and all data are inside this file; it makes no network request.</p></footer>`;
  return page(`objcheck: ${data.name}`, body, charts, libraries);
}
