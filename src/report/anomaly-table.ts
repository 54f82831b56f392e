// The anomaly table: data first (kind, key, ops), then the sentence of its evidence
// (checkers/explain.ts), so that the CLI summary and the page say the same thing. Each op links to the timeline.

import { sentence } from '../../checkers/explain.js';
import type { Op } from '../history/event.js';
import type { AnomalyRef } from './anomaly-index.js';
import { escapeHtml } from './html.js';
import { toAxis, type TimeAxis } from './time-axis.js';

/** Rows shown; results.json keeps every anomaly the checkers listed. */
export const MAX_ROWS = 2000;
/** Rows shown at first; the rest fold into a "show all" (a page of 150 rows is read by no one). */
export const FOLD_AFTER = 20;

export function anomalyTable(anomalies: readonly AnomalyRef[], opsByIndex: ReadonlyMap<number, Op>, axis: TimeAxis, endNs: number, cxIds: ReadonlyMap<number, string>): string {
  if (anomalies.length === 0) return '<p>No checker found an anomaly.</p>';
  const span = (indices: readonly number[]) => {
    const ops = indices.map((i) => opsByIndex.get(i)).filter((o): o is Op => o !== undefined);
    if (ops.length === 0) return '';
    const from = Math.min(...ops.map((o) => o.invokeTime));
    const to = Math.max(...ops.map((o) => o.completeTime ?? endNs));
    return ` data-from="${toAxis(axis, from)}" data-to="${toAxis(axis, to)}"`;
  };
  const link = (indices: readonly number[], text: string) => `<a href="#timeline" class="op" data-ops="${indices.join(',')}"${span(indices)}>${escapeHtml(text)}</a>`;
  const rows = anomalies.slice(0, MAX_ROWS).map((a) => {
    const cx = cxIds.get(a.n);
    const ops = a.ops.map((i) => link([i], `#${i}`)).join('');
    const all = a.ops.length > 1 ? ` ${link(a.ops, 'all')}` : '';
    // A baseline's known deviation says so, with why; the rest are new.
    const known = a.known !== undefined ? ` <span class="known" title="${escapeHtml(a.known)}">known</span>` : '';
    return `<tr id="anomaly-${a.n}"${a.known !== undefined ? ' class="known"' : ''}><td>${escapeHtml(a.checker)}</td><td>${escapeHtml(a.kind)}${known}</td><td>${escapeHtml(a.key ?? '')}</td><td>${ops}${all}</td><td>${escapeHtml(sentence(a))}${cx ? ` <a href="#${cx}">(counterexample)</a>` : ''}</td></tr>`;
  });
  const more = anomalies.length > MAX_ROWS ? `<p class="note">The first ${MAX_ROWS} of ${anomalies.length} anomalies are shown; results.json has them all.</p>` : '';
  const head = '<thead><tr><th>checker</th><th>kind</th><th>key</th><th>ops</th><th>explanation</th></tr></thead>';
  // Without script: a link to a folded row (a counterexample's) opens the <details> around it.
  const folded =
    rows.length > FOLD_AFTER
      ? `\n<details class="more-anomalies"><summary>show all ${rows.length.toLocaleString('en-US')} anomalies</summary>
<table class="anomalies">${head}<tbody>
${rows.slice(FOLD_AFTER).join('\n')}
</tbody></table></details>`
      : '';
  return `<p class="note">Ops are invoke indices in history.jsonl; click one to outline it on the timeline and zoom there.</p>
<table class="anomalies">${head}<tbody>
${rows.slice(0, FOLD_AFTER).join('\n')}
</tbody></table>${folded}${more}`;
}
