import { describe, expect, it } from 'vitest';
import { lostWrites } from '../checkers/staleness/lost-writes.js';
import { emulatorTarget } from '../src/targets/emulator.js';
import { memoryTarget } from '../src/targets/memory.js';
import { recordRun } from './helpers/run.js';

describe('the final phase', () => {
  it('after quiet, every worker reads every key; a linearizable store converges in one round and loses nothing', async () => {
    const h = await recordRun({ target: memoryTarget, limits: { ops: 300 }, concurrency: 4, keys: 3, finalPhase: { quiesceMs: 50 } });
    const marker = h.nemesis.find((e) => e.f === 'final-phase')!;
    expect(marker).toBeDefined();
    const finals = h.ops.filter((o) => o.invokeTime >= marker.time);
    // 4 workers × 3 keys, the workers' own processes.
    expect(finals.map((o) => o.f)).toEqual(Array(12).fill('get'));
    expect(new Set(finals.map((o) => o.process))).toEqual(new Set(h.ops.slice(0, 4).map((o) => o.process)));
    const r = await lostWrites.check(h);
    expect(r).toMatchObject({ valid: true, finalReads: 12, keysRead: 3, lostWrites: 0, keysNotConverged: 0 });
  });

  it('finds the writes the emulator drops after acknowledging them', async () => {
    const h = await recordRun({
      target: emulatorTarget,
      limits: { ops: 400 },
      concurrency: 4,
      keys: 40,
      seed: 11,
      finalPhase: { quiesceMs: 20 },
      targetOptions: { emulatorFlags: ['--drop-acked-writes', '0.3'] },
    });
    const r = await lostWrites.check(h);
    expect(r.valid).toBe(false);
    expect(r.lostWrites).toBeGreaterThan(0);
    for (const a of r.anomalies) expect(a.kind).toBe('lost-write');
  });
});
