// The header: what was tested, how it went, and every checker's verdict in words and colour.

import type { Results } from '../check/run-checkers.js';
import { formatBytes } from '../util/format-bytes.js';
import { escapeHtml } from './html.js';
import type { Renderer, RunInfo } from './types.js';
import { checkerWords, overallWords, verdictClass } from './verdict.js';

const OUTCOMES = ['ok', 'fail', 'info', 'open'] as const;

function fmtInt(n: number): string {
  return n.toLocaleString('en-US');
}

/** "emulator (http://127.0.0.1:3900, bucket objcheck)": the target's name and where it was. */
export function targetWords(target: Record<string, unknown> | undefined): string {
  if (!target) return 'unknown';
  const where = ['endpoint', 'region', 'bucket', 'prefix'].flatMap((k) => (typeof target[k] === 'string' ? [`${k} ${target[k] as string}`] : []));
  return `${String(target.name ?? 'unknown')}${where.length ? ` (${where.join(', ')})` : ''}`;
}

export function durationWords(s: number): string {
  if (s < 60) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  return `${m} min ${Math.round(s - m * 60)} s`;
}

function opsTable(results: Results): string {
  const fs = Object.keys(results.stats.ops).sort();
  const total = (o: string) => fs.reduce((n, f) => n + (results.stats.ops[f]![o] ?? 0), 0);
  const row = (f: string, counts: number[]) =>
    `<tr><td>${escapeHtml(f)}</td>${counts.map((c) => `<td class="num">${fmtInt(c)}</td>`).join('')}<td class="num">${fmtInt(counts.reduce((a, b) => a + b, 0))}</td></tr>`;
  return `<table class="ops"><thead><tr><th>f</th>${OUTCOMES.map((o) => `<th class="num">${o}</th>`).join('')}<th class="num">total</th></tr></thead><tbody>
${fs.map((f) => row(f, OUTCOMES.map((o) => results.stats.ops[f]![o] ?? 0))).join('\n')}
${fs.length > 1 ? row('all', OUTCOMES.map(total)) : ''}
</tbody></table>`;
}

function checkersTable(results: Results): string {
  const rows = Object.entries(results.checkers).map(([name, r]) => {
    const detail = [r.summary, r.valid === 'unknown' ? r.reason : undefined].filter((x): x is string => typeof x === 'string');
    return `<tr><td><b>${escapeHtml(name)}</b></td><td><span class="verdict ${verdictClass(r.valid)}">${escapeHtml(checkerWords(r))}</span></td><td>${escapeHtml(detail.join('; '))}</td></tr>`;
  });
  return `<table class="checkers"><thead><tr><th>checker</th><th>verdict</th><th>in short</th></tr></thead><tbody>\n${rows.join('\n')}\n</tbody></table>`;
}

/** Imported histories carry line numbers for times (under a microsecond in all): no duration, no rate. */
function durationAndRate(results: Results): string {
  const { durationS, opsPerS, bytes } = results.stats;
  if (durationS < 0.001) return 'unknown: the history has no clock times';
  const bandwidth = bytes ? `, ${formatBytes(bytes.perS)}/s (${formatBytes(bytes.written)} written, ${formatBytes(bytes.read)} read)` : '';
  return `${durationWords(durationS)} of history${opsPerS > 0 ? `, ${Math.round(opsPerS).toLocaleString('en-US')} ops/s${bandwidth}` : ''}`;
}

