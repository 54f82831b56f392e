// The workloads' own checkers key by key (a history too big to hold whole is checked so):
// on real runs with the faults they find, the merged parts give what the whole pass gives.
import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CheckResult, Checker } from '../../checkers/checker.js';
import { createOnce } from '../../checkers/create-once.js';
import { deltaAtomicityChecker } from '../../checkers/delta-atomicity.js';
import { readValidity } from '../../checkers/read-validity.js';
import { sessionGuarantees } from '../../checkers/session-guarantees.js';
import { staleReads } from '../../checkers/stale-reads.js';
import { visibility } from '../../checkers/visibility.js';
import { mutualExclusion } from '../../checkers/mutual-exclusion.js';
import { readAfterCreate } from '../../checkers/read-after-create.js';
import { selectCheckers } from '../../src/check/select-checkers.js';
import { checkFile } from '../../src/cli/check-file.js';
import { refusal } from '../../src/history/conditional.js';
import type { History } from '../../src/history/event.js';
import { emulatorTarget } from '../../src/targets/emulator.js';
import { memoryTarget } from '../../src/targets/memory.js';
import type { Target, TargetOptions } from '../../src/targets/target.js';
import { casWorkload } from '../../workloads/cas.js';
import { lockWorkload } from '../../workloads/lock.js';
import { newObjectWorkload } from '../../workloads/new-object.js';
import { registerWorkload } from '../../workloads/register.js';
import { workloadFor } from '../../workloads/registry.js';
import type { Workload } from '../../workloads/workload.js';
import { checkByKey } from '../helpers/by-key.js';
import { H } from '../linearizable/helpers.js';
import { refusingIfMatch } from '../helpers/faulty.js';
import { jsonl } from '../helpers/events.js';
import { recordRun } from '../helpers/run.js';
import { faultyMixedRun } from './checkers.js';

const IGNORE_CONDITIONS: Partial<TargetOptions> = { emulatorFlags: ['--consistency', 'strong', '--ignore-conditions'] };
const NEGATIVE_CACHE: Partial<TargetOptions> = { emulatorFlags: ['--consistency', 's3-legacy', '--negative-cache-window', '200:400'] };

interface Case {
  checker: Checker;
  workload: Workload;
  runs: { target: Target; options?: Partial<TargetOptions>; ops: number; keys?: number }[];
  /** The anomalies the runs must show between them: what the merge has to order. */
  kinds: string[];
}

const cases: Case[] = [
  {
    checker: createOnce,
    workload: casWorkload,
    runs: [
      { target: emulatorTarget, options: IGNORE_CONDITIONS, ops: 600, keys: 6 },
      { target: refusingIfMatch(memoryTarget), options: { latencyMs: 2 }, ops: 400, keys: 6 },
      { target: emulatorTarget, ops: 300, keys: 6 },
    ],
    kinds: ['several-creators-won'],
  },
  { checker: readAfterCreate, workload: newObjectWorkload, runs: [{ target: emulatorTarget, options: NEGATIVE_CACHE, ops: 1200 }], kinds: ['not-found-after-create'] },
  {
    checker: mutualExclusion,
    workload: lockWorkload,
    runs: [
      { target: emulatorTarget, options: IGNORE_CONDITIONS, ops: 600, keys: 2 },
      { target: refusingIfMatch(memoryTarget), options: { latencyMs: 1 }, ops: 300, keys: 2 },
    ],
    kinds: ['overlapping-holds', 'release-refused'],
  },
];

/** A result without what varies run to run: the time taken, how many partitions started after a failure got the reduced budget (on threads, those already started keep the full one). */
const stable = (v: unknown): unknown => JSON.parse(JSON.stringify(v, (k, x) => (k === 'ms' || k === 'reducedBudgetPartitions' ? undefined : x)));

