import { describe, expect, it } from 'vitest';
import { listAnomalies, anomalousOps } from '../../src/report/anomaly-index.js';
import { counterexampleView } from '../../src/report/counterexample-data.js';
import { faultWindows } from '../../src/report/faults.js';
import { escapeScript, scriptJson } from '../../src/report/html.js';
import { toJUnit } from '../../src/report/junit.js';
import { series } from '../../src/report/series.js';
import { staleAges } from '../../src/report/staleness-data.js';
import { syntheticEvents } from '../../src/report/synthetic-run.js';
import { timeAxis } from '../../src/report/time-axis.js';
import { historyEnd, timelineData } from '../../src/report/timeline-data.js';
import { staleReads } from '../../checkers/stale-reads.js';
import { runCheckers } from '../../src/check/run-checkers.js';
import { selectCheckers } from '../../src/check/select-checkers.js';
import { events } from '../helpers/events.js';
import { historyOf } from './helpers.js';

const S = timeAxis(1e9);

describe('timelineData', () => {
  const h = historyOf(
    events([0, 'invoke', 'put', 'k', 1], [1, 'invoke', 'get', 'k'], [0, 'ok', 'put', 'k'], [1, 'ok', 'get', 'k', 1], [2, 'invoke', 'put', 'k', 2], [3, 'invoke', 'get', 'k'], [2, 'info', 'put', 'k', undefined, 'timeout'], [3, 'fail', 'get', 'k', undefined, 'boom']),
  );

  it('draws every op when they fit, an info op running to the end of the history', () => {
    const d = timelineData(h, timeAxis(historyEnd(h)), new Map([[4, ['stale-read']]]), 100);
    expect(d.ops).toHaveLength(4);
    expect(d.cells).toEqual([]);
    expect(d.note).toBeNull();
    const info = d.ops.find((o) => o.t === 'info')!;
    expect(info.e).toBe(d.end);
    expect(info.err).toBe('timeout');
    expect(d.ops.find((o) => o.i === 5)).toMatchObject({ t: 'fail', err: 'boom', l: 2, p: 3 });
    expect(d.anomalies.map((o) => [o.i, o.a])).toEqual([[4, 'stale-read']]);
  });

  it('aggregates a large history within the budget and still draws the ops near anomalies', () => {
    const big = historyOf(syntheticEvents({ ops: 5000, seed: 3 }));
    const flagged = new Map([[big.ops[2500]!.invokeIndex, ['x']]]);
    const d = timelineData(big, timeAxis(historyEnd(big)), flagged, 1000);
    expect(d.cells.length + d.ops.length + d.anomalies.length).toBeLessThanOrEqual(1000);
    expect(d.cells.length).toBeGreaterThan(0);
    expect(d.cells.reduce((n, c) => n + c.n, 0)).toBe(5000);
    expect(d.ops.map((o) => o.i)).toContain(big.ops[2500]!.invokeIndex);
    expect(d.ops.length).toBeGreaterThan(1);
    expect(d.note).toMatch(/5,000 ops are too many to draw one by one/);
  });

  it('merges neighbouring cells of one outcome, so the overview costs the page few marks', () => {
    const big = historyOf(syntheticEvents({ ops: 5000, seed: 3 }));
    const d = timelineData(big, timeAxis(historyEnd(big)), new Map(), 1000);
    const slice = d.slice!;
    for (const p of d.processes) {
      const row = d.cells.filter((c) => c.p === p).sort((a, b) => a.s - b.s);
      for (let k = 1; k < row.length; k++) {
        const touching = row[k]!.s - row[k - 1]!.e < slice / 2;
        expect(touching && row[k]!.t === row[k - 1]!.t, `process ${p} at ${row[k]!.s}`).toBe(false);
      }
    }
    expect(d.cells.length).toBeLessThan(d.processes.length * 50);
  });

  it('past the ops drawn at once, draws them over the overview only once zoomed in (all of them when they fit)', () => {
    const big = historyOf(syntheticEvents({ ops: 3000, seed: 3 }));
    const d = timelineData(big, timeAxis(historyEnd(big)), new Map(), 50_000, 1000);
    expect(d.cells.length).toBeGreaterThan(0);
    expect(d.ops).toHaveLength(3000);
    expect(d.detailSpan).toBeCloseTo(d.end / 3, 1);
    expect(d.note).toMatch(/Every op is drawn individually on top once the view spans [\d.,]+ ms or less/);
    const small = timelineData(big, timeAxis(historyEnd(big)), new Map(), 50_000);
    expect(small.cells).toEqual([]);
    expect(small.detailSpan).toBeNull();
  });

  it('colours a cell by its worst outcome', () => {
    const d = timelineData(h, S, new Map(), 2);
    expect(d.cells.some((c) => c.t === 'info')).toBe(true);
  });
});

