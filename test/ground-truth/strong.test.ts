// Issue 6: the strong model is linearizable, so every checker must find nothing, over many
// seeds; and the emulator's log must agree that every read returned the latest applied write.
import { describe, expect, it } from 'vitest';
import { deltaAtomicityChecker } from '../../checkers/delta-atomicity.js';
import { linearizable } from '../../checkers/linearizable/index.js';
import { readValidity } from '../../checkers/read-validity.js';
import { sessionGuarantees } from '../../checkers/session-guarantees.js';
import { staleReads } from '../../checkers/stale-reads.js';
import { lostWrites } from '../../checkers/staleness/lost-writes.js';
import { visibility } from '../../checkers/visibility.js';
import { registerWorkload } from '../../workloads/register.js';
import { groundTruthRun } from './harness.js';
import { visibilitySamples } from './truth.js';

describe('strong: no checker finds anything, and the truth agrees', () => {
  it('10 seeds of the register workload with a final phase', async () => {
    for (let seed = 1; seed <= 10; seed++) {
      const run = await groundTruthRun({ emulator: { consistency: 'strong' }, workload: registerWorkload, seed, concurrency: 6, keys: 3, limits: { ops: 250 }, finalPhase: { quiesceMs: 20 } });
      const h = run.history;
      const verdicts = {
        seed,
        readValidity: readValidity.check(h).valid,
        linearizable: (await linearizable.check(h)).valid,
        stale: (await staleReads.check(h)).staleReads,
        sessions: (await sessionGuarantees.check(h)).anomalies.length,
        lost: (await lostWrites.check(h)).valid,
        delta: ((await deltaAtomicityChecker.check(h)).worst as { deltaMs: number } | null)?.deltaMs ?? 0,
        visibility: (await visibility.check(h, { resamples: 20 })).consistentFraction,
      };
      expect(verdicts).toEqual({ seed, readValidity: true, linearizable: true, stale: 0, sessions: 0, lost: true, delta: 0, visibility: 1 });
      // The truth: every read after a completed write returned it or something newer.
      const { samples } = visibilitySamples(run);
      expect(samples.filter((s) => !s.returnedConsistent && !s.overlapping)).toEqual([]);
    }
  });
});
