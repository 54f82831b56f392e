import { sentence } from '../../checkers/explain.js';
import type { Results } from '../check/run-checkers.js';
import { formatBytes } from '../util/format-bytes.js';
import { formatNumber } from '../util/format-number.js';

/** The end-of-run text: ops by f and outcome, latency, each checker's verdict. */
export function formatSummary(results: Results): string {
  const { stats } = results;
  const lines: string[] = [];
  const outcomes = ['ok', 'fail', 'info', 'open'];
  const fs = Object.keys(stats.ops).sort();
  // Imported histories without real times (line numbers stand in) have no meaningful rate.
  const timed = stats.durationS >= 0.001;
  const rate = `${Math.round(stats.opsPerS).toLocaleString('en-US')} ops/s${stats.bytes ? `, ${formatBytes(stats.bytes.perS)}/s` : ''}`;
  lines.push(`operations: ${stats.total.toLocaleString('en-US')}${timed ? ` in ${stats.durationS.toFixed(1)} s (${rate})` : ''}`);
  if (stats.bytes) lines.push(`bytes: ${formatBytes(stats.bytes.written)} written, ${formatBytes(stats.bytes.read)} read`);
  const table: string[][] = [['f', ...outcomes, 'p50 ms', 'p99 ms', 'max ms']];
  for (const f of [...fs, 'all']) {
    const counts = f === 'all' ? outcomes.map((o) => fs.reduce((n, g) => n + (stats.ops[g]![o] ?? 0), 0)) : outcomes.map((o) => stats.ops[f]![o] ?? 0);
    const l = stats.latencyMs[f];
    table.push([f, ...counts.map((n) => n.toLocaleString('en-US')), ...(l && timed ? [l.p50, l.p99, l.max].map((x) => formatNumber(x, 'ms')) : ['-', '-', '-'])]);
  }
  const widths = table[0]!.map((_, i) => Math.max(...table.map((r) => r[i]!.length)));
  for (const row of table) lines.push('  ' + row.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  '));
  lines.push('checkers:');
  for (const [name, r] of Object.entries(results.checkers)) {
    const verdict = r.valid === true ? 'valid' : r.valid === false ? `INVALID (${r.anomalies.length} anomal${r.anomalies.length === 1 ? 'y' : 'ies'} listed)` : `unknown${r.reason ? `: ${r.reason}` : ''}`;
    lines.push(`  ${name}: ${verdict}`);
    if (r.summary) lines.push(`    ${r.summary}`);
    for (const a of r.anomalies.slice(0, 5)) lines.push(`    - ${a.known !== undefined ? '(known) ' : ''}${a.kind}: ${sentence(a)}`);
    if (r.anomalies.length > 5) lines.push(`    … and ${r.anomalies.length - 5} more in results.json`);
  }
  const overall = results.valid === true ? 'VALID' : results.valid === false ? 'ANOMALIES FOUND' : 'UNKNOWN';
  lines.push(`verdict: ${overall}${results.reason ? `: ${results.reason}` : ''}${results.complete ? '' : ' (the run is incomplete)'}`);
  const b = results.baseline;
  if (b && b.known + b.new > 0) {
    const then = b.valid === true ? 'only known deviations: passes' : b.valid === false ? 'new anomalies: fails' : 'known deviations, and the verdict is otherwise unknown';
    lines.push(`baseline ${b.file}: ${b.known.toLocaleString('en-US')} known, ${b.new.toLocaleString('en-US')} new; ${then}`);
  }
  return lines.join('\n');
}

