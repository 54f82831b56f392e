import { describe, expect, it } from 'vitest';
import { visibility } from '../../checkers/visibility.js';
import { historyOf } from '../../src/history/build.js';
import type { HistoryEvent } from '../../src/history/event.js';
import { events } from '../helpers/events.js';

type Curve = { fromMs: number; toMs: number; samples: number; consistent: number; fraction: number; ci95: [number, number] }[];
type Windows = Record<string, { ms: number | null; samples: number; reason?: string; ci95?: [number | null, number | null] }>;

/** n rounds of: put v, then a read `gapMs` after it completed, stale (returns v - 1) when `stale(i)`. */
function rounds(n: number, gapMs: number, stale: (i: number) => boolean): HistoryEvent[] {
  const es: HistoryEvent[] = [];
  let t = 0;
  const add = (e: Omit<HistoryEvent, 'index' | 'time'>, dt: number) => {
    t += dt;
    es.push({ index: es.length, time: Math.round(t * 1e6), ...e });
  };
  for (let i = 1; i <= n; i++) {
    add({ process: 0, type: 'invoke', f: 'put', key: 'k', value: i }, 1);
    add({ process: 0, type: 'ok', f: 'put', key: 'k' }, 1);
    add({ process: 1, type: 'invoke', f: 'get', key: 'k' }, gapMs);
    add({ process: 1, type: 'ok', f: 'get', key: 'k', value: stale(i) && i > 1 ? i - 1 : i }, 0.01);
  }
  return es;
}

describe('visibility', () => {
  it('samples each read after a completed write at t = read start - that write’s completion', async () => {
    const r = await visibility.check(
      historyOf(
        events(
          [1, 'invoke', 'get', 'k'],
          [1, 'ok', 'get', 'k', null], // no write yet: no sample
          [0, 'invoke', 'put', 'k', 1],
          [0, 'ok', 'put', 'k'], // 3 ms
          [1, 'invoke', 'get', 'k'], // t = 1 ms
          [1, 'ok', 'get', 'k', 1],
          [1, 'invoke', 'get', 'k'], // t = 3 ms, stale
          [1, 'ok', 'get', 'k', null],
        ),
      ),
    );
    expect(r).toMatchObject({ valid: true, samples: 2, consistent: 1, consistentFraction: 0.5, readsBeforeAnyWrite: 1 });
    // Two samples make one bin (fewer than 30 each), from the 1 ms raw bin to the end of the 3 ms one.
    expect(r.curve).toEqual([{ fromMs: 1, toMs: 3.162278, samples: 2, consistent: 1, fraction: 0.5, ci95: [0, 1] }]);
    const w = r.windows as Windows;
    expect(w['99%']).toMatchObject({ ms: null, reason: 'reads never reached 99% consistency: the last bin (from 1 ms, 2 reads) was 50% consistent' });
    expect(w['100%']).toMatchObject({ ms: null, samples: 0 });
    expect(w['100%']!.reason).toContain('not enough data: 0 reads started more than 3 ms');
    expect(r.observedWindow).toMatchObject({ deltaMs: 3, key: 'k' });
  });

  it('finds the window where reads become consistent, with enough samples behind it', async () => {
    // Reads 1 ms after a write are stale one time in two; reads 50 ms after are all consistent.
    const es = rounds(4000, 1, (i) => i % 2 === 0);
    const later = rounds(2000, 50, () => false);
    const shift = es[es.length - 1]!.time + 1e6;
    const all = [...es, ...later.map((e) => ({ ...e, index: e.index + es.length, time: e.time + shift, value: typeof e.value === 'number' ? e.value + 4000 : e.value }))];
    const r = await visibility.check(historyOf(all));
    const curve = r.curve as Curve;
    expect(curve.map((b) => [b.fromMs, b.samples, b.fraction])).toEqual([
      [1, 4000, 0.5],
      [42.16965, 2000, 1],
    ]);
    expect(curve[0]!.ci95[0]).toBeGreaterThan(0.48);
    expect(curve[0]!.ci95[1]).toBeLessThan(0.52);
    const w = r.windows as Windows;
    // Every read later than 1 ms was consistent, so no window exceeds 1 ms, though the bins alone say 42 ms.
    expect(w['99%']).toMatchObject({ ms: 1, samples: 2000, ci95: [1, 1] });
    expect(w['99.9%']).toMatchObject({ ms: 1, samples: 2000 });
    expect(w['100%']).toMatchObject({ ms: 1, samples: 2000 });
  });

  it('reads the windows off the curve when too few reads follow the last stale one', async () => {
    // 3000 reads at 1 ms, 1% stale; then 1500 at 50 ms, 0.2% stale (so 100% is "not enough data"); then 500 at 100 ms, all consistent.
    const parts = [rounds(3000, 1, (i) => i % 100 === 0), rounds(1500, 50, (i) => i % 500 === 0), rounds(500, 100, () => false)];
    const all: HistoryEvent[] = [];
    let offset = 0;
    let t0 = 0;
    for (const p of parts) {
      for (const e of p) all.push({ ...e, time: e.time + t0, value: typeof e.value === 'number' ? e.value + offset : e.value });
      offset += p.length;
      t0 = all[all.length - 1]!.time + 1e6;
    }
    all.forEach((e, i) => (e.index = i));
    const r = await visibility.check(historyOf(all));
    const w = r.windows as Windows;
    expect(w['100%']).toMatchObject({ ms: null, samples: 500 });
    expect(w['99%']).toMatchObject({ ms: 0, samples: 5000 }); // every bin is >= 99%
    // At >= 1000 reads a bin, the 50 ms and 100 ms reads share one bin, 99.85% consistent.
    expect(w['99.9%']).toMatchObject({ ms: null, atLeastMs: 42.16965, samples: 2000 });
    expect(w['99.9%']!.reason).toMatch(/^reads never reached 99.9% consistency: the last bin \(from 42.16965 ms, 2000 reads\) was 99.85% consistent$/);
  });

  it('says "not enough data" rather than a 99.9% figure resting on fewer than 1000 reads', async () => {
    const r = await visibility.check(historyOf(rounds(500, 1, () => false)));
    const w = r.windows as Windows;
    expect(w['99%']).toMatchObject({ ms: 0, samples: 500 });
    expect(w['99.9%']).toMatchObject({ ms: null, samples: 500, reason: 'not enough data: 500 reads at or beyond 0 ms; 99.9% needs at least 1000' });
  });

  it('is deterministic in its seed', async () => {
    const h = historyOf(rounds(300, 1, (i) => i % 3 === 0));
    const a = await visibility.check(h, { seed: 7 });
    const b = await visibility.check(h, { seed: 7 });
    const c = await visibility.check(h, { seed: 8 });
    expect(a).toEqual(b);
    expect(c.curve).not.toEqual(a.curve);
  });

  it('is unknown when no read followed a write', async () => {
    const r = await visibility.check(historyOf(events([0, 'invoke', 'get', 'k'], [0, 'ok', 'get', 'k', null])));
    expect(r).toMatchObject({ valid: true, samples: 0 });
  });
});
