// The conformance probe's table (objcheck workload --probe): S3's documented rules, what AWS
// documents beside what this store did, deviations first in the reader's eye.

import type { ProbeResult } from '../probe/run-probe.js';
import { escapeHtml } from './html.js';

export function probeSection(results: readonly ProbeResult[]): string {
  const deviations = results.filter((r) => !r.ok).length;
  const rows = results
    .map((r) => `<tr class="${r.ok ? 'ok' : 'bad'}"><td>${escapeHtml(r.check)}</td><td>${escapeHtml(r.expected)}</td><td>${escapeHtml(r.observed)}</td><td>${r.ok ? 'matches' : '<strong>deviates</strong>'}</td></tr>`)
    .join('\n');
  return `<section id="probe"><h2>S3 conformance probe</h2>
<p class="note">Single-client checks run before the workload (objcheck probe). ${deviations === 0 ? `Every check (${results.length}) matches what AWS documents.` : `<strong>${deviations} of ${results.length} checks deviate</strong> from what AWS documents: a workload that relies on them (conditional writes, for one) will see anomalies for that reason.`}</p>
<table class="probe"><thead><tr><th>check</th><th>expected (AWS)</th><th>observed</th><th></th></tr></thead><tbody>
${rows}
</tbody></table></section>`;
}
