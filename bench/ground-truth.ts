// The ground-truth comparisons of test/ground-truth at a larger scale: estimated vs true
// figures, printed. `npx tsc -b && node dist/bench/ground-truth.js [--scale N]` (default 1:
// about a minute; the quorum run has ~5000 puts, enough to pin the 99.9% window).
import { deltaAtomicityChecker } from '../checkers/delta-atomicity.js';
import { linearizable } from '../checkers/linearizable/index.js';
import { sessionGuarantees } from '../checkers/session-guarantees.js';
import { staleReads } from '../checkers/stale-reads.js';
import { lostWrites } from '../checkers/staleness/lost-writes.js';
import { visibility } from '../checkers/visibility.js';
import type { Op } from '../src/history/event.js';
import { registerWorkload } from '../workloads/register.js';
import { groundTruthRun } from '../test/ground-truth/harness.js';
import { visibilitySamples, windowOf } from '../test/ground-truth/truth.js';
import { lagWorkload, legacyKind, legacyWorkload, QUORUM_VISIBILITY } from '../test/ground-truth/workloads.js';

const scaleAt = process.argv.indexOf('--scale');
const scale = scaleAt > 0 ? Number(process.argv[scaleAt + 1]) : 1;
const f3 = (x: number | null | undefined) => (x === null || x === undefined ? '—' : x.toFixed(3));
const f1 = (x: number | null | undefined) => (x === null || x === undefined ? '—' : x.toFixed(1));

type Bin = { fromMs: number; toMs: number; samples: number; fraction: number };
type Windows = Record<string, { ms: number | null; samples: number; ci95?: [number | null, number | null]; reason?: string }>;

async function quorum(): Promise<void> {
  const { emulator, rate, lags } = QUORUM_VISIBILITY;
  const keys = Math.round(2500 * scale);
  const run = await groundTruthRun({ emulator, workload: lagWorkload({ rate, putsPerKey: 2, lags }), seed: 101, concurrency: 24, keys, limits: { rate }, thread: true });
  const { samples, skipped } = visibilitySamples(run);
  const v = await visibility.check(run.history, { minBinSamples: 200, resamples: 200 });
  const analytic = (t: number) => 1 - (2 / 3) * Math.exp(-Math.max(0, t) / 50);
  console.log(`\n== quorum N=3 W=R=1 write-delay exp:50: ${run.history.ops.length} ops in ${(run.elapsedMs / 1000).toFixed(1)} s, ${samples.length} samples (${skipped} unpaired)`);
  console.log('bin from (ms)   reads  estimated  true   model(server t)  |est-true|');
  let worst = 0;
  for (const b of v.curve as Bin[]) {
    const inBin = samples.filter((s) => s.t >= b.fromMs * 1e6 && s.t < b.toMs * 1e6);
    const tr = inBin.filter((s) => s.consistent).length / inBin.length;
    const model = inBin.reduce((a, s) => a + analytic(s.serverT / 1e6), 0) / inBin.length;
    worst = Math.max(worst, Math.abs(b.fraction - tr));
    console.log(`${f1(b.fromMs).padStart(13)} ${String(b.samples).padStart(7)}  ${f3(b.fraction).padStart(9)}  ${f3(tr)}  ${f3(model).padStart(15)}  ${f3(Math.abs(b.fraction - tr))}`);
  }
  console.log(`worst |estimated − true| over bins: ${f3(worst)}`);
  const w = (await visibility.check(run.history, { resamples: 500 })).windows as Windows;
  for (const [q, analyticMs] of [[0.99, 50 * Math.log(200 / 3)], [0.999, 50 * Math.log(2000 / 3)]] as const) {
    const name = q === 0.99 ? '99%' : '99.9%';
    const est = w[name]!;
    const tr = windowOf(samples, q);
    const err = est.ms === null ? null : (est.ms - analyticMs) / analyticMs;
    console.log(`${name} window: estimated ${f1(est.ms)} ms (CI ${f1(est.ci95?.[0])}–${f1(est.ci95?.[1])}, n=${est.samples}${est.reason ? `, ${est.reason}` : ''}), from the true labels ${f1(tr)} ms, analytic ${f1(analyticMs)} ms; estimated vs analytic ${err === null ? '—' : `${(err * 100).toFixed(1)}%`}`);
  }
}

