// Issue 6: s3-legacy is read-after-write consistent for new keys, and only for them. The
// stale-reads checker must find stale reads on overwrites, deletes and keys probed with a 404
// before their first PUT, and never on a fresh key read after its first PUT completed; the
// emulator's log says which reads really returned an old version.
import { describe, expect, it } from 'vitest';
import { readValidity } from '../../checkers/read-validity.js';
import { staleReads } from '../../checkers/stale-reads.js';
import { groundTruthRun } from './harness.js';
import { visibilitySamples } from './truth.js';
import { legacyKind, legacyWorkload, type LegacyKeyKind } from './workloads.js';

describe('s3-legacy: stale reads where the 2020 rules allow them, and only there', () => {
  it('stale-reads finds them on overwritten, deleted and probed keys, never on fresh ones, and agrees with the truth', async () => {
    const rate = 400;
    const run = await groundTruthRun({ emulator: { consistency: { model: 's3-legacy' } }, workload: legacyWorkload(rate), seed: 3, concurrency: 16, keys: 60, limits: { rate }, thread: true });
    const h = run.history;
    expect(h.ops.every((o) => o.type === 'ok')).toBe(true);
    expect(readValidity.check(h).valid).toBe(true);

    const r = await staleReads.check(h, { maxAnomalies: Infinity });
    const staleByKind: Record<LegacyKeyKind, number> = { fresh: 0, probed: 0, overwritten: 0, deleted: 0 };
    for (const a of r.anomalies) staleByKind[legacyKind(a.key!)]++;

    // The truth: which reads after a completed write returned something older than it.
    const { samples, skipped, why } = visibilitySamples(run);
    expect(skipped, JSON.stringify(why)).toBeLessThan(0.03 * samples.length);
    const trulyStale = samples.filter((s) => !s.returnedConsistent);
    const trueByKind: Record<LegacyKeyKind, number> = { fresh: 0, probed: 0, overwritten: 0, deleted: 0 };
    for (const s of trulyStale) trueByKind[legacyKind(s.read.key!)]++;
    const samplesByKind: Record<LegacyKeyKind, number> = { fresh: 0, probed: 0, overwritten: 0, deleted: 0 };
    for (const s of samples) samplesByKind[legacyKind(s.read.key!)]++;
    console.log(`s3-legacy: ${h.ops.length} ops in ${run.elapsedMs} ms; reads after a completed write ${JSON.stringify(samplesByKind)}; stale by the checker ${JSON.stringify(staleByKind)}, truly stale ${JSON.stringify(trueByKind)}`);


    // Fresh keys: read-after-write, by the truth and by the checker, unless a read planned after
    // the put reached the store before it (a slow put) and got a 404: then the key was probed
    // after all, and the negative cache may answer the next reads.
    const probedByAccident = new Set<string>();
    for (const op of h.ops) {
      const t = run.truthOf.get(op.invokeIndex);
      if (op.f === 'get' && legacyKind(op.key!) === 'fresh' && t?.status === 404 && t.servedBy === undefined) probedByAccident.add(op.key!);
    }
    const neverProbed = (key: string) => legacyKind(key) === 'fresh' && !probedByAccident.has(key);
    console.log(`s3-legacy: fresh keys probed by a read that overtook their put: ${probedByAccident.size}`);
    expect(probedByAccident.size).toBeLessThan(10);
    expect(samples.filter((s) => neverProbed(s.read.key!)).length).toBeGreaterThan(150);
    expect(trulyStale.filter((s) => neverProbed(s.read.key!))).toEqual([]);
    expect(r.anomalies.filter((a) => neverProbed(a.key!))).toEqual([]);
    expect(staleByKind.fresh).toBe(trueByKind.fresh);
    // The others: stale reads happen, the checker sees them.
    for (const kind of ['probed', 'overwritten', 'deleted'] as const) {
      expect(trueByKind[kind], kind).toBeGreaterThan(5);
      expect(staleByKind[kind], kind).toBeGreaterThan(5);
    }
    // Probed keys go stale through the negative cache, the others through unsettled versions.
    const negative = trulyStale.filter((s) => legacyKind(s.read.key!) === 'probed');
    expect(negative.every((s) => run.truthOf.get(s.read.invokeIndex)!.servedBy === 'negative-cache')).toBe(true);
    // Where a key's writes did not overlap, the checker's "definitely stale" is exactly the truth.
    const flagged = new Set(r.anomalies.map((a) => a.ops[0]!));
    expect(samples.filter((s) => !s.overlapping).length).toBeGreaterThan(0.9 * samples.length);
    expect(samples.filter((s) => !s.overlapping && flagged.has(s.read.invokeIndex) !== !s.returnedConsistent).map((s) => s.read.invokeIndex)).toEqual([]);
  });
});