describe('faultWindows', () => {
  it('pairs start and stop, keeps a window open to the end, and draws every event', () => {
    const nemesis = [
      { index: 0, time: 1e9, process: 'nemesis' as const, type: 'invoke' as const, f: 'start-partition' },
      { index: 1, time: 1.1e9, process: 'nemesis' as const, type: 'info' as const, f: 'start-partition' },
      { index: 2, time: 2e9, process: 'nemesis' as const, type: 'invoke' as const, f: 'stop-partition' },
      { index: 3, time: 2.1e9, process: 'nemesis' as const, type: 'info' as const, f: 'stop-partition' },
      { index: 4, time: 3e9, process: 'nemesis' as const, type: 'info' as const, f: 'start-kill' },
    ];
    const f = faultWindows(nemesis, S, 5e9);
    expect(f.windows).toEqual([
      { fault: 'partition', from: 1, to: 2.1, open: false },
      { fault: 'kill', from: 3, to: 5, open: true },
    ]);
    expect(f.events.map((e) => e.at)).toEqual([1, 1.1, 2, 2.1, 3]);
  });
});

describe('series', () => {
  it('counts every completed op once in the throughput and summarizes latency per f', () => {
    const h = historyOf(syntheticEvents({ ops: 2000, seed: 5 }));
    const s = series(h, timeAxis(historyEnd(h)), historyEnd(h), 50);
    const completed = h.ops.filter((o) => o.completeTime !== null).length;
    // rate = ops in the slice / slice length, so rate × slice gives the ops back.
    const counted = s.throughput.reduce((n, p) => n + p.rate * s.slice, 0);
    expect(Math.abs(counted - completed) / completed).toBeLessThan(0.001);
    const all = s.summary.find((r) => r.f === 'all')!;
    expect(all.count).toBe(h.ops.filter((o) => o.type === 'ok' || o.type === 'fail').length);
    expect(all.p50).toBeLessThanOrEqual(all.p99);
    expect(all.p99).toBeLessThanOrEqual(all.p999);
    for (const f of s.fs) expect(s.ecdf.filter((p) => p.f === f).at(-1)?.q).toBe(1);
  });
});

describe('staleAges', () => {
  it('gives the same ages from a capped results.json as from every anomaly', async () => {
    const h = historyOf(syntheticEvents({ ops: 3000, seed: 7, visibilityDelayMs: 3 }));
    const full = staleReads.check(h, { maxAnomalies: Infinity }) as Awaited<ReturnType<typeof staleReads.check>>;
    const capped = staleReads.check(h, { maxAnomalies: 10 }) as Awaited<ReturnType<typeof staleReads.check>>;
    const a = staleAges(h, full)!;
    const b = staleAges(h, capped)!;
    expect(a.count).toBe(full.staleReads);
    expect(a.count).toBeGreaterThan(10);
    expect(b.points).toEqual(a.points);
    expect(b.note).toMatch(/recomputed/);
    // The checker's own p99 age is a point of the ECDF.
    const p99 = (full.ageMs as { max: number }).max;
    expect(a.points.at(-1)!.ms).toBeCloseTo(p99, 3);
  });
});

