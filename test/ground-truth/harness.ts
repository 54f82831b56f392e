// Runs a workload against the in-process emulator with its ground-truth log on the history's
// clock, and pairs each history op with the emulator's record of the same request.
import { mkdtempSync, rmSync } from 'node:fs';
import { setMaxListeners } from 'node:events';
import { Worker } from 'node:worker_threads';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator, type EmulatorOptions, type GroundTruthEvent } from '../../src/emulator/index.js';
import type { History, Op } from '../../src/history/event.js';
import { readGroundTruth } from '../../src/history/ground-truth.js';
import { readHistory } from '../../src/history/read.js';
import { Recorder } from '../../src/history/recorder.js';
import { runFinalPhase, type FinalPhaseOutcome } from '../../src/runner/final-phase.js';
import { runWorkers, type Progress, type RunLimits } from '../../src/runner/run-workers.js';
import { makeS3Client, S3TargetClient } from '../../src/targets/s3-client.js';
import { projectRoot } from '../../src/util/tool-info.js';
import type { Workload } from '../../workloads/workload.js';

export type TruthOp = Extract<GroundTruthEvent, { kind: 'op' }>;
export type TruthApply = Extract<GroundTruthEvent, { kind: 'apply' }>;

export interface GroundTruthRunSpec {
  emulator: Omit<EmulatorOptions, 'groundTruth' | 'buckets' | 'seed' | 'port' | 'host'>;
  workload: Workload;
  seed: number;
  concurrency: number;
  keys: number;
  limits: RunLimits;
  opTimeoutMs?: number;
  finalPhase?: { quiesceMs: number };
  /**
   * Run the emulator on a thread of its own (the compiled dist/src/emulator/thread.js, as the
   * emulator target does), so that the clients and the server do not share one event loop.
   */
  thread?: boolean;
}

export interface GroundTruthRun {
  history: History;
  events: GroundTruthEvent[];
  /** The emulator's record of each history op that reached it, by the op's invoke index. */
  truthOf: Map<number, TruthOp>;
  /** History ops the emulator served that could not be paired unambiguously. */
  unmatched: number;
  /** Each write's apply events, by writeId. */
  applies: Map<number, TruthApply[]>;
  finalPhase?: FinalPhaseOutcome;
  /** Wall time of the run, ms. */
  elapsedMs: number;
}

const BUCKET = 'objcheck';
const PREFIX = 'gt/';
const TRUTH_F: Record<string, string> = { GetObject: 'get', PutObject: 'put', DeleteObject: 'delete' };

export async function groundTruthRun(spec: GroundTruthRunSpec): Promise<GroundTruthRun> {
  delete process.env.AWS_CA_BUNDLE;
  const origin = process.hrtime.bigint();
  const dir = mkdtempSync(join(tmpdir(), 'objcheck-gt-'));
  const file = join(dir, 'history.jsonl');
  const opTimeoutMs = spec.opTimeoutMs ?? 5000;
  const truthFile = join(dir, 'truth.jsonl');
  const emulator = spec.thread
    ? await startThread({ ...spec.emulator, seed: spec.seed, buckets: [BUCKET], groundTruth: { origin, jsonlPath: truthFile } })
    : await startEmulator({ ...spec.emulator, seed: spec.seed, buckets: [BUCKET], groundTruth: { origin } });
  const s3 = makeS3Client({
    endpoint: emulator.endpoint,
    region: emulator.region,
    bucket: BUCKET,
    forcePathStyle: true,
    credentials: emulator.credentials,
    requestTimeoutMs: opTimeoutMs + 1000,
    maxSockets: spec.concurrency,
  });
  const client = new S3TargetClient(s3, BUCKET, PREFIX);
  const recorder = new Recorder(file, { origin });
  const progress: Progress = { started: 0, ok: 0, fail: 0, info: 0, late: 0 };
  const stop = new AbortController().signal;
  // Every worker waiting for its --rate slot listens on the stop signal.
  setMaxListeners(spec.concurrency + 16, stop);
  let finalPhase: FinalPhaseOutcome | undefined;
  const t0 = Date.now();
  try {
    // Warm up the SDK and open the connections first: the first requests of a client are slow,
    // and would bunch up the start of the planned schedule. Not recorded, and on no history key.
    for (let i = 0; i < 3; i++) await Promise.all(Array.from({ length: spec.concurrency }, () => client.get('warm-up')));
    const outcome = await runWorkers(
      { workload: spec.workload, client, recorder, concurrency: spec.concurrency, limits: spec.limits, opTimeoutMs, seed: spec.seed, keys: spec.keys, stop },
      progress,
    );
    if (spec.finalPhase) {
      finalPhase = await runFinalPhase({
        workload: spec.workload,
        client,
        recorder,
        processes: outcome.processes,
        seed: spec.seed,
        keys: spec.keys,
        quiesceMs: spec.finalPhase.quiesceMs,
        convergeTimeoutMs: 5000,
        opTimeoutMs,
        stop,
      });
    }
  } finally {
    recorder.close();
    s3.destroy();
    await emulator.close();
  }
  const elapsedMs = Date.now() - t0;
  const history = await readHistory(file);
  const events = emulator.groundTruth
    ? emulator.groundTruth.events
    : readGroundTruth(truthFile);
  rmSync(dir, { recursive: true, force: true });
  const { truthOf, unmatched } = pair(history, events);
  const applies = new Map<number, TruthApply[]>();
  for (const e of events) {
    if (e.kind !== 'apply') continue;
    const l = applies.get(e.writeId);
    if (l) l.push(e);
    else applies.set(e.writeId, [e]);
  }
  return { history, events, truthOf, unmatched, applies, ...(finalPhase ? { finalPhase } : {}), elapsedMs };
}

