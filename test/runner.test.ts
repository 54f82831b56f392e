import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readValidity } from '../checkers/read-validity.js';
import { readHistory } from '../src/history/read.js';
import { Recorder } from '../src/history/recorder.js';
import { runWorkers, type Progress, type RunLimits } from '../src/runner/run-workers.js';
import { memoryTarget } from '../src/targets/memory.js';
import { TargetError, type TargetClient } from '../src/targets/target.js';
import { pbsGenerator, pbsWorkload, READS_PER_SPAN } from '../workloads/pbs.js';
import { registerWorkload } from '../workloads/register.js';
import { AFTER_UPDATE, type OpSpec, type Workload } from '../workloads/workload.js';
import { faulty } from './helpers/faulty.js';

const dir = mkdtempSync(join(tmpdir(), 'objcheck-runner-'));
let n = 0;

interface RunSpec {
  limits: RunLimits;
  concurrency?: number;
  seed?: number;
  latencyMs?: number;
  opTimeoutMs?: number;
  wrap?: (c: TargetClient) => TargetClient;
  stop?: AbortSignal;
  workload?: Workload;
  keys?: number;
  lagSpanMs?: number;
}

async function run(spec: RunSpec) {
  const file = join(dir, `h${n++}.jsonl`);
  const recorder = new Recorder(file);
  const { client } = await memoryTarget.open({ prefix: 'run/', latencyMs: spec.latencyMs ?? 0, seed: 1, opTimeoutMs: spec.opTimeoutMs ?? 1000, concurrency: spec.concurrency ?? 4 });
  const progress: Progress = { started: 0, ok: 0, fail: 0, info: 0, late: 0 };
  // At or before the runner's own start, on the history's clock.
  const beforeNs = recorder.now();
  const { reason } = await runWorkers(
    {
      workload: spec.workload ?? registerWorkload,
      client: spec.wrap ? spec.wrap(client) : client,
      recorder,
      concurrency: spec.concurrency ?? 4,
      limits: spec.limits,
      opTimeoutMs: spec.opTimeoutMs ?? 1000,
      seed: spec.seed ?? 7,
      keys: spec.keys ?? 3,
      ...(spec.lagSpanMs === undefined ? {} : { tuning: { lagSpanMs: spec.lagSpanMs } }),
      stop: spec.stop ?? new AbortController().signal,
    },
    progress,
  );
  recorder.close();
  return { reason, progress, beforeNs, history: await readHistory(file) };
}


const sequence = (h: Awaited<ReturnType<typeof run>>['history']) => h.ops.map((o) => [o.f, o.key, o.invokeValue]);

