// The measured windows of the eventual-corner workloads (revocation, cache, config,
// replication), each beside what Google and Amazon document. Revocation and key-disable
// windows are security numbers: they lead the page, in a callout of their own.

import type { Results } from '../check/run-checkers.js';
import type { WindowFigure } from '../../checkers/windows/check-windows.js';
import { escapeHtml } from './html.js';

/** Windows during which access that was taken away still worked. */
const SECURITY = new Set(['revoke', 'key-disable']);

function windowsIn(results: Results): WindowFigure[] {
  return Object.values(results.checkers).flatMap((r) => (Array.isArray(r.windows) ? (r.windows as WindowFigure[]) : []));
}

function measured(w: WindowFigure): string {
  const beyond = w.censored > 0 ? `; ${w.censored} not yet in force at the next change or the end (≥ ${w.atLeastMs!.toFixed(1)} ms)` : '';
  if (w.ms === null) return `${escapeHtml(w.reason ?? 'no figure')}${escapeHtml(beyond)}`;
  const ci = w.ci95 ? ` <span class="muted">[95% CI ${w.ci95[0].toFixed(1)}, ${w.ci95[1].toFixed(1)}]</span>` : '';
  const enough = w.enough ? '' : ' <span class="muted">(not enough data)</span>';
  const where = w.measuredAt === 'store' ? ' at the store' : '';
  return `<b>${w.ms.toFixed(1)} ms</b>${where}${ci}, max ${w.maxMs!.toFixed(1)} ms, ${w.samples} changes${enough}${escapeHtml(beyond)}`;
}

/** The section, or '' when no checker measured a window. */
export function windowsSection(results: Results): string {
  const windows = windowsIn(results);
  if (windows.length === 0) return '';
  const security = windows.filter((w) => SECURITY.has(w.name) && (w.maxMs !== null || w.censored > 0));
  const callout = security.length
    ? `<div class="security" id="security-windows"><b>Security</b>: ${security
        .map((w) => {
          const worst = Math.max(w.maxMs ?? 0, w.atLeastMs ?? 0);
          return escapeHtml(`${w.what}: up to ${worst.toFixed(1)} ms${w.censored > 0 ? ' or more' : ''} (median ${w.ms === null ? 'unknown' : `${w.ms.toFixed(1)} ms`}, ${w.samples} changes)`);
        })
        .join('; ')}.</div>`
    : '';
  const rows = windows
    .map((w) => `<tr id="window-${escapeHtml(w.name)}"><td><b>${escapeHtml(w.name)}</b><br><span class="muted">${escapeHtml(w.what)}</span></td><td>${measured(w)}</td><td>${escapeHtml(w.promise.google)}</td><td>${escapeHtml(w.promise.amazon)}</td></tr>`)
    .join('\n');
  return `<section id="windows"><h2>Eventual windows</h2>
${callout}
<p class="note">Per change: from the moment it returned success to when it took effect, the middle of [the start of the last probe that did not yet show it, the end of the next probe that did]. The median of those lags with its bootstrap 95% interval, and the longest; a change never seen in force before the next one (or the end of the run) gives only a lower bound. A window <i>at the store</i> comes from the emulator's ground truth instead: from when the store acknowledged each change to when it was in force, exactly.</p>
<table class="windows"><thead><tr><th>window</th><th>measured</th><th>Google documents</th><th>Amazon documents</th></tr></thead><tbody>
${rows}
</tbody></table></section>`;
}
