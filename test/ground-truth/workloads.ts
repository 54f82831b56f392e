// Workloads shaped for ground-truth comparisons. Each is deterministic in its seed, as the
// Workload interface asks: the op sequence is fixed, only the timing of the run varies.
import { Random } from '../../src/util/random.js';
import { registerWorkload } from '../../workloads/register.js';
import type { OpGenerator, OpSpec, Workload } from '../../workloads/workload.js';

/** A workload whose op sequence is computed up front. */
function scheduled(name: string, description: string, build: (seed: number, keys: number) => OpSpec[]): Workload {
  return {
    name,
    description,
    fs: registerWorkload.fs,
    reads: new Set(['get']),
    checkers: registerWorkload.checkers,
    generator({ seed, keys }): OpGenerator {
      const ops = build(seed, keys);
      let i = 0;
      return { next: () => ops[i++] };
    },
    finalReads: ({ keys }) => Array.from({ length: keys }, (_, i) => ({ f: 'get', key: `k${i}` })),
    execute: registerWorkload.execute,
  };
}

export interface LagPlan {
  /** The rate the run will use (ops/s): converts the plan's lags (ms) into positions in the sequence. */
  rate: number;
  /** Puts per key, each followed by its reads; the next put comes after the last of them. */
  putsPerKey: number;
  /** The lags (ms after the put's invocation) of the reads that follow one put. */
  lags(random: Random): number[];
}

/**
 * Each key is put `putsPerKey` times, one put at a time; after each put, reads of the key at
 * chosen lags. Keys are staggered so that the sequence holds about `rate` ops per second of
 * its virtual time; run with the same `rate` (open loop), op n starts n/rate s into the run,
 * and so each read starts about its lag after its put began. The lags shape the distribution
 * of t (time since the write completed) that the visibility checker bins.
 */
export function lagWorkload(plan: LagPlan): Workload {
  return scheduled('gt-lags', 'puts followed by reads at planned lags', (seed, keys) => {
    const random = new Random(seed);
    const timed: { at: number; seq: number; op: OpSpec }[] = [];
    let value = 1;
    let seq = 0;
    let start = 0;
    for (let k = 0; k < keys; k++) {
      const key = `k${k}`;
      let at = start;
      let perKey = 0;
      for (let p = 0; p < plan.putsPerKey; p++) {
        timed.push({ at, seq: seq++, op: { f: 'put', key, value: value++ } });
        const lags = plan.lags(random);
        for (const lag of lags) timed.push({ at: at + lag, seq: seq++, op: { f: 'get', key } });
        perKey += 1 + lags.length;
        at += Math.max(...lags) + 30;
      }
      // Space key starts so that the whole sequence runs at about `rate` ops a second.
      start += (perKey * 1000) / plan.rate;
    }
    timed.sort((a, b) => a.at - b.at || a.seq - b.seq);
    return timed.map((t) => t.op);
  });
}

const uniform = (r: Random, lo: number, hi: number) => lo + (hi - lo) * r.next();
const MEAN_MS = 50;

export const QUORUM_VISIBILITY = {
  emulator: { consistency: { model: 'quorum', replicas: 3, writeQuorum: 1, readQuorum: 1, delays: { writePropagation: `exp:${MEAN_MS}` } } } as const,
  /** Low enough that the client keeps up: its own event-loop lag would shift every t. */
  rate: 800,
  /**
   * Per put: reads over the first 240 ms (the rising curve), one around the 99.9% window
   * (t ≈ 240–320 ms) and one well past it. Reads of one put share its replica delays, so the
   * tail of the curve is measured per put, not per read: one read per put there.
   */
  lags: (r: Random) => [uniform(r, 2, 240), uniform(r, 2, 240), uniform(r, 255, 335), uniform(r, 480, 620)],
};

/** The four kinds of key the s3-legacy test uses: their names start with the letter. */
export type LegacyKeyKind = 'fresh' | 'probed' | 'overwritten' | 'deleted';
export const legacyKind = (key: string): LegacyKeyKind => ({ f: 'fresh', p: 'probed', o: 'overwritten', d: 'deleted' } as const)[key[0] as 'f' | 'p' | 'o' | 'd'];

/**
 * For s3-legacy's rules: per group i, a fresh key f<i> put once and then read; a key p<i>
 * probed (GET → 404) just before its first put, then read; o<i> put, overwritten, read; d<i>
 * put, deleted, read. `keys` is the number of groups; ops are ordered by planned time at
 * `rate` ops a second, as lagWorkload does.
 */
export function legacyWorkload(rate: number): Workload {
  return scheduled('gt-legacy', 'fresh, probed, overwritten and deleted keys', (seed, groups) => {
    const random = new Random(seed);
    const timed: { at: number; seq: number; op: OpSpec }[] = [];
    let seq = 0;
    let value = 1;
    const at = (ms: number, op: OpSpec) => timed.push({ at: ms, seq: seq++, op });
    const reads = (key: string, from: number) => {
      for (let j = 0; j < 4; j++) at(from + uniform(random, 0, 300), { f: 'get', key });
    };
    const perGroup = 23;
    for (let i = 0; i < groups; i++) {
      const t = (i * perGroup * 1000) / rate;
      at(t, { f: 'put', key: `f${i}`, value: value++ });
      reads(`f${i}`, t + 40);
      at(t, { f: 'get', key: `p${i}` });
      at(t + 20, { f: 'put', key: `p${i}`, value: value++ });
      reads(`p${i}`, t + 60);
      at(t, { f: 'put', key: `o${i}`, value: value++ });
      at(t + 200, { f: 'put', key: `o${i}`, value: value++ });
      reads(`o${i}`, t + 240);
      at(t, { f: 'put', key: `d${i}`, value: value++ });
      at(t + 200, { f: 'delete', key: `d${i}` });
      reads(`d${i}`, t + 240);
    }
    timed.sort((a, b) => a.at - b.at || a.seq - b.seq);
    return timed.map((x) => x.op);
  });
}
