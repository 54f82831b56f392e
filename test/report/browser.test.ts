// The reports in a real browser: Debian's chromium, driven by playwright-core.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLinearizableChecker } from '../../checkers/linearizable/index.js';
import { importHistory } from '../../checkers/linearizable/import/index.js';
import { runCheckers } from '../../src/check/run-checkers.js';
import { loadLibraries, renderReport, writeIndex, writeReport } from '../../src/report/index.js';
import { chromiumMissing, visitReport, type PageVisit } from '../../src/report/browser.js';
import { chartDiv, compileChart, page } from '../../src/report/html.js';
import { writeSyntheticRun } from '../../src/report/synthetic-run.js';
import { corpusDir } from '../../src/util/corpus.js';

const missing = chromiumMissing();
if (missing) console.warn(`skipping the report browser tests: ${missing}`);
const renderer = { version: 'test', commit: null };
const tmp = mkdtempSync(join(tmpdir(), 'objcheck-report-'));

/** What every page must do: draw every chart, say nothing on the console, fetch nothing. */
function expectHealthy(v: PageVisit, charts: number): void {
  expect(v.problems).toEqual([]);
  expect(v.requests.filter((u) => !/^(file|data|blob):/.test(u))).toEqual([]);
  expect(v.charts).toHaveLength(charts);
  for (const c of v.charts) {
    expect(c, c.id).toMatchObject({ rendered: 'true' });
    expect(c.kind, c.id).toMatch(/^(canvas|svg)$/);
    expect(c.width * c.height, c.id).toBeGreaterThan(0);
    expect(c.inked, c.id).toBeGreaterThan(10);
  }
}