interface Started {
  endpoint: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  groundTruth?: undefined;
  close(): Promise<void>;
}

async function startThread(options: EmulatorOptions): Promise<Started> {
  const thread = new Worker(join(projectRoot(), 'dist/src/emulator/thread.js'), { workerData: options });
  const started = await new Promise<{ endpoint: string; region: string; credentials: Started['credentials'] } | { error: string }>((resolve, reject) => {
    thread.once('message', resolve);
    thread.once('error', reject);
  });
  if ('error' in started) {
    await thread.terminate();
    throw new Error(started.error);
  }
  return {
    endpoint: started.endpoint,
    region: started.region,
    credentials: started.credentials,
    close: () =>
      new Promise<void>((resolve) => {
        thread.once('exit', () => resolve());
        thread.postMessage('close');
      }),
  };
}

/**
 * Pairs history ops with the emulator's op records: same key and operation, and the request's
 * time inside the server lies within the op's invoke–complete interval. Ambiguous pairs (two
 * concurrent requests of the same kind on the same key) are resolved by elimination, and for
 * reads by the value returned once the writes are paired; what is left is counted, not guessed.
 */
export function pair(history: History, events: readonly GroundTruthEvent[]): { truthOf: Map<number, TruthOp>; unmatched: number } {
  const groups = new Map<string, { ops: Op[]; truths: TruthOp[] }>();
  const group = (k: string) => {
    let g = groups.get(k);
    if (!g) groups.set(k, (g = { ops: [], truths: [] }));
    return g;
  };
  for (const op of history.ops) {
    if (op.key === undefined) continue;
    const f = op.f === 'final-get' ? 'get' : op.f;
    group(`${f}\u0000${PREFIX}${op.key}`).ops.push(op);
  }
  for (const e of events) {
    if (e.kind !== 'op' || e.key === undefined || e.bucket !== BUCKET) continue;
    const f = TRUTH_F[e.op];
    if (f) group(`${f}\u0000${e.key}`).truths.push(e);
  }
  const truthOf = new Map<number, TruthOp>();
  // The server's start of the request lies inside the op. (Not its end: the server thread may
  // be descheduled between sending the answer and logging it, after the client has recorded it.)
  const contains = (op: Op, t: TruthOp) => op.invokeTime <= t.startNs && (op.completeTime === null || op.type === 'info' || t.startNs <= op.completeTime);
  const pending: { ops: Op[]; truths: TruthOp[]; isRead: boolean }[] = [];
  for (const [k, g] of groups) {
    const isRead = k.startsWith('get\u0000');
    const ops = new Set(g.ops);
    const truths = new Set(g.truths);
    // Elimination: pair whatever has exactly one candidate, until nothing changes.
    for (let changed = true; changed; ) {
      changed = false;
      for (const t of truths) {
        const c = [...ops].filter((op) => contains(op, t));
        if (c.length === 1) {
          const others = [...truths].filter((u) => u !== t && contains(c[0]!, u));
          if (others.length === 0) {
            truthOf.set(c[0]!.invokeIndex, t);
            ops.delete(c[0]!);
            truths.delete(t);
            changed = true;
          }
        } else if (c.length === 0) truths.delete(t);
      }
    }
    if (ops.size > 0 && truths.size > 0) pending.push({ ops: [...ops], truths: [...truths], isRead });
  }
  // What is left: a greedy assignment in order of arrival, each request to the op that contains
  // it and completed first. Writes first, so that leftover reads can then be told apart by the
  // value they returned.
  pending.sort((a, b) => Number(a.isRead) - Number(b.isRead));
  const valueOfWrite = new Map<number, unknown>();
  let unmatched = 0;
  for (const p of pending) {
    if (p.isRead) {
      for (const op of history.ops) {
        const t = truthOf.get(op.invokeIndex);
        if (t && op.f === 'put' && typeof t.writeId === 'number') valueOfWrite.set(t.writeId, op.invokeValue);
      }
    }
    const ops = new Set(p.ops);
    for (const t of [...p.truths].sort((a, b) => a.startNs - b.startNs)) {
      let best: Op | undefined;
      for (const op of ops) {
        if (!contains(op, t)) continue;
        if (p.isRead && op.type === 'ok' && !sameValue(op.value, t.writeId, valueOfWrite)) continue;
        if (!best || (op.completeTime ?? Infinity) < (best.completeTime ?? Infinity)) best = op;
      }
      if (best) {
        truthOf.set(best.invokeIndex, t);
        ops.delete(best);
      }
    }
    for (const op of ops) if (op.type === 'ok') unmatched++;
  }
  return { truthOf, unmatched };
}

function sameValue(value: unknown, writeId: number | null | undefined, valueOfWrite: Map<number, unknown>): boolean {
  if (value === null) return writeId === null || writeId === undefined;
  return typeof writeId === 'number' && valueOfWrite.get(writeId) === value;
}