describe('counterexampleView', () => {
  it('gives the stuck op, the window and the prefix their roles on that key only', async () => {
    const h = historyOf(syntheticEvents({ ops: 1500, seed: 2, visibilityDelayMs: 5 }));
    const results = await runCheckers(h, selectCheckers(['linearizable']), true);
    const cx = (results.checkers['linearizable']!.counterexamples as Parameters<typeof counterexampleView>[1][])[0]!;
    const v = counterexampleView(h, cx, timeAxis(historyEnd(h)));
    expect(new Set(v.marks.map((m) => m.k))).toEqual(new Set([cx.key]));
    const stuck = v.marks.filter((m) => m.role === 'stuck').map((m) => m.i);
    expect(stuck).toEqual(cx.stuck.map((r) => r.index));
    for (const m of v.marks.filter((x) => x.role === 'prefix')) expect(m.label).toMatch(/^#\d+ /);
    // Each label stops before the next label on its row (the chart cuts it there): no overlap.
    for (const m of v.marks.filter((x) => x.role !== 'other')) {
      const later = v.marks.filter((x) => x.role !== 'other' && x.p === m.p && x.s > m.s).map((x) => x.s);
      expect(m.next, `op ${m.i}`).toBe(later.length > 0 ? Math.min(...later) : undefined);
    }
    expect(v.from).toBeLessThan(v.to);
    expect(listAnomalies(results).length).toBe(results.checkers['linearizable']!.anomalies.length);
    expect(anomalousOps(listAnomalies(results)).size).toBeGreaterThan(0);
  });
});

describe('escaping', () => {
  it('leaves no </script or <!-- in inlined code, and no < in embedded JSON', () => {
    const code = 'var a = "</script><!-- x"; var b = /<\\/SCRIPT>/;';
    const out = escapeScript(code);
    expect(out).not.toMatch(/<\/script/i);
    expect(out).not.toContain('<!--');
    // Still the same program.
    expect(new Function(`${out}; return a;`)()).toBe('</script><!-- x');
    expect(scriptJson({ d: '</script>' })).not.toContain('<');
    expect(JSON.parse(scriptJson({ d: '</script>' }))).toEqual({ d: '</script>' });
  });
});

describe('toJUnit', () => {
  it('writes one test case per checker, failures with the anomalies, unknown as skipped', () => {
    const stats = { ops: {}, total: 0, durationS: 1.5, opsPerS: 0, latencyMs: {} };
    const xml = toJUnit([
      {
        name: 'run-<1>',
        results: {
          valid: false,
          complete: false,
          stats,
          checkers: {
            a: { valid: true, anomalies: [] },
            b: { valid: false, anomalies: [{ kind: 'stale-read', key: 'k1', ops: [3, 1], explanation: 'get(k1) → 1 & was "stale"' }], summary: '1 of 2' },
            c: { valid: 'unknown', anomalies: [], reason: 'budget' },
          },
        },
      },
    ]);
    expect(xml).toMatch(/<testsuites name="objcheck" tests="4" failures="1" errors="0" skipped="2">/);
    expect(xml).toContain('<testsuite name="run-&lt;1&gt;" tests="4" failures="1"');
    expect(xml).toContain('<failure message="INVALID: 1 anomaly; 1 of 2" type="anomalies">stale-read [k1] ops 3,1: get(k1) → 1 &amp; was &quot;stale&quot;</failure>');
    expect(xml).toContain('<skipped message="unknown: budget"/>');
    expect(xml).toContain('name="complete"><skipped');
  });
});

describe('probeSection', () => {
  it('shows each rule with expected beside observed, and counts the deviations', async () => {
    const { probeSection } = await import('../../src/report/probe-table.js');
    const html = probeSection([
      { check: 'PUT If-Match on a missing key', expected: '404 NoSuchKey', observed: '412 PreconditionFailed', ok: false },
      { check: 'GET Range: bytes=2-5', expected: '206, "2345"', observed: '206, "2345"', ok: true },
    ]);
    expect(html).toContain('<strong>1 of 2 checks deviate</strong>');
    expect(html).toContain('<tr class="bad"><td>PUT If-Match on a missing key</td><td>404 NoSuchKey</td><td>412 PreconditionFailed</td><td><strong>deviates</strong></td></tr>');
    expect(html).toContain('<td>206, &quot;2345&quot;</td>');
  });
});
