// A report a person reads at a glance: numbers rounded to what they mean, process labels apart.

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chartTexts, chromiumMissing, visitReport, type ChartTexts, type PageVisit } from '../../src/report/browser.js';
import { writeIndex, writeReport } from '../../src/report/index.js';
import { formatNumber } from '../../src/util/format-number.js';
import { rowsAxis, rowsHeight } from '../../src/report/specs/timeline.js';
import { writeSyntheticRun } from '../../src/report/synthetic-run.js';
import { overPrecise } from './helpers.js';

const missing = chromiumMissing();
if (missing) console.warn(`skipping the readability browser tests: ${missing}`);
const renderer = { version: 'test', commit: null };
const tmp = mkdtempSync(join(tmpdir(), 'objcheck-readable-'));

describe('formatNumber', () => {
  it('rounds ms to 0.1, sub-ms to the µs, fractions to 0.1 %, seconds to the ms', () => {
    expect(formatNumber(7.498942, 'ms')).toBe('7.5');
    expect(formatNumber(1234.56, 'ms')).toBe('1,234.6');
    expect(formatNumber(0, 'ms')).toBe('0.0');
    expect(formatNumber(0.034412, 'ms')).toBe('0.034');
    expect(formatNumber(0.0001, 'ms')).toBe('< 0.001');
    expect(formatNumber(0.571234, 'percent')).toBe('57.1%');
    expect(formatNumber(1, 'percent')).toBe('100.0%');
    expect(formatNumber(0.390904, 's')).toBe('0.391');
    expect(formatNumber(153.4913, 'rate')).toBe('153.5');
    expect(formatNumber(12, 'step')).toBe('12');
    expect(formatNumber(12.25, 'count')).toBe('12');
  });

  it('is what the check below flags when left unrounded', () => {
    expect(overPrecise(['95% CI 7.498942 – 23.713737 ms', '1.000000', 'consistent 12.35%'])).toHaveLength(4);
    expect(overPrecise([formatNumber(7.498942, 'ms'), formatNumber(0.123456, 'percent'), formatNumber(0.0805123, 's')])).toEqual([]);
  });
});

describe('rowsAxis', () => {
  it('labels every row while 14 px rows fit, then every k-th from the first', () => {
    const rows = (n: number) => Array.from({ length: n }, (_, i) => i);
    expect(rowsAxis(rows(10))).toEqual({});
    expect(rowsAxis(rows(45))).toEqual({});
    const hundred = rowsAxis(rows(100)).values!;
    expect(hundred[0]).toBe(0);
    expect(hundred.length).toBeGreaterThan(20);
    expect((rowsHeight(100) / 100) * (hundred[1]! - hundred[0]!)).toBeGreaterThanOrEqual(13);
  });
});

/** Labels of one axis whose boxes intersect. */
function overlapping(labels: ChartTexts['labels']): string[] {
  const hits: string[] = [];
  for (let i = 0; i < labels.length; i++)
    for (let j = i + 1; j < labels.length; j++) {
      const a = labels[i]!;
      const b = labels[j]!;
      if (a.x1 < b.x2 && b.x1 < a.x2 && a.y1 < b.y2 && b.y1 < a.y2) hits.push(`${a.text} / ${b.text}`);
    }
  return hits;
}

/** A synthetic run's report in the browser: the page and its charts' axis labels and tooltips. */
async function visitSynthetic(name: string, o: Parameters<typeof writeSyntheticRun>[1]): Promise<{ v: PageVisit; texts: ChartTexts[] }> {
  const dir = join(tmp, name);
  await writeSyntheticRun(dir, o, name);
  let texts: ChartTexts[] = [];
  const v = await visitReport(await writeReport(dir, { renderer }), { act: async (page) => void (texts = await chartTexts(page)) });
  expect(v.problems).toEqual([]);
  return { v, texts };
}

