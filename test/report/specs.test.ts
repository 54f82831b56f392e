import { describe, expect, it } from 'vitest';
import { faultWindows } from '../../src/report/faults.js';
import { series } from '../../src/report/series.js';
import { counterexampleSpec } from '../../src/report/specs/counterexample.js';
import { jitterSpec, latencyEcdfSpec, latencyOverTimeSpec, throughputSpec } from '../../src/report/specs/latency.js';
import { agesSpec, visibilitySpec } from '../../src/report/specs/staleness.js';
import { rowsHeight, timelineSpec } from '../../src/report/specs/timeline.js';
import { trendSpec } from '../../src/report/specs/trend.js';
import { staleAges, visibilityData } from '../../src/report/staleness-data.js';
import { syntheticEvents } from '../../src/report/synthetic-run.js';
import { timeAxis } from '../../src/report/time-axis.js';
import { historyEnd, timelineData } from '../../src/report/timeline-data.js';
import { counterexampleView } from '../../src/report/counterexample-data.js';
import { runCheckers } from '../../src/check/run-checkers.js';
import { selectCheckers } from '../../src/check/select-checkers.js';
import { compileSpec, datasets, historyOf } from './helpers.js';

const h = historyOf(syntheticEvents({ ops: 1200, seed: 11, visibilityDelayMs: 4 }));
const end = historyEnd(h);
const axis = timeAxis(end);
const faults = faultWindows(h.nemesis, axis, end);
const results = await runCheckers(h, selectCheckers(['linearizable', 'stale-reads', 'visibility']), true);

function layersOf(spec: unknown): { mark: unknown; data?: unknown }[] {
  return (spec as { layer: { mark: unknown; data?: unknown }[] }).layer;
}

describe('timelineSpec', () => {
  const data = timelineData(h, axis, new Map([[h.ops[10]!.invokeIndex, ['stale-read']]]), 50_000);
  const spec = timelineSpec(data, faults, axis);

  it('compiles without a warning', () => {
    expect(compileSpec(spec).warnings).toEqual([]);
  });

  it('holds one bar per op, the anomaly outlines, a fault window and the nemesis rules', () => {
    expect(datasets(spec).ops).toHaveLength(h.ops.length);
    expect(datasets(spec).anomalies).toHaveLength(1);
    const marks = layersOf(spec).map((l) => (typeof l.mark === 'string' ? l.mark : (l.mark as { type: string }).type));
    expect(marks).toEqual(['rect', 'rule', 'bar', 'bar', 'bar']);
    expect(layersOf(spec)[0]!.data).toEqual({ values: faults.windows });
    expect(faults.windows).toHaveLength(1);
  });

  it('zooms and pans on x only, from the whole run, and sizes rows by process count', () => {
    const compiled = compileSpec(spec).vega;
    const x = compiled.scales!.find((s) => s.name === 'x') as { domain: unknown; domainRaw: unknown };
    expect(x.domain).toEqual([0, data.end]);
    expect(x.domainRaw).toEqual({ signal: 'zoom["s"]' });
    expect(compiled.signals!.map((s) => s.name)).toContain('focus');
    expect((spec as { height?: unknown }).height).toBe(rowsHeight(data.processes.length));
    expect(rowsHeight(1000)).toBe(640);
  });
});

describe('counterexampleSpec', () => {
  it('compiles, colours by role and labels the ops that make the case', async () => {
    const cx = (results.checkers['linearizable']!.counterexamples as Parameters<typeof counterexampleView>[1][])[0]!;
    const view = counterexampleView(h, cx, axis);
    const spec = counterexampleSpec(view, axis);
    expect(compileSpec(spec).warnings).toEqual([]);
    // Drawn in ms since the run started (a counterexample spans milliseconds), the same ops.
    const ops = datasets(spec).ops as typeof view.marks;
    expect(ops.map((m) => m.i)).toEqual(view.marks.map((m) => m.i));
    for (const [k, m] of ops.entries()) {
      expect(m.s).toBeCloseTo(view.marks[k]!.s * 1000, 6);
      expect(m.e).toBeCloseTo(view.marks[k]!.e * 1000, 6);
    }
    expect(JSON.stringify(spec)).toContain('time since the run started (ms)');
    const enc = (layersOf(spec).find((l) => (l.mark as { type: string }).type === 'bar') as unknown as { encoding: { color: { field: string } } }).encoding;
    expect(enc.color.field).toBe('role');
  });
});

