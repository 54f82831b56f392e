// Issue 16: a counterexample tells one violation's story. Its sentence, window, stuck op and
// longest linearizable prefix all come from the first violation in real time: the shortest
// prefix of the key's history (cut at a completion event) that is not linearizable.
import { describe, expect, it } from 'vitest';
import { linearizable } from '../../checkers/linearizable/index.js';
import { checkPartition, type Counterexample } from '../../checkers/linearizable/partition.js';
import type { History, Op } from '../../src/history/event.js';
import { registerWorkload } from '../../workloads/register.js';
import { groundTruthRun } from '../ground-truth/harness.js';
import { genNullHeavy, rng, toHistory, type GenOp } from './helpers.js';

/** The key's ops as they stood just after event `cut`: later completions become open. */
function cutAt(ops: readonly Op[], cut: number): Op[] {
  return ops
    .filter((o) => o.invokeIndex <= cut)
    .map((o) => (o.completeIndex !== null && o.completeIndex <= cut ? o : { ...o, type: 'open' as const, completeIndex: null, completeTime: null, value: undefined }));
}

function assertOneStory(h: History, cx: Counterexample): void {
  const byIndex = new Map<number, Op>(h.ops.map((o) => [o.invokeIndex, o]));
  const keyOps = h.ops.filter((o) => (o.key ?? '') === cx.key);
  expect(cx.window, `${cx.key}: a window`).not.toBeNull();
  const window = cx.window!;
  const windowOps = new Set(window.ops.map((r) => r.index));
  // The stuck op is one of the window's ops.
  expect(cx.stuck).toHaveLength(1);
  expect(windowOps.has(cx.stuck[0]!.index), `${cx.key}: stuck ${cx.stuck[0]!.text} in the window`).toBe(true);
  // Every instant the sentence names is an invocation or completion of a window op.
  const instants = new Set(window.ops.flatMap((r) => [r.invokeTime, ...(r.completeTime === null ? [] : [r.completeTime])]).map((t) => (t / 1e9).toFixed(3)));
  for (const m of cx.explanation.matchAll(/(\d+\.\d{3}) s/g)) expect(instants.has(m[1]!), `${cx.key}: "${m[1]} s" of "${cx.explanation}" is a window op's instant`).toBe(true);
  // The window ends at the first violation: the key's history cut at the end of the window is
  // not linearizable, and cut at the completion before it is.
  const endOp = keyOps.filter((o) => o.type === 'ok' && o.completeTime === window.to);
  expect(endOp.length, `${cx.key}: an op completes at the window's end`).toBeGreaterThan(0);
  const end = endOp[0]!.completeIndex!;
  const earlier = keyOps.filter((o) => o.type === 'ok' && o.completeIndex !== null && o.completeIndex < end).map((o) => o.completeIndex!);
  expect(checkPartition('register', cutAt(keyOps, end)).valid).toBe(false);
  if (earlier.length > 0) expect(checkPartition('register', cutAt(keyOps, Math.max(...earlier))).valid).toBe(true);
  // The prefix holds only ops invoked by then, and is followed by the stuck op's failure.
  if (cx.prefix) {
    for (const i of cx.prefix.ops) expect(byIndex.get(i)!.invokeTime, `${cx.key}: prefix op ${i} invoked by the window's end`).toBeLessThanOrEqual(window.to);
    expect(cx.prefix.ops).not.toContain(cx.stuck[0]!.index);
  }
}

describe('one violation, one story', () => {
  it('seeded quorum runs (W = R = 1): sentence, window, stuck op and prefix name the same violation', async () => {
    let stories = 0;
    // How many violations a run produces depends on how fast this machine runs the clients
    // against replicas that converge on exact times: seeds go on (bounded) until there are enough.
    for (let seed = 1; seed <= 40 && stories < 8; seed++) {
      const run = await groundTruthRun({
        emulator: { consistency: { model: 'quorum', replicas: 3, writeQuorum: 1, readQuorum: 1, delays: { writePropagation: 'exp:20' } } },
        workload: registerWorkload,
        seed,
        concurrency: 6,
        keys: 4,
        limits: { ops: 600 },
      });
      const result = await linearizable.check(run.history);
      const cxs = (result.counterexamples ?? []) as Counterexample[];
      for (const cx of cxs) assertOneStory(run.history, cx);
      stories += cxs.length;
    }
    // The runs must produce violations, or the test proves nothing.
    expect(stories).toBeGreaterThanOrEqual(8);
  }, 240_000);

  it('random register histories with repeated values (decided by the search): the same holds', () => {
    let stories = 0;
    for (let seed = 1; seed <= 300; seed++) {
      const r = rng(seed);
      const n = 10 + Math.floor(r() * 30);
      const gen: GenOp[] = [];
      for (let i = 0; i < n; i++) {
        const start = r() * n * 2;
        const end = start + 0.5 + r() * 4;
        const type = r() < 0.25 ? 'info' : 'ok';
        const x = r();
        const v = Math.floor(r() * 3);
        if (x < 0.35) gen.push({ f: 'put', key: 'k', invokeValue: v, type, lin: 0, start, end });
        else if (x < 0.45) gen.push({ f: 'delete', key: 'k', type, lin: 0, start, end });
        else gen.push({ f: 'get', key: 'k', value: r() < 0.2 ? null : v, type: 'ok', lin: 0, start, end });
      }
      const raw = toHistory(gen);
      // Millisecond steps, so that the sentence's instants read as seconds.
      const ms = (t: number): number => t * 1000;
      const h: History = { ...raw, ops: raw.ops.map((o) => ({ ...o, invokeTime: ms(o.invokeTime), completeTime: o.completeTime === null ? null : ms(o.completeTime) })) };
      const res = checkPartition('register', h.ops);
      if (res.valid !== false) continue;
      assertOneStory(h, res.counterexample!);
      if (res.method === 'search') stories++;
    }
    expect(stories).toBeGreaterThanOrEqual(50);
  });

  it('unique values, reads of null with several possible deletes (decided by the segments, told by the search): the same holds', () => {
    let stories = 0;
    for (let seed = 1; seed <= 400; seed++) {
      const r = rng(seed);
      const raw = toHistory(genNullHeavy(r, 10 + Math.floor(r() * 40), 0.5 + r() * 1.5, 0.2, true));
      const ms = (t: number): number => t * 1000;
      const h: History = { ...raw, ops: raw.ops.map((o) => ({ ...o, invokeTime: ms(o.invokeTime), completeTime: o.completeTime === null ? null : ms(o.completeTime) })) };
      const res = checkPartition('register', h.ops);
      if (res.valid !== false) continue;
      assertOneStory(h, res.counterexample!);
      // The zones tell their own stories (other causes); these are the segments' verdicts.
      if (res.method === 'fast' && res.counterexample!.evidence.cause === 'cannot-take-effect') stories++;
    }
    expect(stories).toBeGreaterThanOrEqual(20);
  });
});