describe.skipIf(missing !== null)('reports in headless Chromium, read at a glance', () => {
  it('round every axis label, tooltip and figure on the page to what it means', async () => {
    const { v, texts } = await visitSynthetic('rounded', { ops: 3000, seed: 1, visibilityDelayMs: 2 });
    const ids = texts.map((t) => t.id);
    expect(ids).toEqual(expect.arrayContaining(['chart-timeline', 'chart-ages', 'chart-visibility', 'chart-latency', 'chart-latency-ecdf', 'chart-jitter', 'chart-throughput']));
    expect(ids.some((id) => id.startsWith('chart-cx-'))).toBe(true);
    for (const t of texts) {
      // Every chart has labelled axes and marks with tooltips: the scan below reads something.
      expect(t.labels.length, t.id).toBeGreaterThan(4);
      expect(t.tooltips.length, t.id).toBeGreaterThan(0);
      expect(overPrecise(t.labels.map((l) => l.text)), t.id).toEqual([]);
      expect(overPrecise(t.tooltips), t.id).toEqual([]);
    }
    expect(overPrecise([v.text])).toEqual([]);
    // The visibility checker's summary in the header: P(t = 0) as a percentage, as in the note under its chart.
    expect(v.text).toMatch(/P\(consistent at t = 0\) \d+\.\d%;?\s/);
    expect(v.text).not.toMatch(/P\(consistent at t = 0\) [01]\.\d/);
    // Fractions are percentages, on the axes and in the tooltips.
    const ecdf = texts.find((t) => t.id === 'chart-latency-ecdf')!;
    expect(ecdf.labels.map((l) => l.text)).toEqual(expect.arrayContaining(['0%', '100%']));
    expect(ecdf.tooltips.join(' ')).toMatch(/ops at most this slow\s+\d+\.\d%/);
    const vis = texts.find((t) => t.id === 'chart-visibility')!;
    expect(vis.tooltips.join(' ')).toMatch(/consistent\s+\d+\.\d%.*95% CI low\s+\d+\.\d%/);
    // Latencies to 0.1 ms, times since the start to the ms.
    const timeline = texts.find((t) => t.id === 'chart-timeline')!.tooltips.join(' ');
    expect(timeline).toMatch(/latency \(ms\)\s+(\d[\d,]*\.\d|0\.\d{3})\s/);
    expect(timeline).toMatch(/invoked \(s\)\s+\d+\.\d{3}\s/);
    // A counterexample spans milliseconds: its axis and tooltips are in ms.
    const cx = texts.find((t) => t.id.startsWith('chart-cx-'))!;
    expect(cx.tooltips.join(' ')).toMatch(/invoked \(ms\)\s+\d[\d,]*\.\d\s/);
    // The latency table: ms to 0.1.
    expect(v.text).toMatch(/\bget\s+[\d,]+\s+\d+\.\d\s+\d+\.\d\s/);
  });

  it("rounds the index's trend tooltips: the stale-read p99 in ms to 0.1", async () => {
    const results = join(tmp, 'index-results');
    await writeSyntheticRun(join(results, 'register-synthetic-a'), { ops: 1500, seed: 1, visibilityDelayMs: 2 }, 'register-synthetic-a');
    let texts: ChartTexts[] = [];
    const v = await visitReport(await writeIndex(results, { renderer }), { act: async (page) => void (texts = await chartTexts(page)) });
    expect(v.problems).toEqual([]);
    const tips = texts.flatMap((t) => t.tooltips);
    expect(tips.filter((t) => /stale-read age p99 \(ms\) \d[\d,]*\.\d(;|$)/.test(t)).length, tips.join('\n')).toBeGreaterThan(0);
    expect(overPrecise([...tips, ...texts.flatMap((t) => t.labels.map((l) => l.text)), v.text])).toEqual([]);
  });

  it('keeps the timeline\'s process labels apart at 100 processes', async () => {
    const { texts } = await visitSynthetic('hundred', { ops: 3000, processes: 100, seed: 2 });
    const timeline = texts.find((t) => t.id === 'chart-timeline')!;
    const y = timeline.labels.filter((l) => l.orient === 'left');
    // Enough labels to find a row by (every few processes), the first process among them, none touching.
    expect(y.length).toBeGreaterThan(20);
    expect(y[0]!.text).toBe('0');
    expect(overlapping(y)).toEqual([]);
    const x = timeline.labels.filter((l) => l.orient === 'bottom');
    expect(x.length).toBeGreaterThan(2);
    expect(overlapping(x)).toEqual([]);
    for (const cx of texts.filter((t) => t.id.startsWith('chart-cx-'))) expect(overlapping(cx.labels.filter((l) => l.orient === 'left')), cx.id).toEqual([]);
  });
});