describe('staleness specs', () => {
  it('draw the ECDF of ages and the t-visibility curve with its band', () => {
    const ages = staleAges(h, results.checkers['stale-reads'])!;
    expect(ages.count).toBeGreaterThan(0);
    const a = agesSpec(ages);
    expect(compileSpec(a).warnings).toEqual([]);
    expect((a.data as { values: unknown[] }).values).toBe(ages.points);
    const vis = visibilityData(results.checkers['visibility'])!;
    const v = visibilitySpec(vis);
    expect(compileSpec(v).warnings).toEqual([]);
    const layers = layersOf(v);
    expect((layers[0]!.mark as { type: string }).type).toBe('rect'); // the CI band
    expect(vis.curve.every((b) => b.x0 > 0 && b.lo <= b.fraction && b.fraction <= b.hi)).toBe(true);
  });

  it('says windows and P(t = 0) rounded to what they mean: ms to 0.1, fractions as percentages', () => {
    const vis = visibilityData({
      valid: true,
      anomalies: [],
      curve: [],
      windows: { '99%': { ms: 12.345678, ci95: [7.498942, 23.713737], samples: 1234, writes: 56 }, '99.9%': { ms: 40.04, ci95: [30, null], samples: 1000, writes: 1 } },
      pAt0: 0.571234,
      pAt0Basis: { samples: 100, upToMs: 0.123456 },
    })!;
    expect(vis.windows.map((w) => w.text)).toEqual([
      '99% of reads consistent after 12.3 ms (95% CI 7.5 – 23.7 ms), from 1,234 reads of 56 writes',
      '99.9% of reads consistent after 40.0 ms (95% CI 30.0 – ∞ ms), from 1,000 reads of 1 write',
    ]);
    expect(vis.notes?.[0]).toBe("P(consistent at t = 0) 57.1%: the fitted curve's first level, over the 100 reads up to 0.1 ms");
  });

  it('marks each window with a figure, merging windows at the same t', () => {
    const vis = { curve: [{ fromMs: 0, x0: 0.01, toMs: 0.1, fraction: 0.9, lo: 0.8, hi: 1, samples: 100 }], summary: null, windows: [
      { level: '99%', ms: 5, lo: 4, hi: 6, samples: 500, text: 'a' },
      { level: '99.9%', ms: 5, lo: 4, hi: 6, samples: 500, text: 'b' },
      { level: '100%', ms: null, lo: null, hi: null, samples: 0, text: 'c' },
    ] };
    const spec = visibilitySpec(vis);
    const rules = layersOf(spec).filter((l) => (l.mark as { type: string }).type === 'rule' && (l.data as { values?: unknown[] } | undefined)?.values);
    expect(rules).toHaveLength(1);
    expect((rules[0]!.data as { values: { level: string }[] }).values).toEqual([{ ms: 5, level: '99%, 99.9%', text: 'a; b' }]);
  });
});

describe('latency specs', () => {
  const s = series(h, axis, end);
  it('compile, with one latency chart per f and the faults behind the time series', () => {
    const specs = [latencyOverTimeSpec(s, faults, axis), latencyEcdfSpec(s, axis), jitterSpec(s, faults, axis), throughputSpec(s, faults, axis)];
    for (const spec of specs) expect(compileSpec(spec).warnings).toEqual([]);
    const overTime = specs[0] as { vconcat: { title: { text: string }; layer: unknown[] }[] };
    expect(overTime.vconcat.map((v) => v.title.text)).toEqual(s.fs);
    for (const v of overTime.vconcat) expect(v.layer).toHaveLength(3); // window, rules, lines
    expect(layersOf(specs[3])).toHaveLength(3);
  });
});

describe('trendSpec', () => {
  it('links each point to its report and drops the staleness chart when no run has a figure', () => {
    const points = [
      { run: 'a', start: '2026-01-01T00:00:00Z', anomalies: 0, staleP99: null, href: 'a/report.html' },
      { run: 'b', start: '2026-01-02T00:00:00Z', anomalies: 3, staleP99: null, href: 'b/report.html' },
    ];
    const spec = trendSpec('register on memory', points) as { vconcat: { encoding: { href: unknown } }[] };
    expect(compileSpec(spec as never).warnings).toEqual([]);
    expect(spec.vconcat).toHaveLength(1);
    expect(spec.vconcat[0]!.encoding.href).toEqual({ field: 'href' });
    const withStale = trendSpec('t', [{ ...points[0]!, staleP99: 3.5 }]) as { vconcat: unknown[] };
    expect(withStale.vconcat).toHaveLength(2);
  });
});

describe('compileSpec (the helper above)', () => {
  it('does report vega-lite warnings, so the checks above can fail', () => {
    const bad = { data: { values: [] }, mark: 'bar', encoding: { x: { field: 'a', type: 'quantitative' }, shape: { field: 'b', type: 'nominal' } } };
    expect(compileSpec(bad as never).warnings.length).toBeGreaterThan(0);
  });
});
