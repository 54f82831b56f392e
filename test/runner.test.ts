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
import { registerWorkload } from '../workloads/register.js';
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
}

async function run(spec: RunSpec) {
  const file = join(dir, `h${n++}.jsonl`);
  const recorder = new Recorder(file);
  const { client } = await memoryTarget.open({ prefix: 'run/', latencyMs: spec.latencyMs ?? 0, seed: 1, opTimeoutMs: spec.opTimeoutMs ?? 1000, concurrency: spec.concurrency ?? 4 });
  const progress: Progress = { started: 0, ok: 0, fail: 0, info: 0, late: 0 };
  const { reason } = await runWorkers(
    {
      workload: registerWorkload,
      client: spec.wrap ? spec.wrap(client) : client,
      recorder,
      concurrency: spec.concurrency ?? 4,
      limits: spec.limits,
      opTimeoutMs: spec.opTimeoutMs ?? 1000,
      seed: spec.seed ?? 7,
      keys: 3,
      stop: spec.stop ?? new AbortController().signal,
    },
    progress,
  );
  recorder.close();
  return { reason, progress, history: await readHistory(file) };
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
});
