import { describe, expect, it } from 'vitest';
import type { Checker } from '../../checkers/checker.js';
import { deltaAtomicityChecker } from '../../checkers/delta-atomicity.js';
import { staleReads } from '../../checkers/stale-reads.js';
import { visibility } from '../../checkers/visibility.js';
import { historyOf } from '../../src/history/build.js';
import type { History, HistoryEvent, Op } from '../../src/history/event.js';
import { Random } from '../../src/util/random.js';
import { simulate } from './simulator.js';

const MS = 1e6;

const nemesisEvent = (f: string, time: number): HistoryEvent => ({ index: -1, time, process: 'nemesis', type: 'info', f });

/** The checker key by key, as a check too big to hold whole runs it: each key's part crossing a thread (cloned), merged in a shuffled order. */
async function byKey(checker: Checker, h: History, maxAnomalies: number | undefined, seed: number): Promise<unknown> {
  const keys = new Map<string, Op[]>();
  for (const op of h.ops) if (op.key !== undefined) keys.set(op.key, [...(keys.get(op.key) ?? []), op]);
  const options = maxAnomalies === undefined ? {} : { maxAnomalies };
  const parts = [...keys.values()].map((ops) => structuredClone(checker.byKey!.keyPart({ events: [], ops, nemesis: [] }, options)));
  const random = new Random(seed);
  for (let i = parts.length - 1; i > 0; i--) {
    const j = Math.floor(random.next() * (i + 1));
    [parts[i], parts[j]] = [parts[j], parts[i]];
  }
  // The outline: the nemesis events, not the ops.
  return structuredClone(await checker.byKey!.merge(parts, options, { events: [], ops: [], nemesis: h.nemesis }));
}

describe('checkers run key by key give what they give over the whole history', () => {
  for (const checker of [staleReads, deltaAtomicityChecker, visibility as Checker]) {
    it(`${checker.name}: same result, figure for figure, on simulated histories with and without stale reads, and faults`, async () => {
      let stale = 0;
      let faulted = 0;
      for (let seed = 1; seed <= 12; seed++) {
        const sim = simulate({ seed, keys: 6, processes: 5, opsPerProcess: 150, replicas: 3, delay: [0, 5 * MS, 30 * MS][seed % 3]!, latency: 2 * MS, think: 3 * MS, infoRate: 0.05, deleteRate: 0.15, ...(seed % 2 ? { finalPhaseAfter: 40 * MS } : {}) });
        const h = historyOf(sim.events);
        // A fault over the middle third of every other history: visibility estimates its reads apart.
        if (seed % 2 === 0) {
          const end = h.ops.at(-1)!.invokeTime;
          h.nemesis.push(nemesisEvent('start-partition', end / 3), nemesisEvent('stop-partition', (2 * end) / 3));
        }
        // A short list too: the first anomalies of all keys are the whole pass's first.
        for (const max of [undefined, 3]) {
          const whole = structuredClone(await checker.check(h, max === undefined ? {} : { maxAnomalies: max }));
          expect(await byKey(checker, h, max, seed)).toEqual(whole);
          const w = whole as { staleReads?: number; keysStale?: number; samples?: number; consistent?: number };
          if ('byFault' in w) faulted++;
          stale += w.staleReads ?? w.keysStale ?? (w.samples ?? 0) - (w.consistent ?? 0);
        }
      }
      // The histories show what the merge must order: many stale reads (or stale keys).
      expect(stale).toBeGreaterThan(10);
      if (checker === visibility) expect(faulted).toBe(12);
    });
  }
});