async function legacy(): Promise<void> {
  const rate = 400;
  const run = await groundTruthRun({ emulator: { consistency: { model: 's3-legacy' } }, workload: legacyWorkload(rate), seed: 103, concurrency: 16, keys: Math.round(300 * scale), limits: { rate }, thread: true });
  const r = await staleReads.check(run.history, { maxAnomalies: Infinity });
  const { samples, skipped } = visibilitySamples(run);
  const count = (xs: readonly { key: string }[]) => {
    const c: Record<string, number> = { fresh: 0, probed: 0, overwritten: 0, deleted: 0 };
    for (const x of xs) c[legacyKind(x.key)]!++;
    return c;
  };
  const flagged = new Set(r.anomalies.map((a) => a.ops[0]!));
  const disagree = samples.filter((s) => !s.overlapping && flagged.has(s.read.invokeIndex) === s.returnedConsistent).length;
  console.log(`\n== s3-legacy: ${run.history.ops.length} ops in ${(run.elapsedMs / 1000).toFixed(1)} s (${skipped} reads unpaired with the log)`);
  console.log(`reads after a completed write: ${JSON.stringify(count(samples.map((s) => ({ key: s.read.key! }))))}`);
  console.log(`stale by the checker:          ${JSON.stringify(count(r.anomalies.map((a) => ({ key: a.key! }))))}`);
  console.log(`truly stale:                   ${JSON.stringify(count(samples.filter((s) => !s.returnedConsistent).map((s) => ({ key: s.read.key! }))))}`);
  console.log(`reads where checker and truth disagree (non-overlapping writes): ${disagree}`);
}

async function strong(): Promise<void> {
  const seeds = Math.round(30 * scale);
  let violations = 0;
  let truthInconsistent = 0;
  for (let seed = 1; seed <= seeds; seed++) {
    const run = await groundTruthRun({ emulator: { consistency: 'strong' }, workload: registerWorkload, seed, concurrency: 8, keys: 4, limits: { ops: 1000 }, finalPhase: { quiesceMs: 20 } });
    const h = run.history;
    for (const c of [staleReads, sessionGuarantees, lostWrites, linearizable]) violations += (await c.check(h)).anomalies.length;
    violations += (((await deltaAtomicityChecker.check(h)).worst as { deltaMs: number } | null)?.deltaMs ?? 0) > 0 ? 1 : 0;
    truthInconsistent += visibilitySamples(run).samples.filter((s) => !s.returnedConsistent && !s.overlapping).length;
  }
  console.log(`\n== strong: ${seeds} seeds × 1000 ops: ${violations} anomalies from all checkers; ${truthInconsistent} reads the truth calls inconsistent`);
}

async function faults(): Promise<void> {
  const run = await groundTruthRun({ emulator: { consistency: 'strong', faults: { dropAckedWrites: 0.1 } }, workload: registerWorkload, seed: 107, concurrency: 3, keys: Math.round(600 * scale), limits: { ops: Math.round(2000 * scale) }, finalPhase: { quiesceMs: 20 } });
  const h = run.history;
  const r = await lostWrites.check(h, { maxAnomalies: Infinity });
  const dropped = new Set(run.events.flatMap((e) => (e.kind === 'drop' ? [e.writeId] : [])));
  const finalStart = h.nemesis.find((e) => e.f === 'final-phase')!.time;
  const byKey = new Map<string, Op[]>();
  for (const op of h.ops) if (op.type === 'ok' && (op.f === 'put' || op.f === 'delete') && op.invokeTime < finalStart) byKey.set(op.key!, [...(byKey.get(op.key!) ?? []), op]);
  let droppedLast = 0;
  let truthLost = 0;
  for (const [key, ws] of byKey) {
    const last = ws.filter((w) => !ws.some((o) => o !== w && o.invokeIndex > w.completeIndex!));
    if (last.length !== 1 || !dropped.has(run.truthOf.get(last[0]!.invokeIndex)?.writeId as number)) continue;
    droppedLast++;
    const value = last[0]!.f === 'delete' ? null : last[0]!.invokeValue;
    const finals = h.ops.filter((o) => o.key === key && o.f === 'get' && o.type === 'ok' && o.invokeTime >= finalStart);
    if (finals.length > 0 && finals.every((o) => o.value !== value)) truthLost++;
  }
  console.log(`\n== dropAckedWrites 0.1 (strong): ${dropped.size} writes dropped, ${droppedLast} the last of their key, ${truthLost} truly lost; lost-writes reports ${r.lostWrites}`);

  const spec = { workload: registerWorkload, seed: 109, concurrency: 12, keys: 2, limits: { ops: Math.round(3000 * scale) } };
  const emulator = (single: boolean) => ({ consistency: { model: 'quorum', replicas: 3, writeQuorum: 3, readQuorum: 1, delays: { writePropagation: 'exp:40' } } as const, faults: { singleReplicaReads: single } });
  for (const single of [false, true]) {
    const run2 = await groundTruthRun({ ...spec, emulator: emulator(single) });
    const g = (await sessionGuarantees.check(run2.history)).guarantees as Record<string, { violations: number }>;
    const replicas = new Set(run2.history.ops.filter((o) => o.f === 'get').map((o) => run2.truthOf.get(o.invokeIndex)?.replicas?.[0]));
    console.log(`== quorum N=3 W=3 R=1${single ? ' + singleReplicaReads' : ''}: violations ${JSON.stringify(Object.fromEntries(Object.entries(g).map(([k, x]) => [k, x.violations])))}; stale reads ${(await staleReads.check(run2.history)).staleReads}; replicas that served reads ${JSON.stringify([...replicas])}`);
  }
}

await quorum();
await legacy();
await strong();
await faults();