describe('runWorkers', () => {
  it('gives the same operation sequence for the same seed and op count, whatever the timing', async () => {
    const a = await run({ limits: { ops: 300 }, seed: 42, concurrency: 4, latencyMs: 1 });
    const b = await run({ limits: { ops: 300 }, seed: 42, concurrency: 9, latencyMs: 0 });
    const c = await run({ limits: { ops: 300 }, seed: 43, concurrency: 4, latencyMs: 0 });
    expect(a.history.ops).toHaveLength(300);
    expect(sequence(a.history)).toEqual(sequence(b.history));
    expect(sequence(c.history)).not.toEqual(sequence(a.history));
    expect(a.reason).toBe('ops-limit');
  });

  it('writes unique values in the register mix', async () => {
    const { history } = await run({ limits: { ops: 2000 } });
    const puts = history.ops.filter((o) => o.f === 'put');
    expect(new Set(puts.map((o) => o.invokeValue)).size).toBe(puts.length);
    const share = (f: string) => history.ops.filter((o) => o.f === f).length / history.ops.length;
    expect(share('get')).toBeGreaterThan(0.45);
    expect(share('put')).toBeGreaterThan(0.35);
    expect(share('delete')).toBeGreaterThan(0.07);
    expect(readValidity.check(history)).toMatchObject({ valid: true });
  });

  it('stops at the time limit', async () => {
    const { reason, history } = await run({ limits: { timeLimitMs: 150 }, latencyMs: 1 });
    expect(reason).toBe('time-limit');
    // The limit counts from the first operation (opening a target may take long); the decision to
    // start an op is taken before its invocation is stamped, so a loaded machine may stamp it a
    // little late, never by more than a scheduling hiccup (20 ms; without the limit it would run on).
    const invokes = history.ops.map((o) => o.invokeTime);
    expect(Math.max(...invokes) - Math.min(...invokes)).toBeLessThan(170e6);
  });

  it('keeps to the --rate schedule', async () => {
    const { history } = await run({ limits: { ops: 20, rate: 100 } });
    // Op k may not start before k × 10 ms.
    history.ops.forEach((o, k) => expect(o.invokeTime).toBeGreaterThanOrEqual(k * 10e6 - 1e6));
  });

  it('records a write that timed out as info and moves the worker to a new process; a read as fail', async () => {
    const hang = (): Promise<never> => new Promise(() => {}); // a store that never answers and ignores the abort
    const { history } = await run({
      limits: { ops: 6 },
      concurrency: 2,
      opTimeoutMs: 20,
      wrap: (c) => faulty(c, { put: hang, get: hang, delete: hang }),
    });
    for (const op of history.ops) {
      expect(op.type).toBe(op.f === 'get' ? 'fail' : 'info');
      expect(op.error).toBe('timed out after 20 ms');
    }
    const processes = history.ops.map((o) => o.process);
    const afterInfo = history.ops.filter((o) => o.type === 'info').map((o) => o.process);
    expect(new Set(afterInfo).size).toBe(afterInfo.length); // a crashed process is never reused
    expect(Math.max(...processes)).toBeGreaterThanOrEqual(2);
  });

  it('records a definite refusal as fail and a server error on a write as info', async () => {
    const { history } = await run({
      limits: { ops: 200 },
      wrap: (c) =>
        faulty(c, {
        put: async () => {
          throw new TargetError('precondition', 'PreconditionFailed');
        },
        delete: async () => {
          throw new TargetError('server', 'InternalError (500)');
        },
        }),
    });
    const outcome = (f: string) => new Set(history.ops.filter((o) => o.f === f).map((o) => `${o.type}:${o.error}`));
    expect(outcome('put')).toEqual(new Set(['fail:PreconditionFailed']));
    expect(outcome('delete')).toEqual(new Set(['info:InternalError (500)']));
    expect(outcome('get')).toEqual(new Set(['ok:undefined']));
  });

  it('cuts in-flight operations short when stopped, and says it was interrupted', async () => {
    const stop = new AbortController();
    setTimeout(() => stop.abort(), 100);
    const { reason, history } = await run({ limits: { timeLimitMs: 10_000 }, latencyMs: 50, stop: stop.signal });
    expect(reason).toBe('interrupted');
    const cut = history.ops.filter((o) => o.error === 'interrupted');
    expect(cut.length).toBeGreaterThan(0);
    for (const o of cut) expect(o.type).toBe(o.f === 'get' ? 'fail' : 'info');
    expect(history.ops.every((o) => o.type !== 'open')).toBe(true);
  });

  it('produces histories in which read-validity finds injected corruption', async () => {
    // Ground truth: every 50th read returns a value nobody wrote.
    let reads = 0;
    const { history } = await run({
      limits: { ops: 1000 },
      wrap: (c) =>
        faulty(c, {
          get: async (key, o) => {
            const got = await c.get(key, o);
            return ++reads % 50 === 0 ? { body: new TextEncoder().encode('999999'), etag: '"x"', size: 6 } : got;
          },
        }),
    });
    const result = readValidity.check(history);
    expect(result.valid).toBe(false);
    expect(result.invalidReads).toBe(Math.floor(reads / 50));
    expect(new Set(result.anomalies.map((a) => a.kind))).toEqual(new Set(['phantom-value']));
  });
});

describe('Recorder', () => {
  it('flushes recorded events to disk within 200 ms, before it is closed', async () => {
    const file = join(dir, 'flush.jsonl');
    const r = new Recorder(file, { flushMs: 200 });
    r.event(0, 'invoke', 'get', 'k');
    await new Promise((res) => setTimeout(res, 350));
    expect(readFileSync(file, 'utf8')).toMatch(/^\{"index":0,"time":\d+,"process":0,"type":"invoke","f":"get","key":"k"\}\n$/);
    r.close();
  });

  it('tells the keys ops were invoked on so far, from what it wrote (unflushed lines too)', () => {
    const r = new Recorder(join(dir, 'keys.jsonl'), { flushMs: 60_000 });
    r.event(0, 'invoke', 'read', 'r0.0');
    r.event(0, 'ok', 'read', 'r0.0', 1);
    r.event(1, 'invoke', 'cas', 'r1.2', [null, 3]);
    r.event('nemesis', 'info', 'start-partition', 'not-an-op');
    expect([...r.keysUsed()].sort()).toEqual(['r0.0', 'r1.2']);
    r.close();
  });
});

