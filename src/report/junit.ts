// JUnit XML for CI systems: a test suite per run, a test case per checker; anomalies are
// failures (with the sentences checkers/explain.ts makes of their evidence), undecided checkers are skipped.

import { sentence } from '../../checkers/explain.js';
import type { Results } from '../check/run-checkers.js';
import { checkerWords } from './verdict.js';

export interface JUnitRun {
  name: string;
  results: Results;
}

/** Lists at most this many anomalies per failure; the report and results.json have the rest. */
const LISTED = 20;

// XML 1.0 forbids most control characters even when escaped.
const INVALID_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

export function xmlEscape(s: string): string {
  return s.replace(INVALID_XML, '\uFFFD').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
}

export function toJUnit(runs: readonly JUnitRun[]): string {
  let tests = 0;
  let failures = 0;
  let skipped = 0;
  const suites = runs.map(({ name, results }) => {
    const cases: string[] = [];
    let f = 0;
    let s = 0;
    for (const [checker, r] of Object.entries(results.checkers)) {
      const time = typeof r.ms === 'number' ? ` time="${(r.ms / 1000).toFixed(3)}"` : '';
      let body = '';
      if (r.valid === false) {
        f++;
        const lines = r.anomalies.slice(0, LISTED).map((a) => `${a.kind}${a.key !== undefined ? ` [${a.key}]` : ''} ops ${a.ops.join(',')}: ${sentence(a)}`);
        if (r.anomalies.length > LISTED) lines.push(`… and ${r.anomalies.length - LISTED} more in results.json`);
        const message = `${checkerWords(r)}${r.summary ? `; ${r.summary}` : ''}`;
        body = `<failure message="${xmlEscape(message)}" type="anomalies">${xmlEscape(lines.join('\n'))}</failure>`;
      } else if (r.valid === 'unknown') {
        s++;
        body = `<skipped message="${xmlEscape(`unknown: ${r.reason ?? 'the checker could not decide'}`)}"/>`;
      } else if (r.summary) {
        body = `<system-out>${xmlEscape(r.summary)}</system-out>`;
      }
      cases.push(`    <testcase classname="objcheck.${xmlEscape(name)}" name="${xmlEscape(checker)}"${time}>${body}</testcase>`);
    }
    if (!results.complete) {
      s++;
      cases.push(`    <testcase classname="objcheck.${xmlEscape(name)}" name="complete"><skipped message="the run is incomplete: its verdict cannot be valid"/></testcase>`);
    }
    tests += cases.length;
    failures += f;
    skipped += s;
    return `  <testsuite name="${xmlEscape(name)}" tests="${cases.length}" failures="${f}" errors="0" skipped="${s}" time="${results.stats.durationS.toFixed(3)}">\n${cases.join('\n')}\n  </testsuite>`;
  });
  return `<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="objcheck" tests="${tests}" failures="${failures}" errors="0" skipped="${skipped}">
${suites.join('\n')}
</testsuites>
`;
}