describe("the workloads' checkers key by key give what they give over the whole history", () => {
  for (const c of cases) {
    it(`${c.checker.name}: same result, figure for figure, on ${c.workload.name} runs with the faults it finds`, async () => {
      const kinds = new Set<string>();
      for (const [i, r] of c.runs.entries()) {
        const h = await recordRun({ target: r.target, workload: c.workload, limits: { ops: r.ops }, concurrency: 4, keys: r.keys ?? 3, seed: 3 + i, targetOptions: r.options ?? {} });
        for (const max of [undefined, 2]) {
          const whole = structuredClone(await c.checker.check(h, max === undefined ? {} : { maxAnomalies: max }));
          for (const seed of [1, 2]) expect(await checkByKey(c.checker, h, max, seed)).toEqual(whole);
          for (const a of whole.anomalies) kinds.add(a.kind);
        }
      }
      for (const kind of c.kinds) expect(kinds).toContain(kind);
    }, 60_000);
  }

  it("the register workload's checkers: same results on a run of a store whose reads lag, many violations a key", async () => {
    const h = await recordRun({ target: emulatorTarget, workload: registerWorkload, limits: { ops: 3000 }, concurrency: 6, keys: 5, seed: 7, targetOptions: { emulatorFlags: ['--consistency', 's3-legacy', '--stale-window', '0:100'] } });
    for (const checker of [readValidity as Checker, staleReads, sessionGuarantees, visibility as Checker, deltaAtomicityChecker]) {
      for (const max of [undefined, 2]) {
        const whole = structuredClone(await checker.check(h, max === undefined ? {} : { maxAnomalies: max }));
        for (const seed of [1, 2]) expect(await checkByKey(checker, h, max, seed), checker.name).toEqual(whole);
      }
    }
    // More violations of a guarantee on a key than are listed: which are listed is the merge's to get right.
    const sg = sessionGuarantees.check(h) as CheckResult & { guarantees: Record<string, { violations: number }> };
    expect(sg.guarantees['read-your-writes']!.violations).toBeGreaterThan(20);
  }, 60_000);

  it('mutual-exclusion: holds never released last to the end of the history, refused releases in history order, whole or key by key', async () => {
    const granted = (etag: string) => ({ acquired: etag });
    const refused = refusal('PreconditionFailed (HTTP 412)');
    // lock0 is held first, but lock1's release is refused first: the keys' order is not the history's.
    const b = new H()
      .invoke(0, 'acquire', 'lock0', 1).ok(0, granted('"a"'))
      .invoke(1, 'acquire', 'lock1', 3).ok(1, granted('"b"'))
      .invoke(1, 'release', 'lock1', { token: 3, etag: '"b"' }).ok(1, refused)
      .invoke(0, 'release', 'lock0', { token: 1, etag: '"a"' }).ok(0, refused)
      // Never released: each held until the end, over the next one's hold.
      .invoke(2, 'acquire', 'lock1', 5).ok(2, granted('"c"'))
      .invoke(3, 'acquire', 'lock1', 7).ok(3, granted('"d"'))
      .invoke(4, 'acquire', 'lock0', 9).ok(4, granted('"e"'))
      .invoke(5, 'acquire', 'lock0', 11).ok(5, granted('"f"'))
      // The history goes on after the last acquire: the holds end at its last event (819 ms), lock1's overlap 819 - 12 ms.
      .invoke(6, 'get', 'other').ok(6, null)
      .nemesis('start-partition');
    // Reads of other keys, so that the file is big enough to be checked key by key within a bound each key fits.
    for (let i = 0; i < 400; i++) b.invoke(7, 'get', `other${i % 100}`).ok(7, null);
    const h = b.history();
    const whole = mutualExclusion.check(h) as CheckResult;
    expect(whole).toMatchObject({ valid: false, locks: 2, releasesRefused: 2, overlappingHolds: 2, overlapMs: { count: 2, max: 807 } });
    expect(whole.anomalies.map((a) => [a.kind, a.key])).toEqual([['release-refused', 'lock1'], ['release-refused', 'lock0'], ['overlapping-holds', 'lock0'], ['overlapping-holds', 'lock1']]);
    for (const max of [undefined, 3]) {
      const capped = max === undefined ? whole : mutualExclusion.check(h, { maxAnomalies: max });
      for (const seed of [1, 2, 3, 4]) expect(await checkByKey(mutualExclusion, h, max, seed)).toEqual(structuredClone(capped));
    }
    // Through the check's threads: each key's history carries the history's end.
    const file = join(mkdtempSync(join(tmpdir(), 'objcheck-by-key-')), 'lock.jsonl');
    writeFileSync(file, jsonl(h.events));
    const keyed = await checkFile(file, { checkers: ['mutual-exclusion'], jobs: 2, parallelMinBytes: 0, maxMemoryMb: (statSync(file).size * 4) / 1e6 });
    if ('error' in keyed) throw new Error(keyed.error);
    expect(keyed.results.checkers['mutual-exclusion']).toEqual(structuredClone(whole));
  });

  it("a mixed run's parts: each part's checker key by key, the other parts' keys left out", async () => {
    const { mixed, h } = await faultyMixedRun();
    const checkers = selectCheckers(mixed.checkers);
    const keyed = checkers.filter((c) => c.byKey !== undefined).map((c) => c.name);
    // Linearizability is checked key by key by the check itself, not as a checker's parts.
    expect(keyed).toEqual(mixed.checkers.filter((n) => !n.endsWith(':linearizable')));
    for (const checker of checkers.filter((c) => c.byKey)) {
      const whole = structuredClone(await checker.check(h));
      expect(await checkByKey(checker, h, undefined, 5), checker.name).toEqual(whole);
    }
  }, 60_000);

  it('objcheck check of a history too big to hold within --max-memory: the same results as over the objects, made on the threads (a mixed run\'s linearizability part by part)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'objcheck-by-key-'));
    const runs: [Workload, Partial<TargetOptions>, string[]][] = [
      [casWorkload, IGNORE_CONDITIONS, ['create-once']],
      [newObjectWorkload, NEGATIVE_CACHE, ['read-after-create', 'stale-reads']],
      [lockWorkload, IGNORE_CONDITIONS, ['mutual-exclusion']],
      // Each part's linearizability too, with its own model (cas-register for the cas part).
      [workloadFor('mixed', 'register=2,cas=1,lock=1'), IGNORE_CONDITIONS, ['register:stale-reads', 'register:linearizable', 'cas:linearizable', 'cas:create-once', 'lock:mutual-exclusion']],
    ];
    for (const [workload, options, checkers] of runs) {
      const h: History = await recordRun({ target: emulatorTarget, workload, limits: { ops: 800 }, concurrency: 4, keys: 4, seed: 9, targetOptions: options });
      const file = join(dir, `${workload.name}.jsonl`);
      writeFileSync(file, jsonl(h.events));
      // list-consistency takes a history whole only: its warning says the check went key by key.
      const whole = await checkFile(file, { checkers: [...checkers, 'list-consistency'], jobs: 2, parallelMinBytes: 0 });
      // Just too small to hold it whole (about 4.5 bytes a byte of the file): each key still fits its share.
      const maxMemoryMb = (statSync(file).size * 4) / 1e6;
      const keyed = await checkFile(file, { checkers: [...checkers, 'list-consistency'], jobs: 2, parallelMinBytes: 0, maxMemoryMb });
      if ('error' in whole || 'error' in keyed) throw new Error(JSON.stringify([whole, keyed]).slice(0, 600));
      expect(keyed.warnings, workload.name).toEqual([expect.stringMatching(/: list-consistency not checked: the history \(\d+ MB\) needs about \d+ MB to be checked whole, more than --max-memory/)]);
      for (const name of checkers) expect(stable(keyed.results.checkers[name]), `${workload.name}: ${name}`).toEqual(stable(whole.results.checkers[name]));
      // Each run shows its fault: the merge had something to order.
      expect(checkers.some((n) => whole.results.checkers[n]!.valid === false), workload.name).toBe(true);
    }
  }, 120_000);
});