describe('planned ops (the pbs workload)', () => {
  it('plans one put a key at a time, then its reads within a span of its end, the same for the same seed', () => {
    // Each put ends when it starts (an instant store): update says so, and the key's next put is planned.
    const take = (seed: number) => {
      const g = pbsGenerator({ seed, keys: 3, lagSpanMs: 100 });
      return Array.from({ length: 200 }, () => {
        const at = g.plannedAt!() as number;
        const op = g.next()!;
        if (op.f === 'put') g.update!(op, { type: 'ok', atMs: at });
        return { at, op };
      });
    };
    const a = take(5);
    expect(take(5)).toEqual(a);
    expect(take(6)).not.toEqual(a);
    // In time order; per key: a put, then gets within the span after it (it ended at once), and
    // the key's next put 10 ms (10% of the span) after the last of them could come.
    for (let i = 1; i < a.length; i++) expect(a[i]!.at).toBeGreaterThanOrEqual(a[i - 1]!.at);
    for (const key of ['k0', 'k1', 'k2']) {
      const mine = a.filter((x) => x.op.key === key);
      const puts = mine.filter((x) => x.op.f === 'put');
      expect(puts.length).toBeGreaterThan(5);
      for (let p = 0; p < puts.length - 1; p++) {
        expect(puts[p + 1]!.at - puts[p]!.at).toBeCloseTo(110, 6);
        const gets = mine.filter((x) => x.op.f === 'get' && x.at > puts[p]!.at && x.at < puts[p + 1]!.at);
        // Before any put has ended the margin is the span itself (twice the gets, half of them
        // dropped at the end); then it is the puts' p99 latency, 0 here: READS_PER_SPAN gets.
        if (key !== 'k0' || p > 0) expect(gets).toHaveLength(READS_PER_SPAN);
        for (const g of gets) expect(g.at - puts[p]!.at).toBeLessThanOrEqual(100);
      }
    }
    expect(new Set(a.filter((x) => x.op.f === 'put').map((x) => x.op.value)).size).toBe(a.filter((x) => x.op.f === 'put').length);
  });

  it('plans reads over the span plus the puts\' latency from the planned start, and drops those beyond a span after the put\'s end', () => {
    const g = pbsGenerator({ seed: 1, keys: 1, lagSpanMs: 100 });
    const takeGets = () => {
      const at: number[] = [];
      for (;;) {
        const next = g.plannedAt!();
        if (typeof next !== 'number') return { at, put: undefined };
        const op = g.next()!;
        if (op.f !== 'get') return { at, put: { at: next, op } };
        at.push(next);
      }
    };
    const first = g.next()!;
    expect(first).toMatchObject({ f: 'put', key: 'k0', value: 1 });
    // Before any put has ended the margin is the span: 8 gets over (0, 200], all taken before the put ends.
    const early = takeGets();
    expect(early.at).toHaveLength(2 * READS_PER_SPAN);
    for (const t of early.at) expect(t).toBeLessThanOrEqual(200);
    // Not ended yet: nothing more is planned for the key until its put's update comes.
    expect(g.plannedAt!()).toBe(AFTER_UPDATE);
    // It ended 250 ms in: the next put a span and 10% after that end.
    g.update!(first, { type: 'info', atMs: 250 });
    expect(g.plannedAt!()).toBeCloseTo(360, 6);
    const second = g.next()!;
    expect(second).toMatchObject({ f: 'put', key: 'k0', value: 2 });
    // Puts now take 250 ms from their planned start: 14 gets planned over (360, 710]. The put
    // ends at 370: the gets later than 470 are dropped, and the next put comes at 480.
    g.update!(second, { type: 'ok', atMs: 370 });
    const late = takeGets();
    expect(late.at.length).toBeGreaterThan(0);
    expect(late.at.length).toBeLessThan(14);
    for (const t of late.at) {
      expect(t).toBeGreaterThan(360);
      expect(t).toBeLessThanOrEqual(470);
    }
    expect(late.put?.at).toBeCloseTo(480, 6);
    expect(late.put?.op).toMatchObject({ f: 'put', value: 3 });
  });

  it('drops the gets a client behind its plan would take more than a span after their put ended', () => {
    const g = pbsGenerator({ seed: 2, keys: 1, lagSpanMs: 100 });
    const put = g.next(0)!;
    g.update!(put, { type: 'ok', atMs: 0 });
    // The put ended at once: its gets are planned within (0, 100], the next put at 110.
    const first = g.plannedAt!(0) as number;
    expect(first).toBeGreaterThan(0);
    expect(first).toBeLessThanOrEqual(100);
    // Asked at 100 ms, the gets are still worth taking; at 150 ms every one would land 50 ms past the span.
    expect(g.plannedAt!(100)).toBe(first);
    expect(g.plannedAt!(150)).toBeCloseTo(110, 6);
    expect(g.next(150)).toMatchObject({ f: 'put', key: 'k0', value: 2 });
  });

  it('takes the gets that are due before a put planned earlier, when the client is behind its plan', () => {
    const g = pbsGenerator({ seed: 3, keys: 2, lagSpanMs: 100 });
    expect(g.next(0)).toMatchObject({ f: 'put', key: 'k0' });
    // k1's put is planned at 55 ms; k0's gets over (0, 200]. Asked at 150 ms, every get of k0
    // planned by then goes first (late, each lands at a larger t than planned; a late put only
    // moves its cycle), then k1's put, and only then the gets still to come.
    const planned: { at: number; f: string }[] = [];
    for (let i = 0; i < 10; i++) {
      const at = g.plannedAt!(150) as number;
      planned.push({ at, f: g.next(150)!.f });
    }
    const putAt = planned.findIndex((p) => p.f === 'put');
    expect(putAt).toBeGreaterThan(0);
    expect(planned[putAt]!.at).toBeCloseTo(55, 6);
    expect(planned.slice(0, putAt).every((p) => p.f === 'get' && p.at <= 150)).toBe(true);
    expect(planned.slice(putAt + 1).every((p) => p.f === 'get' && p.at > 150)).toBe(true);
    // Some of those gets were planned before the put: in plan order they would have waited behind it.
    expect(planned.slice(0, putAt).some((p) => p.at > 55)).toBe(true);
  });

  it('waits for a put in flight rather than ending the run when nothing else is planned', async () => {
    // Puts take 30 ms against a 5 ms span: every key's plan runs dry while its put is in flight.
    const slowPuts = (c: TargetClient) => faulty(c, { put: async (key, body, o) => (await new Promise((r) => setTimeout(r, 30)), c.put(key, body, o)) });
    const { history, reason } = await run({ workload: pbsWorkload, limits: { ops: 150 }, concurrency: 4, keys: 2, lagSpanMs: 5, wrap: slowPuts });
    expect(reason).toBe('ops-limit');
    expect(history.ops).toHaveLength(150);
    for (const key of ['k0', 'k1']) {
      const puts = history.ops.filter((o) => o.f === 'put' && o.key === key);
      expect(puts.length).toBeGreaterThan(2);
      // Never two puts of a key at once: the next starts a span and 10% after the end.
      for (let i = 1; i < puts.length; i++) expect(puts[i]!.invokeTime - puts[i - 1]!.completeTime!).toBeGreaterThanOrEqual(5.5e6 - 1e5);
    }
  });

  it('stops at the time limit even when the next op is planned long after it', async () => {
    // One key, a 200 s span: after the first put, its first get is planned 9.2 s later (seed 7).
    const t0 = performance.now();
    const { history, reason } = await run({ workload: pbsWorkload, limits: { timeLimitMs: 300 }, concurrency: 2, keys: 1, lagSpanMs: 200_000 });
    expect(reason).toBe('time-limit');
    expect(history.ops.map((o) => o.f)).toEqual(['put']);
    // The limit plus scheduling slack, not the next planned op.
    expect(performance.now() - t0).toBeLessThan(4000);
  });

  it('starts each op no sooner than planned, in the generator\'s order, with few or many workers', async () => {
    for (const concurrency of [2, 16]) {
      // The plan depends on when puts end: record it as the runner takes it.
      const plan: { at: number; op: OpSpec }[] = [];
      const recording: Workload = {
        ...pbsWorkload,
        generator(options) {
          const g = pbsWorkload.generator(options);
          return {
            plannedAt: () => g.plannedAt!(),
            next() {
              // The runner takes an op only once it is planned at a time.
              const at = g.plannedAt!() as number;
              const op = g.next()!;
              plan.push({ at, op });
              return op;
            },
            update: (op, outcome) => g.update!(op, outcome),
          };
        },
      };
      const { history, reason, beforeNs } = await run({ workload: recording, limits: { ops: 120 }, concurrency, keys: 4, lagSpanMs: 40 });
      expect(reason).toBe('ops-limit');
      expect(plan).toHaveLength(120);
      expect(sequence(history)).toEqual(plan.map((p) => [p.op.f, p.op.key, p.op.value]));
      // Planned times count from the runner's start, which is at or after beforeNs.
      for (const [i, o] of history.ops.entries()) expect(o.invokeTime - beforeNs).toBeGreaterThanOrEqual(plan[i]!.at * 1e6);
      // Open loop: the plan, not the ops' own speed, sets the pace (the memory target answers at once).
      expect(plan.at(-1)!.at).toBeGreaterThan(100);
    }
  });
});
