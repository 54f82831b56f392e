import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resultsOf } from '../../src/report/scoped-results.js';
import { partHistory } from '../../src/history/parts.js';
import type { Results } from '../../src/check/run-checkers.js';
import { historyOf } from './helpers.js';
import { events } from '../helpers/events.js';

const cli = resolve(import.meta.dirname, '../../dist/src/cli/main.js');

describe('reports of mixed runs (checkers named <part>:<checker>)', () => {
  it('finds a checker\'s results under its own name first, then under each part\'s', () => {
    const r = (valid: boolean) => ({ valid, anomalies: [] });
    const results = { checkers: { 'register:visibility': r(true), visibility: r(false), 'metadata:visibility': r(true), 'register:stale-reads': r(true) } } as unknown as Results;
    expect(resultsOf(results, 'visibility').map((x) => [x.name, x.part])).toEqual([
      ['visibility', undefined],
      ['register:visibility', 'register'],
      ['metadata:visibility', 'metadata'],
    ]);
  });

  it('gives a part the ops on its own keys only, as its checkers saw them', () => {
    const h = historyOf(events([0, 'invoke', 'put', 'register/k0', 1], [0, 'ok', 'put', 'register/k0'], [1, 'invoke', 'put', 'cas/r0', 2], [1, 'ok', 'put', 'cas/r0']));
    expect(partHistory(h, 'register').ops.map((o) => o.key)).toEqual(['register/k0']);
    expect(partHistory(h, 'register').events).toBe(h.events);
  });

  it("draws each part's staleness charts and the parts' counterexamples", () => {
    const results = mkdtempSync(join(tmpdir(), 'objcheck-mixed-report-'));
    const r = spawnSync(
      process.execPath,
      [cli, 'workload', '--target', 'emulator', '--consistency', 's3-legacy', '--stale-window', '50:150', '--negative-cache-window', '0:0', '--ignore-conditions',
        '--workload', 'mixed', '--mix', 'register=3,cas=1', '--ops', '1500', '--seed', '4', '--results', results, '--name', 'run'],
      { encoding: 'utf8', env: { ...process.env, AWS_CA_BUNDLE: '' } },
    );
    expect(r.status, r.stderr).toBe(1);
    const html = readFileSync(join(results, 'run', 'report.html'), 'utf8');
    expect(html).toContain('<h3>register: Ages of stale reads</h3>');
    expect(html).toContain('id="chart-ages-register"');
    expect(html).toContain('id="chart-visibility-register"');
    // The cas part's linearizability failures, each with its own chart.
    expect(html).toMatch(/id="chart-cx-0"/);
    expect(html).toMatch(/cas\/r\d+\.\d+/);
  });
});
