import { describe, expect, it } from 'vitest';
import { deltaAtomicityChecker } from '../../checkers/delta-atomicity.js';
import { sessionGuarantees } from '../../checkers/session-guarantees.js';
import { staleReads } from '../../checkers/stale-reads.js';
import { lostWrites } from '../../checkers/staleness/lost-writes.js';
import { visibility } from '../../checkers/visibility.js';
import { historyOf } from '../../src/history/build.js';
import type { History, Op } from '../../src/history/event.js';
import { simulate, type SimOptions } from './simulator.js';

const MS = 1e6;
type Curve = { fromMs: number; toMs: number; samples: number; fraction: number; ci95: [number, number] }[];
type Windows = Record<string, { ms: number | null; samples: number; ci95?: [number | null, number | null] }>;

const base: SimOptions = { seed: 1, keys: 8, processes: 6, opsPerProcess: 300, replicas: 3, delay: 0, latency: 2 * MS, think: 4 * MS, infoRate: 0.03, finalPhaseAfter: 50 * MS };

/**
 * The reads (as process@invokeTime) whose latest completed write overlapped another completed
 * write of the key: the visibility checker leaves them out.
 */
function readsOfOverlappingWrites(h: History): Set<string> {
  const byKey = new Map<string, { writes: Op[]; reads: Op[] }>();
  for (const o of h.ops) {
    if (o.type !== 'ok' || o.key === undefined) continue;
    const k = byKey.get(o.key) ?? { writes: [], reads: [] };
    byKey.set(o.key, k);
    if (o.f === 'put' || o.f === 'delete') k.writes.push(o);
    else if (o.f === 'get' || o.f === 'final-get') k.reads.push(o);
  }
  const out = new Set<string>();
  for (const { writes, reads } of byKey.values()) {
    for (const r of reads) {
      let latest: Op | undefined;
      for (const w of writes) if (w.completeIndex! < r.invokeIndex && (!latest || w.completeIndex! > latest.completeIndex!)) latest = w;
      const l = latest;
      if (l && writes.some((o) => o !== l && o.invokeIndex < l.completeIndex! && o.completeIndex! > l.invokeIndex)) out.add(`${r.process}@${r.invokeTime}`);
    }
  }
  return out;
}

