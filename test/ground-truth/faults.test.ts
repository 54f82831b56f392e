// Issue 6: a fault knob that breaks one guarantee is caught by the checker of that guarantee,
// and what it reports matches what the emulator's log says the fault did.
import { describe, expect, it } from 'vitest';
import { sessionGuarantees } from '../../checkers/session-guarantees.js';
import { staleReads } from '../../checkers/stale-reads.js';
import { lostWrites } from '../../checkers/staleness/lost-writes.js';
import type { Op } from '../../src/history/event.js';
import { registerWorkload } from '../../workloads/register.js';
import type { Random } from '../../src/util/random.js';
import { groundTruthRun } from './harness.js';
import { lagWorkload } from './workloads.js';

type Guarantees = Record<string, { valid: boolean; checked: number; violations: number }>;

describe('fault knobs against their checkers', () => {
  it('dropAckedWrites: lost-writes reports exactly the dropped writes that were the last of their key', async () => {
    const run = await groundTruthRun({
      emulator: { consistency: 'strong', faults: { dropAckedWrites: 0.15 } },
      workload: registerWorkload,
      seed: 21,
      concurrency: 3,
      keys: 200,
      limits: { ops: 500 },
      finalPhase: { quiesceMs: 20 },
    });
    const h = run.history;
    const r = await lostWrites.check(h, { maxAnomalies: Infinity });
    const dropped = new Set(run.events.flatMap((e) => (e.kind === 'drop' ? [e.writeId] : [])));
    const writeIdOf = (op: Op) => run.truthOf.get(op.invokeIndex)?.writeId;
    const finalStart = h.nemesis.find((e) => e.f === 'final-phase')!.time;
    // The truth: per key, the acknowledged writes; a dropped write is lost when it is the last
    // write of its key (nothing acknowledged invoked after it completed, nothing overlapping it)
    // and the final reads do not show its value.
    const truthLost = new Set<number>();
    const byKey = new Map<string, Op[]>();
    for (const op of h.ops) if (op.type === 'ok' && (op.f === 'put' || op.f === 'delete') && op.invokeTime < finalStart) byKey.set(op.key!, [...(byKey.get(op.key!) ?? []), op]);
    let droppedLast = 0;
    for (const [key, ws] of byKey) {
      const last = ws.filter((w) => !ws.some((o) => o !== w && o.invokeIndex > w.completeIndex!));
      if (last.length !== 1) continue;
      const w = last[0]!;
      if (!dropped.has(writeIdOf(w) as number)) continue;
      droppedLast++;
      const finals = h.ops.filter((o) => o.key === key && o.f === 'get' && o.type === 'ok' && o.invokeTime >= finalStart);
      const value = w.f === 'delete' ? null : w.invokeValue;
      if (finals.length > 0 && finals.every((o) => o.value !== value)) truthLost.add(w.invokeIndex);
    }
    const reported = new Set(r.anomalies.filter((a) => a.kind === 'lost-write').map((a) => a.ops[0]!));
    console.log(`dropAckedWrites 0.15: ${dropped.size} writes dropped, ${droppedLast} of them the last of their key, ${truthLost.size} of those truly lost (final value differs); lost-writes reports ${r.lostWrites}`);
    expect(dropped.size).toBeGreaterThan(20);
    expect(truthLost.size).toBeGreaterThan(3);
    // Every reported write was dropped (no false alarm) ...
    for (const i of reported) expect(dropped.has(writeIdOf(h.ops.find((o) => o.invokeIndex === i)!) as number)).toBe(true);
    // ... and every truly lost one is reported.
    expect([...truthLost].filter((i) => !reported.has(i))).toEqual([]);
    expect(r.valid).toBe(false);
    expect(r.keysNotConverged).toBe(0);
  });

  it('singleReplicaReads (N=3, W=3): monotonic reads break, and nothing else; without it nothing breaks', async () => {
    const emulator = (single: boolean) => ({
      consistency: { model: 'quorum', replicas: 3, writeQuorum: 3, readQuorum: 1, delays: { writePropagation: 'exp:40' } } as const,
      faults: { singleReplicaReads: single },
    });
    // Puts of a key one after another, each followed by a burst of reads while it propagates:
    // a few workers, so that each makes several of them (monotonic reads is per session).
    const rate = 400;
    const uniform = (r: Random, lo: number, hi: number) => lo + (hi - lo) * r.next();
    const workload = lagWorkload({ rate, putsPerKey: 3, lags: (r) => Array.from({ length: 12 }, () => uniform(r, 2, 150)) });
    const spec = { workload, seed: 5, concurrency: 4, keys: 30, limits: { rate } };
    const base = await groundTruthRun({ ...spec, emulator: emulator(false) });
    const faulty = await groundTruthRun({ ...spec, emulator: emulator(true) });
    const g = async (h: typeof base.history) => ((await sessionGuarantees.check(h, { maxAnomalies: Infinity })).guarantees as Guarantees);
    const gBase = await g(base.history);
    const rFaulty = await sessionGuarantees.check(faulty.history, { maxAnomalies: Infinity });
    const gFaulty = rFaulty.guarantees as Guarantees;
    console.log(`singleReplicaReads: without ${JSON.stringify(gBase)}; with ${JSON.stringify(gFaulty)}`);
    // W = N: a completed write is on every replica, so no read is stale either way.
    expect((await staleReads.check(base.history)).staleReads).toBe(0);
    expect((await staleReads.check(faulty.history)).staleReads).toBe(0);
    expect(Object.values(gBase).every((x) => x.valid), JSON.stringify(gBase)).toBe(true);
    expect(gFaulty['monotonic-reads']!.valid, JSON.stringify(gFaulty)).toBe(false);
    expect(gFaulty['read-your-writes']!.valid, JSON.stringify(gFaulty)).toBe(true);
    // The truth: without the fault every read is served by replica 0; with it, by any replica,
    // and each violation pairs reads served by different replicas, the later one older.
    const served = (run: typeof base, op: number) => run.truthOf.get(op)?.replicas?.[0];
    const baseServed = base.history.ops.filter((o) => o.f === 'get' && o.type === 'ok').map((o) => served(base, o.invokeIndex));
    expect(baseServed.filter((r) => r === undefined).length).toBeLessThan(0.1 * baseServed.length);
    expect(baseServed.every((r) => r === undefined || r === 0)).toBe(true);
    const violations = rFaulty.anomalies.filter((a) => a.kind === 'monotonic-reads');
    expect(violations.length).toBeGreaterThan(0);
    for (const a of violations) {
      const [earlier, later] = a.ops;
      const te = faulty.truthOf.get(earlier!);
      const tl = faulty.truthOf.get(later!);
      if (!te || !tl) continue;
      expect(served(faulty, earlier!), a.explanation).not.toBe(served(faulty, later!));
      // The later read returned an older write (ids grow with arrival) or not-found; after a
      // not-found (a delete, which has no id in a read's record) it returned a value.
      if (te.writeId === null) expect(tl.writeId, a.explanation).not.toBeNull();
      else expect(tl.writeId === null || tl.writeId! < te.writeId!, `${a.explanation}: ${JSON.stringify([te, tl])}`).toBe(true);
    }
  });
});
