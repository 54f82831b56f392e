// Does the quorum emulator reproduce PBS? Its quorum model (src/emulator/models/quorum.ts), run as
// the emulator runs it (real timers, the exact-time queue of timers.ts, many trials at once on a
// loaded event loop), against the WARS Monte Carlo (wars.ts) over the same delay distributions.
// One trial: a write to a fresh key, then one read of it a planned lag after the write started;
// t (from the write's commit to the read's start) and whether the read saw the write come from
// the emulator's ground truth, exactly. Per setting it prints the largest gap between the
// emulator's consistent fraction and WARS's expectation over bins of t, and the 99% / 99.9%
// windows of both (the emulator's from an isotonic fit of its samples).
//   npm run bench:pbs:emulator [-- trials=100000 [concurrency=1000 [seed=1]]]
import { performance } from 'node:perf_hooks';
import type { CurveSample } from '../../checkers/staleness/monotone-curve.js';
import { parseDelaySpec } from '../../src/emulator/delay-spec.js';
import { GroundTruthLog } from '../../src/emulator/ground-truth.js';
import { QuorumKeyspace } from '../../src/emulator/models/quorum.js';
import { md5Etag } from '../../src/emulator/object-version.js';
import { preciseSleep } from '../../src/util/precise-sleep.js';
import { Random } from '../../src/util/random.js';
import { compareWithWars, relative, SETTINGS, table, type Setting } from './compare.js';
import { warsCurve } from './wars.js';

const trials = Number(process.argv[2] ?? 100_000);
const concurrency = Number(process.argv[3] ?? 1000);
const seed = Number(process.argv[4] ?? 1);


const body = Buffer.from('v');
const object = { body, etag: md5Etag(body), contentType: 'text/plain', metadata: {} };

/** Runs the trials against one emulator keyspace; lags (ms after the write started) from `lagOf`. */
async function emulatorSamples(s: Setting, lagOf: () => number, atOnce: number): Promise<CurveSample[]> {
  const truth = new GroundTruthLog();
  const random = new Random(seed);
  const delays = { writePropagation: parseDelaySpec(s.delays.w as string), ack: parseDelaySpec(s.delays.a as string), readRequest: parseDelaySpec(s.delays.r as string), readResponse: parseDelaySpec(s.delays.s as string) };
  const ks = new QuorumKeyspace({ bucket: 'b', random, now: () => Date.now(), lossAfterMs: 0, truth }, { replicas: 3, writeQuorum: s.w, readQuorum: s.r, delays, coordinatorSkewsMs: [0], readRepair: false, singleReplicaReads: false });
  const samples: CurveSample[] = [];
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < trials; i = next++) {
      const key = `k${i}`;
      // The read is planned from the write's start, not its return: the return's time depends
      // on the write's own delays, which would bias small t's (see workloads/pbs.ts).
      const written = ks.write({ key, object, writeId: i + 1 });
      // To the µs: on Node's millisecond timer grid the lags would come in lumps (no read in the
      // write's first millisecond), and the small t's would come from the writes that committed
      // slowly, which are more often consistent (see src/util/precise-sleep.ts).
      await preciseSleep(lagOf() * 1e6);
      const r = await ks.read(key);
      const w = await written;
      const t = (r.startedAtNs! - w.committedAtNs!) / 1e6;
      // A read that reached the store before the commit is not a sample (t counts from the commit).
      if (t >= 0) samples.push({ t, consistent: r.version?.writeId === i + 1 });
    }
  };
  await Promise.all(Array.from({ length: atOnce }, worker));
  ks.close();
  return samples;
}

const rows: string[][] = [];
const gaps: number[] = [];
for (const s of SETTINGS) {
  const t0 = performance.now();
  const wars = warsCurve({ n: 3, w: s.w, r: s.r, delays: s.delays, tGridMs: [0], trials: 1_000_000, seed });
  const w999 = wars.windows.p999.tMs;
  // Reads spread uniformly from the write's start to past the 99.9% window.
  const planner = new Random(seed + 1);
  const span = 1.5 * Math.max(w999, 4);
  const lagOf = () => planner.next() * span;
  // Few enough trials at once that the event loop keeps up: a late timer turns a planned lag into
  // a longer one (t is still measured exactly, but small t's get scarce). About 4 trials a ms.
  const atOnce = Math.min(concurrency, Math.max(20, Math.round(4 * (0.75 * span + 3))));
  const samples = await emulatorSamples(s, lagOf, atOnce);
  const c = compareWithWars(samples, wars);
  gaps.push(c.maxGap);
  rows.push([
    s.name,
    `${s.w},${s.r}`,
    `${c.maxGap.toFixed(3)} at ${c.gapAt.toFixed(2)} ms`,
    `${(c.first.observed * 100).toFixed(1)}% / ${(c.first.expected * 100).toFixed(1)}% (t ≤ ${c.first.upToMs.toFixed(2)} ms)`,
    `${c.e99?.toFixed(2) ?? '-'} / ${wars.windows.p99.tMs.toFixed(2)} (${relative(c.e99, wars.windows.p99.tMs)})`,
    `${c.e999?.toFixed(2) ?? '-'} / ${w999.toFixed(2)} (${relative(c.e999, w999)})`,
    `${((performance.now() - t0) / 1000).toFixed(1)}`,
  ]);
  console.error(`${s.name}: done`);
}

const header = ['setting (N = 3)', 'W,R', 'max |P_emu − P_WARS| (bin)', 'first bin P: emu / WARS', '99% window ms: emu / WARS', '99.9% window ms: emu / WARS', 's'];
console.log(`the quorum emulator against WARS: ${trials.toLocaleString('en-US')} trials a setting (one read a write), at most ${concurrency} at once, seed ${seed}`);
console.log(table(header, rows));
console.log(`largest gap over all settings: ${Math.max(...gaps).toFixed(3)} (goal ≤ 0.03)`);