describe('checkers on a simulated store', () => {
  it('find nothing wrong with a linearizable store, over many seeds', async () => {
    for (let seed = 1; seed <= 40; seed++) {
      const sim = simulate({ ...base, seed });
      const h = historyOf(sim.events);
      const verdicts = {
        seed,
        stale: (await staleReads.check(h)).valid,
        sessions: (await sessionGuarantees.check(h)).valid,
        lost: (await lostWrites.check(h)).valid,
        delta: ((await deltaAtomicityChecker.check(h)).worst as { deltaMs: number }).deltaMs,
        visibility: (await visibility.check(h, { resamples: 50 })).consistentFraction,
      };
      expect(verdicts).toEqual({ seed, stale: true, sessions: true, lost: true, delta: 0, visibility: 1 });
    }
  });

  // Replicas get each write a uniform [0, D) after it commits at the op's midpoint on one of R
  // replicas, and a read reads one random replica at its midpoint, so a read started t after the
  // latest write completed sees it with probability 1/R + (R-1)/R * min(1, (t + latency)/D).
  const R = 3;
  const D = 100 * MS;
  const L = 2 * MS;
  const truth = (t: number) => 1 / R + ((R - 1) / R) * Math.min(1, (t + L) / D);
  // Sparse writes per key (each key written every ~200 ms on average), so one write at a time is mostly in flight.
  const ec: SimOptions = { seed: 11, keys: 80, processes: 8, opsPerProcess: 6000, replicas: R, delay: D, latency: L, think: 8 * MS, infoRate: 0.005, finalPhaseAfter: 2 * D };
  const sim = simulate(ec);
  const h = historyOf(sim.events);

  it('never calls a read stale that the store served consistently', async () => {
    const r = await staleReads.check(h, { maxAnomalies: Infinity });
    expect(r.valid).toBe(false);
    const consistent = new Set(sim.reads.filter((x) => x.consistent).map((x) => `${x.process}@${x.invokeTime}`));
    const byIndex = new Map(h.ops.map((op) => [op.invokeIndex, op]));
    for (const a of r.anomalies) {
      const op = byIndex.get(a.ops[0]!)!;
      expect(consistent.has(`${op.process}@${op.invokeTime}`)).toBe(false);
    }
    // And it misses few of the store's inconsistent reads (only those a concurrent write hides).
    const inconsistent = sim.reads.filter((x) => !x.consistent).length;
    expect(r.staleReads as number).toBeGreaterThan(0.9 * inconsistent);
  });

  it('estimates the t-visibility curve within tolerance of the truth', async () => {
    // Without deletes, so that "saw the write" and "returned a value consistent with it" coincide:
    // a stale replica that answers not-found after a delete is right by accident.
    const noDeletes = simulate({ ...ec, deleteRate: 0 });
    const nh = historyOf(noDeletes.events);
    const r = await visibility.check(nh);
    const curve = r.curve as Curve;
    expect(curve.length).toBeGreaterThan(5);
    const left = readsOfOverlappingWrites(nh);
    expect(r.overlappingExcluded).toBe(left.size);
    const counted = noDeletes.reads.filter((x) => x.t !== undefined && !left.has(`${x.process}@${x.invokeTime}`));
    let compared = 0;
    for (const bin of curve) {
      const inBin = counted.filter((x) => x.t! >= bin.fromMs * MS && x.t! < bin.toMs * MS);
      expect(inBin.length).toBe(bin.samples);
      if (bin.samples < 100) continue;
      const expected = inBin.reduce((s, x) => s + truth(x.t!), 0) / inBin.length;
      // Three binomial standard deviations, and a point for the few staleness concurrency hides.
      const tolerance = 3 * Math.sqrt((expected * (1 - expected)) / bin.samples) + 0.01;
      expect(Math.abs(bin.fraction - expected), `bin from ${bin.fromMs} ms`).toBeLessThanOrEqual(tolerance);
      expect(bin.ci95[0]).toBeLessThanOrEqual(bin.fraction);
      expect(bin.ci95[1]).toBeGreaterThanOrEqual(bin.fraction);
      compared++;
    }
    expect(compared).toBeGreaterThan(15);
  });

  it('estimates the windows within 5% of the truth, and the 100% window and Δ below the delay', async () => {
    const r = await visibility.check(h);
    const w = r.windows as Windows;
    // truth(t) >= q  <=>  t >= D (1 - (1 - q) R / (R - 1)) - L: 96.5 and 97.85 ms.
    const trueWindow = (q: number) => (D * (1 - ((1 - q) * R) / (R - 1)) - L) / MS;
    // Read off the fitted curve (not a bin's edge): 95.2 and 97.4 ms here.
    expect(Math.abs(w['99%']!.ms! - trueWindow(0.99)) / trueWindow(0.99)).toBeLessThan(0.05);
    expect(Math.abs(w['99.9%']!.ms! - trueWindow(0.999)) / trueWindow(0.999)).toBeLessThan(0.05);
    expect(w['99%']!.samples).toBeGreaterThan(1000);
    expect(w['100%']!.ms!).toBeLessThanOrEqual((D - L) / MS);
    expect(w['100%']!.ms!).toBeGreaterThan((0.8 * (D - L)) / MS);
    const delta = (r.observedWindow as { deltaMs: number }).deltaMs;
    expect(delta).toBeGreaterThanOrEqual(w['100%']!.ms!);
    expect(delta).toBeLessThanOrEqual((D + L) / MS);
  });

  it('finds session violations but no lost writes in an eventually consistent store that converges', async () => {
    const s = await sessionGuarantees.check(h);
    expect(s.valid).toBe(false);
    const g = s.guarantees as Record<string, { violations: number }>;
    expect(g['read-your-writes']!.violations).toBeGreaterThan(0);
    expect(g['monotonic-reads']!.violations).toBeGreaterThan(0);
    const l = await lostWrites.check(h);
    expect(l).toMatchObject({ valid: true, lostWrites: 0, keysNotConverged: 0, keysRead: ec.keys });
    expect((l.convergenceMs as { max: number }).max).toBeGreaterThanOrEqual(2 * D / MS);
  });
});