function valueText(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** The clock bound in words: a merged run's ε and its shards, or a single run's ε and its source. */
export function clockWords(run: RunInfo | null): string | undefined {
  const ms = (v: number | null) => (v === null ? 'unknown' : `${v} ms`);
  if (run?.merge) {
    const m = run.merge;
    const shards = m.shards.map((s) => `${s.folder.split('/').at(-1)}: ${ms(s.epsilonMs)} (${s.source}${s.offsetMs !== undefined ? `, test offset ${s.offsetMs} ms` : ''})${s.complete ? '' : ', incomplete'}`);
    return `ε = ${ms(m.epsilonMs)} across ${m.shards.length} shards on ${m.keysMode} keys (${shards.join('; ')}): every op widened by its shard's ε on both sides, so ops are ordered only where the clocks make it certain; an anomaly whose ops, from several shards, lie within 2ε is not decidable at this clock bound`;
  }
  // A shard's own report: the bound its merge will hold it to (a lone run has no use for one).
  if (run?.clock && run.shard) return `ε = ${ms(run.clock.epsilonMs)} (${run.clock.detail}), shard ${run.shard.index} of ${run.shard.count}`;
  return undefined;
}

/**
 * For each counterexample of a merged run: the bound its op times carry, so that a reader of
 * one counterexample (attached to a ticket alone) knows the bars are widened, and by how much.
 */
export function counterexampleClockNote(run: RunInfo | null): string | undefined {
  if (!run?.merge) return undefined;
  const e = run.merge.epsilonMs;
  return e === null
    ? 'Merged from shards whose clock bound is unknown: the order of ops from different shards is not certain.'
    : `Merged from ${run.merge.shards.length} shards at clock bound ε = ${e} ms: each op's bar is widened by its shard's ε on both sides, so two ops are ordered here only when their clocks make it certain.`;
}

/** Anomalies set apart by objcheck merge (src/check/clock-bound.ts): shown, never counted. */
function undecidableList(results: Results): string {
  const rows = Object.entries(results.checkers).flatMap(([name, r]) =>
    Array.isArray(r.undecidable) ? (r.undecidable as { explanation: string; undecidable: string }[]).map((a) => `<li><b>${escapeHtml(name)}</b>: ${escapeHtml(a.explanation)} <span class="muted">(${escapeHtml(a.undecidable)})</span></li>`) : [],
  );
  return rows.length === 0 ? '' : `<details><summary>${rows.length} not decidable at this clock bound</summary><ul>${rows.join('')}</ul></details>`;
}

export function header(name: string, run: RunInfo | null, results: Results, renderer: Renderer): string {
  const tool = run?.tool;
  const commit = tool?.git ? `${tool.git.commit}${tool.git.dirty ? ' (with uncommitted changes)' : ''}` : 'unknown';
  const complete = results.complete
    ? 'yes'
    : `no${run?.stopReason ? `: ${run.stopReason}` : ''}${run?.error ? ` (${run.error})` : ''}: the history may lack ops, so the verdict cannot be valid`;
  const config = run?.config
    ? `<details><summary>configuration</summary><table>${Object.entries(run.config)
        .map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td><code>${escapeHtml(valueText(v))}</code></td></tr>`)
        .join('')}</table></details>`
    : '<p class="muted">No run.json: the configuration is not known.</p>';
  const target = run?.target ? `<details><summary>target as opened</summary><pre>${escapeHtml(JSON.stringify(run.target, null, 2))}</pre></details>` : '';
  const facts: [string, string][] = [
    ['workload', escapeHtml(run?.workload ?? 'unknown')],
    ['target', escapeHtml(targetWords(run?.target))],
    ['started', escapeHtml(run?.start ?? 'unknown')],
    ['duration', escapeHtml(durationAndRate(results))],
    ['complete', escapeHtml(complete)],
    ...((): [string, string][] => {
      const clock = clockWords(run);
      return clock ? [['clock bound', escapeHtml(clock)]] : [];
    })(),
    ['operations', opsTable(results)],
    ['tool', escapeHtml(`${tool?.name ?? 'objcheck'} ${tool?.version ?? 'unknown'}, commit ${commit}${tool?.node ? `, Node ${tool.node}` : ''}`)],
    ['report', escapeHtml(`rendered by objcheck ${renderer.version}${renderer.commit ? ` (commit ${renderer.commit})` : ''} from history.jsonl and results.json`)],
  ];
  return `<header>
<h1>objcheck report: ${escapeHtml(name)}</h1>
<p class="big">verdict: <span class="verdict ${verdictClass(results.valid)}" id="overall-verdict">${overallWords(results.valid)}</span>${results.complete ? '' : ' <span class="muted">(the run is incomplete)</span>'}</p>
${checkersTable(results)}
${undecidableList(results)}
<dl class="facts">
${facts.map(([k, v]) => `<dt>${k}</dt><dd>${v}</dd>`).join('\n')}
</dl>
${config}
${target}
</header>`;
}