describe.skipIf(missing !== null)('reports in headless Chromium', () => {
  it('renders a run with every section, offline, and writes a screenshot', async () => {
    const dir = join(tmp, 'results', 'register-synthetic-a');
    await writeSyntheticRun(dir, { ops: 3000, seed: 1, visibilityDelayMs: 2 }, 'register-synthetic-a');
    const file = await writeReport(dir, { renderer });
    const shot = join(tmp, 'synthetic.png');
    const v = await visitReport(file, { screenshot: shot });
    expectHealthy(v, v.charts.length);
    expect(v.charts.map((c) => c.id)).toEqual(expect.arrayContaining(['chart-timeline', 'chart-ages', 'chart-visibility', 'chart-latency', 'chart-latency-ecdf', 'chart-jitter', 'chart-throughput']));
    expect(v.charts.some((c) => c.id.startsWith('chart-cx-'))).toBe(true);
    expect(v.text).toContain('ANOMALIES FOUND');
    expect(v.text).toMatch(/Faults: 1 window\(s\) shaded grey, 2 nemesis event\(s\)/);
    expect(statSync(shot).size).toBeGreaterThan(10_000);
  });

  it('shows a Porcupine counterexample: its window, explanation and longest linearizable prefix; the anomaly links drive the timeline', async (ctx) => {
    const log = join(corpusDir(), 'porcupine', 'etcd', 'etcd_000.log');
    if (!existsSync(log)) ctx.skip(`${log} not found (the corpus lives in ../shared/corpus beside the checkout)`);
    const history = await importHistory(log, 'etcd-log');
    const results = await runCheckers(history, [createLinearizableChecker({ model: 'cas-register' })], true);
    const cx = (results.checkers['linearizable']!.counterexamples as { explanation: string; window: { ops: { index: number; text: string }[] }; prefix: { length: number } }[])[0]!;
    const html = renderReport({ data: { name: 'etcd_000', run: null, results, history }, libraries: await loadLibraries(), renderer });
    const file = join(tmp, 'etcd_000.html');
    writeFileSync(file, html);
    let focus: unknown;
    let domain: number[] = [];
    const v = await visitReport(file, {
      screenshot: join(tmp, 'etcd_000.png'),
      act: async (page) => {
        await page.click('#anomalies tr[id^="anomaly-"] a.op:has-text("all")');
        await page.waitForTimeout(200);
        focus = await page.evaluate(`objcheck.views['chart-timeline'].signal('focus')`);
        domain = (await page.evaluate(`objcheck.views['chart-timeline'].scale('x').domain()`)) as number[];
      },
    });
    expectHealthy(v, v.charts.length);
    expect(v.charts.map((c) => c.id).slice(0, 2)).toEqual(['chart-timeline', 'chart-cx-0']);
    expect(v.text).toContain('Key (the register): not linearizable');
    expect(v.text).toContain(cx.explanation);
    expect(v.text).toContain(`Longest linearizable prefix: ${cx.prefix.length} ops`);
    expect(v.text).toContain(`Window (${cx.window.ops.length} ops)`);
    // Line numbers stand in for times in Porcupine's logs: the axes must not call them seconds.
    expect(html).toContain('event position (the history has no clock times)');
    expect(html).not.toContain('time since the run started (s)');
    // The link outlined exactly the anomaly's ops and zoomed the timeline onto them.
    expect(focus).toEqual(results.checkers['linearizable']!.anomalies[0]!.ops);
    expect(domain[1]! - domain[0]!).toBeLessThan(170);
    expect(domain[0]).toBeGreaterThan(0);
  });

  it('draws the charts of the first two screens at once, the others when scrolled near (or all on drawAll)', async () => {
    const dir = join(tmp, 'results', 'register-synthetic-lazy');
    await writeSyntheticRun(dir, { ops: 3000, seed: 1, visibilityDelayMs: 2 }, 'register-synthetic-lazy');
    const rendered = `Object.fromEntries([...document.querySelectorAll('div.chart')].map((d) => [d.id, d.getAttribute('data-rendered')]))`;
    let atLoad: Record<string, string | null> = {};
    const v = await visitReport(await writeReport(dir, { renderer }), {
      drawAll: false,
      act: async (page) => {
        atLoad = (await page.evaluate(rendered)) as Record<string, string | null>;
        await page.locator('#chart-throughput').scrollIntoViewIfNeeded();
        await page.waitForSelector('#chart-throughput[data-rendered="true"]', { timeout: 30_000 });
      },
    });
    expect(v.problems).toEqual([]);
    expect(v.allMs).toBeNull();
    expect(atLoad['chart-timeline']).toBe('true');
    // The bottom of the page waited until it was scrolled to, then was drawn with ink on it.
    expect(atLoad['chart-throughput']).toBeNull();
    expect(v.charts.find((c) => c.id === 'chart-throughput')).toMatchObject({ rendered: 'true', kind: 'canvas' });
    expect(v.charts.find((c) => c.id === 'chart-throughput')!.inked).toBeGreaterThan(10);
  });

  it('says in the chart\'s place when Vega-Lite could not compile a spec (compiled as the page is written)', async () => {
    const bad = compileChart({ id: 'chart-bad', spec: { mark: 'bogus', data: { values: [] } } as never });
    expect(bad.vega).toBeNull();
    expect(bad.warnings.join(' ')).toMatch(/compile error/);
    const file = join(tmp, 'bad-chart.html');
    writeFileSync(file, page('bad', chartDiv('chart-bad', 'a chart that cannot compile'), [{ id: 'chart-bad', spec: { mark: 'bogus', data: { values: [] } } as never }], await loadLibraries()));
    const v = await visitReport(file);
    expect(v.charts).toMatchObject([{ id: 'chart-bad', rendered: 'error' }]);
    expect(v.text).toMatch(/This chart could not be drawn: Error: compile error/);
  });

  it("draws the default short run's report with nothing on the console (windows of 0 ms on a log axis)", async () => {
    const results = join(tmp, 'short-runs');
    const r = spawnSync(process.execPath, [join(import.meta.dirname, '../../dist/src/cli/main.js'), 'workload', '--time-limit', '2', '--results', results, '--name', 'short'], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const v = await visitReport(join(results, 'short', 'report.html'));
    expectHealthy(v, v.charts.length);
    expect(v.charts.map((c) => c.id)).toContain('chart-visibility');
  });

  it.each([
    ['no stale read', { ops: 400, seed: 3, visibilityDelayMs: 0 }],
    ['one bin of t', { ops: 40, seed: 4, processes: 2, keys: 1, visibilityDelayMs: 1 }],
    ['almost no data', { ops: 3, seed: 5, processes: 1, keys: 1 }],
  ])('draws a small run (%s) with nothing on the console', async (name, o) => {
    const dir = join(tmp, 'results', `register-small-${o.seed}`);
    await writeSyntheticRun(dir, o, `register-small-${o.seed}`);
    const v = await visitReport(await writeReport(dir, { renderer }));
    expectHealthy(v, v.charts.length);
  });

  it('says what it sampled when a history is too big to draw op by op', async () => {
    const dir = join(tmp, 'results', 'register-synthetic-b');
    await writeSyntheticRun(dir, { ops: 6000, seed: 2 }, 'register-synthetic-b');
    const file = await writeReport(dir, { renderer, maxMarks: 2000 });
    const v = await visitReport(file);
    expectHealthy(v, v.charts.length);
    expect(v.text).toMatch(/6,000 ops are too many to draw one by one: the overview shows [\d,]+ cells/);
  });

  it('indexes the results folder, newest first, with a trend chart per workload and target', async () => {
    const results = join(tmp, 'results');
    if (!existsSync(join(results, 'register-synthetic-b'))) await writeSyntheticRun(join(results, 'register-synthetic-b'), { ops: 500, seed: 2 }, 'register-synthetic-b');
    if (!existsSync(join(results, 'register-synthetic-a'))) await writeSyntheticRun(join(results, 'register-synthetic-a'), { ops: 500, seed: 1 }, 'register-synthetic-a');
    const index = await writeIndex(results, { renderer });
    const v = await visitReport(index);
    expectHealthy(v, 1);
    expect(readFileSync(index, 'utf8')).toContain('aria-label="trend for register on synthetic"');
    const b = v.text.indexOf('register-synthetic-b');
    const a = v.text.indexOf('register-synthetic-a');
    expect(b).toBeGreaterThanOrEqual(0);
    expect(b).toBeLessThan(a); // b started an hour later (seed 2)
  });
});
