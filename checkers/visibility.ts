import type { History } from '../src/history/event.js';
import { duringFault, faultPeriods } from '../src/history/fault-periods.js';
import type { ByKey, CheckOptions, CheckResult, Checker } from './checker.js';
import { deltaAtomicity, deltaPartOf, joinDeltas, worstDelta, type DeltaPart } from './delta-atomicity.js';
import type { KeyDelta } from './staleness/delta.js';
import { readFactsOf, upperBoundOf, type KeyWrites, type Write } from './staleness/register-index.js';
import { storeSideSamples } from './staleness/store-side.js';
import { distributionInPlace, round, toMs, type Distribution } from './staleness/stats.js';
import { intColumn, type IntColumn } from '../src/util/int-column.js';
import { mergeByIndex } from '../src/util/merge-by-index.js';
import type { BootstrapInput, Resampled } from './staleness/bootstrap.js';
import { completeFromRanges, CONFIDENCE, count, estimate, NO_SAMPLES, noSamples, type Estimate, type Prepared, type SampleColumns, type Window } from './staleness/visibility-estimate.js';

// The t-visibility curve of Bailis et al.'s PBS, black-box: each ok read that began after some
// write to its key had completed is one sample, with t = the read's start minus the completion
// of the latest such write, and "consistent" = not a stale read (it reflected every write that
// had completed before it began; stale-reads has the definition). Reads whose latest write
// overlapped another write of the key are left out: which version was the latest is ambiguous.
// The curve is the consistent fraction per bin of t; the windows are read off an isotonic
// (non-decreasing) fit of P(consistent | t), with intervals from a bootstrap that resamples
// writes, since the reads of one write share its fate.

export interface VisibilityOptions extends CheckOptions {
  /** Bootstrap seed (default 1): the same history and seed give the same intervals. */
  seed?: number;
  /**
   * Bootstrap resamples (default 200: each is an isotonic fit of every read, so they cost; 200
   * place a 95% interval's ends on the 5th and 195th of them, enough for a measurement's error bar).
   */
  resamples?: number;
  /** A bin holds at least this many samples (default 30); smaller ones are merged into their neighbours. */
  minBinSamples?: number;
}

/**
 * The ok writes of a key that overlapped another ok write of it. Writes that never completed
 * (info, open) do not count: they may take effect at any later time, so counting them would
 * leave out every later read of the key.
 */
function overlappingWrites(kw: KeyWrites): Set<Write> {
  const ok = kw.writes.filter((w) => w.cmp !== Infinity);
  const out = new Set<Write>();
  // In invocation order, w overlaps an earlier write iff one completed after w was invoked,
  // and a later one iff the next was invoked before w completed.
  let maxCmp = -Infinity;
  ok.forEach((w, i) => {
    if (maxCmp > w.inv || (i + 1 < ok.length && ok[i + 1]!.inv < w.cmp)) out.add(w);
    maxCmp = Math.max(maxCmp, w.cmp);
  });
  return out;
}

/**
 * A key's ok writes by completion (RegisterIndex's okByCmp) as columns: what a sample takes of
 * "the latest write completed before the read". Half a million reads would otherwise each
 * search and chase the write objects, which lie scattered over the heap.
 */
interface OkWrites {
  cmp: Float64Array;
  inv: Float64Array;
  completeTime: Float64Array;
  /** Completion time minus invocation time. */
  latency: Float64Array;
  /** 1: it overlapped another ok write of the key (overlappingWrites). */
  overlapping: Uint8Array;
  /** Its number among the writes the samples name, once one does (-1 before). */
  numbered: Int32Array;
}

function okWritesOf(kw: KeyWrites): OkWrites {
  const ok = kw.okByCmp;
  const n = ok.length;
  const over = overlappingWrites(kw);
  const out: OkWrites = { cmp: new Float64Array(n), inv: new Float64Array(n), completeTime: new Float64Array(n), latency: new Float64Array(n), overlapping: new Uint8Array(n), numbered: new Int32Array(n).fill(-1) };
  for (let j = 0; j < n; j++) {
    const w = ok[j]!;
    out.cmp[j] = w.cmp;
    out.inv[j] = w.inv;
    out.completeTime[j] = w.op!.completeTime!;
    out.latency[j] = w.op!.completeTime! - w.op!.invokeTime;
    out.overlapping[j] = over.has(w) ? 1 : 0;
  }
  return out;
}

export const visibility = {
  name: 'visibility',
  description: 't-visibility: the fraction of reads that saw the latest completed write, by time since it completed; the windows for 99%, 99.9% and 100%; the worst Δ-atomicity',
  // Its estimates (each a bootstrap: 200 refits of every read) go to worker threads when the
  // check has some: started first, this thread runs the other checkers meanwhile.
  handsOff: true,

  check(history: History, options: VisibilityOptions = {}): CheckResult | Promise<CheckResult> {
    // With the store's own record, t is taken there, exactly: no client legs, no timer rounding.
    const store = options.groundTruth === undefined ? undefined : storeSideSamples(options.groundTruth);
    if (!store) {
      const { collected, ...c } = wholeSamples(history);
      return fromSamples(collected, history.nemesis, worstDelta(deltaAtomicity(history)), c, options);
    }
    const collected = new Samples(0, faultPeriods(history.nemesis).length > 0);
    for (const x of store.samples) collected.push(x.t, x.consistent, x.atNs, x.writeId);
    const overlappingExcluded = store.leftOut['its write overlapped another'] ?? 0;
    return fromSamples(collected, history.nemesis, worstDelta(deltaAtomicity(history)), { store, noPriorWrite: 0, overlappingExcluded, clientLegs: undefined }, options);
  },

  // Measured at the client, each key's samples are its own: only the estimates need them all.
  byKey: {
    keyPart: (history: History): VisibilityPart => ({ samples: clientSamples(history), delta: deltaPartOf(history) }),
    // A sample (~21 bytes) for about every other op: 113 MB for the 10M-op register history's 5.4
    // million; while merged, the estimate's columns (13 bytes a sample) and a latency column.
    bytesPerOp: 12,
    mergeBytesPerOp: 12,
    readsGroundTruth: true,
    merge: (parts: VisibilityPart[], options: VisibilityOptions, outline: History) => {
      const samples = parts.map((p) => p.samples);
      const worst = worstDelta(joinDeltas(parts.map((p) => p.delta)));
      // The parts let go as they are taken: a big history's samples are many.
      parts.length = 0;
      return fromClient(samples, outline.nemesis, worst, options);
    },
  } satisfies ByKey<VisibilityPart>,
} satisfies Checker;

interface VisibilityPart {
  samples: ClientSamples;
  delta: DeltaPart;
}

/**
 * The samples taken at the client, one an ok read some write explains that followed a completed
 * write to its key that overlapped no other, in history order: the read (its invoke index),
 * t, whether it was consistent (1), when it began (only when the history has fault periods),
 * its write (numbered from 0 in the order the samples first name them: the bootstrap resamples
 * writes in that order), and both latencies. Columns of exactly `n`, integers in 32 bits where
 * they fit (a big history's parts are held until merged): a key's cross from its thread as they are.
 */
interface ClientSamples {
  n: number;
  read: IntColumn;
  t: IntColumn;
  ok: Uint8Array;
  at: Float64Array;
  write: Int32Array;
  /** How many writes `write` numbers. */
  writes: number;
  writeLatency: IntColumn;
  readLatency: IntColumn;
  noPriorWrite: number;
  overlappingExcluded: number;
}

/** Where collectSamples puts each sample, in history order. */
interface SampleSink {
  /** `write`: the write's number, from 0 in the order the samples first name them. */
  sample(read: number, t: number, ok: boolean, at: number, write: number, writeLatency: number, readLatency: number): void;
}

/**
 * The history's samples taken at the client, into `sink`; how many reads were left out for want
 * of a completed write before them, and for their write overlapping another. `reads`: at most
 * how many samples there are (the reads some write explains), for sinks to size their columns.
 */
function collectSamples(history: History, sink: (reads: number) => SampleSink): { noPriorWrite: number; overlappingExcluded: number } {
  const allFacts = readFactsOf(history);
  let reads = 0;
  for (let i = 0; i < allFacts.length; i++) if (allFacts[i]) reads++;
  const into = sink(reads);
  const okWrites = new Map<KeyWrites, OkWrites>();
  let noPriorWrite = 0;
  let overlappingExcluded = 0;
  let writes = 0;
  for (let i = 0; i < allFacts.length; i++) {
    const facts = allFacts[i];
    if (!facts) continue;
    const op = facts.op;
    let ok = okWrites.get(facts.kw);
    if (!ok) okWrites.set(facts.kw, (ok = okWritesOf(facts.kw)));
    // The ok write of the key that completed last before the read was invoked.
    const latest = upperBoundOf(ok.cmp, op.invokeIndex - 1) - 1;
    if (latest < 0) {
      noPriorWrite++;
      continue;
    }
    if (ok.overlapping[latest]) {
      overlappingExcluded++;
      continue;
    }
    if (ok.numbered[latest]! < 0) ok.numbered[latest] = writes++;
    into.sample(op.invokeIndex, op.invokeTime - ok.completeTime[latest]!, facts.supersededBy === undefined, op.invokeTime, ok.numbered[latest]!, ok.latency[latest]!, op.completeTime! - op.invokeTime);
  }
  return { noPriorWrite, overlappingExcluded };
}

/**
 * A key's samples as columns (to cross from its thread), cut to their number; when each read
 * began only when the history has fault periods (its `at` is empty otherwise).
 */
function clientSamples(history: History): ClientSamples {
  const faults = faultPeriods(history.nemesis).length > 0;
  let n = 0;
  let writes = 0;
  let read = new Float64Array(0);
  let t = read;
  let at = read;
  let writeLatency = read;
  let readLatency = read;
  let ok = new Uint8Array(0);
  let write = new Int32Array(0);
  const left = collectSamples(history, (reads) => {
    [read, t, writeLatency, readLatency] = [0, 0, 0, 0].map(() => new Float64Array(reads));
    at = new Float64Array(faults ? reads : 0);
    ok = new Uint8Array(reads);
    write = new Int32Array(reads);
    return {
      sample(r, tr, consistent, began, w, wl, rl) {
        const j = n++;
        read[j] = r;
        t[j] = tr;
        ok[j] = consistent ? 1 : 0;
        if (faults) at[j] = began;
        write[j] = w;
        writes = Math.max(writes, w + 1);
        writeLatency[j] = wl;
        readLatency[j] = rl;
      },
    };
  });
  return {
    n,
    read: intColumn(read, n),
    t: intColumn(t, n),
    ok: ok.slice(0, n),
    at: at.slice(0, faults ? n : 0),
    write: write.slice(0, n),
    writes,
    writeLatency: intColumn(writeLatency, n),
    readLatency: intColumn(readLatency, n),
    ...left,
  };
}

/**
 * The whole history's samples straight into the estimate's columns: no columns of its own for a
 * million reads (typed arrays that big, made and dropped, bring on full collections of the heap).
 */
function wholeSamples(history: History): Pick<Collected, 'store' | 'noPriorWrite' | 'overlappingExcluded' | 'clientLegs'> & { collected: Samples } {
  let collected = new Samples(0, false);
  let writeLatencies = new Float64Array(0);
  let readLatencies = new Float64Array(0);
  const faults = faultPeriods(history.nemesis).length > 0;
  const left = collectSamples(history, (reads) => {
    collected = new Samples(reads, faults);
    writeLatencies = new Float64Array(reads);
    readLatencies = new Float64Array(reads);
    return {
      sample(_read, t, ok, at, write, writeLatency, readLatency) {
        writeLatencies[collected.length] = writeLatency;
        readLatencies[collected.length] = readLatency;
        collected.add(t, ok, at, write);
      },
    };
  });
  const n = collected.length;
  return { collected, store: undefined, ...left, clientLegs: clientLegsOf(() => writeLatencies.subarray(0, n), () => readLatencies.subarray(0, n)) };
}

/**
 * The client legs' bounds (count, p50, p90, p99, max, ms) from the samples' write and read
 * latencies, in any order (none: no samples), each made when asked for and let go once
 * summed: the arrays are the caller's to give, their order is lost.
 */
function clientLegsOf(writeLatencies: () => Float64Array, readLatencies: () => Float64Array): Collected['clientLegs'] {
  const writeLatencyMs = distributionInPlace(writeLatencies(), 1e-6);
  if (writeLatencyMs.count === 0) return undefined;
  return { writeLatencyMs, readLatencyMs: distributionInPlace(readLatencies(), 1e-6) };
}

/**
 * The keys' samples as one, in history order (each key's are in that order already, and no two
 * reads share an invocation index: mergeByIndex), and the result from them. Each part is let go
 * once taken.
 */
const EMPTY = new Int32Array(0);

function fromClient(parts: (ClientSamples | undefined)[], nemesis: History['nemesis'], worst: KeyDelta | undefined, options: VisibilityOptions): CheckResult | Promise<CheckResult> {
  const n = parts.reduce((sum, p) => sum + p!.n, 0);
  // The latencies' distributions first, whatever their order: each part's let go once copied.
  const latencies = (column: 'writeLatency' | 'readLatency') => {
    const out = new Float64Array(n);
    let j = 0;
    for (const p of parts) {
      out.set(p![column], j);
      j += p!.n;
      p![column] = EMPTY;
    }
    return out;
  };
  const clientLegs = clientLegsOf(() => latencies('writeLatency'), () => latencies('readLatency'));
  const collected = new Samples(n, parts.some((p) => p!.at.length > 0));
  let noPriorWrite = 0;
  let overlappingExcluded = 0;
  for (const p of parts) {
    noPriorWrite += p!.noPriorWrite;
    overlappingExcluded += p!.overlappingExcluded;
  }
  // Each key's writes numbered anew, in the order met: as the whole history's pass numbers them.
  const units = parts.map((p) => new Int32Array(p!.writes).fill(-1));
  let unitCount = 0;
  mergeByIndex(
    parts.map((p) => p!.read),
    (part, at) => {
      const p = parts[part]!;
      const w = p.write[at]!;
      if (units[part]![w]! < 0) units[part]![w] = unitCount++;
      collected.add(p.t[at]!, p.ok[at] === 1, p.at.length > 0 ? p.at[at]! : 0, units[part]![w]!);
    },
    // A key whose reads are all taken: let go.
    (part) => {
      parts[part] = undefined;
      units[part] = EMPTY;
    },
  );
  return fromSamples(collected, nemesis, worst, { store: undefined, noPriorWrite, overlappingExcluded, clientLegs }, options);
}

/** The estimates of the samples (on the threads when the check has them), and the result. */
function fromSamples(
  collected: Samples,
  nemesis: History['nemesis'],
  worst: KeyDelta | undefined,
  c: Pick<Collected, 'store' | 'noPriorWrite' | 'overlappingExcluded' | 'clientLegs'>,
  options: VisibilityOptions,
): CheckResult | Promise<CheckResult> {
  const minBin = options.minBinSamples ?? 30;
  const resamples = options.resamples ?? 200;
  const seed = options.seed ?? 1;
  // Under faults the question is how much worse staleness gets: the same estimate for the reads
  // that began during a fault, and for the others.
  const periods = faultPeriods(nemesis);
  // The fault periods' sets first: the whole set takes the samples' own columns.
  const byPeriod = periods.length > 0 ? [collected.columns((at) => duringFault(periods, at)), collected.columns((at) => !duringFault(periods, at))] : [];
  const samples = collected.length;
  const sets = [collected.take(), ...byPeriod];
  const facts: Collected = { ...c, samples, faults: periods.length, minBin, resamples, seed };
  const threads = options.threads;
  if (!threads) return visibilityResult(worst, sets.map((s) => estimate(s, minBin, resamples, seed)), facts);
  const buffers = (columns: SampleColumns) => [columns.t.buffer, columns.ok.buffer, columns.unit.buffer];
  const size = threads.idle ?? 1;
  const whole = (columns: SampleColumns) => threads.run<Estimate>({ estimate: { columns, minBin, resamples, seed } } satisfies EstimateJob, buffers(columns));
  // Prepared on one thread, its resamples split over every thread (the same resamples as one thread's, in order).
  const split = async (columns: SampleColumns): Promise<Estimate> => {
    const prepared = await threads.run<Prepared | null>({ prepare: { columns, minBin } } satisfies EstimateJob, buffers(columns));
    if (!prepared) return noSamples();
    const per = Math.ceil(resamples / size);
    const ranges = Array.from({ length: size }, (_, k) => ({ from: k * per, count: Math.min(per, resamples - k * per) })).filter((r) => r.count > 0);
    const resampled = await Promise.all(ranges.map((r) => threads.run<Resampled>({ resample: { input: prepared.input, seed, ...r } } satisfies EstimateJob)));
    return completeFromRanges(prepared, resampled);
  };
  return Promise.all(sets.map(size > 1 && resamples >= size ? split : whole)).then((estimates) => visibilityResult(worst, estimates, facts));
}

/** What the result says besides the estimates. */
interface Collected {
  samples: number;
  store: { beforeAnyWrite: number } | undefined;
  noPriorWrite: number;
  overlappingExcluded: number;
  /** At the client, t holds the write's answer leg and the read's request leg: bounded by those ops' latencies, measured (count, p50, p90, p99, max, ms). */
  clientLegs: { writeLatencyMs: Distribution; readLatencyMs: Distribution } | undefined;
  faults: number;
  minBin: number;
  resamples: number;
  seed: number;
}

/** A worker thread's job (src/check/parallel/worker.ts): one estimate. */
/**
 * The jobs of the estimates on a worker thread: one whole, or prepared (what resample reads,
 * shared) and its resamples in ranges, on every thread at once.
 */
export type EstimateJob =
  | { estimate: { columns: SampleColumns; minBin: number; resamples: number; seed: number } }
  | { prepare: { columns: SampleColumns; minBin: number } }
  | { resample: { input: BootstrapInput; seed: number; from: number; count: number } };

/** The result from the estimates: of all reads, then (with faults) of those during them and outside. */
function visibilityResult(worst: KeyDelta | undefined, [e, ...byPeriod]: Estimate[], c: Collected): CheckResult {
  const { store, noPriorWrite, overlappingExcluded, minBin, resamples, seed, clientLegs } = c;
  const result: CheckResult = {
    // A measurement, not a judgement (stale-reads judges): never false, never unknown.
    valid: true,
    anomalies: [],
    samples: e!.samples,
    consistent: e!.consistent,
    consistentFraction: e!.samples > 0 ? round(e!.consistent / e!.samples) : null,
    writes: e!.writes,
    // Where t was measured: at the store (ground truth: the read's arrival − the write's commit,
    // exactly) or at the client (the read's invocation − the write's completion, legs included).
    tMeasuredAt: store ? 'store' : 'client',
    ...(clientLegs ? { clientLegs } : {}),
    readsBeforeAnyWrite: store ? store.beforeAnyWrite : noPriorWrite,
    overlappingExcluded,
    curve: e!.curve,
    windows: e!.windows,
    pAt0: e!.pAt0,
    pAt0Basis: e!.pAt0Basis,
    observedWindow: worst
      ? { deltaMs: worst.delta === Infinity ? null : toMs(worst.delta), key: worst.key, approximate: worst.approximate }
      : null,
    bootstrap: { resamples, seed, confidence: CONFIDENCE, minBinSamples: minBin, resampling: 'writes (Poisson weights)' },
  };
  if (e!.samples > 0) result.summary = summarizeWindows(e!, overlappingExcluded, store !== undefined);
  else if (overlappingExcluded === 0) result.reason = NO_SAMPLES;
  else result.reason = `no read followed a completed write to its key that overlapped no other write of the key (${count(overlappingExcluded, 'read')} of overlapping writes left out)`;
  const [during, outside] = byPeriod;
  if (during && outside) {
    const part = (p: Estimate) => ({ samples: p.samples, writes: p.writes, consistentFraction: p.samples > 0 ? round(p.consistent / p.samples) : null, windows: p.windows, curve: p.curve, pAt0: p.pAt0 });
    const byFault = { faults: c.faults, during: part(during), outside: part(outside) };
    result.byFault = byFault;
    const w = (x: { windows: Record<string, Window> }) => x.windows['99%']!;
    const show = (x: Window) => (x.ms !== null ? `${x.ms.toFixed(1)} ms` : x.atLeastMs !== undefined ? `> ${x.atLeastMs.toFixed(1)} ms` : 'not enough data');
    result.summary = `${result.summary ?? result.reason}; 99% window during faults ${show(w(byFault.during))} (${byFault.during.samples} reads), outside ${show(w(byFault.outside))} (${byFault.outside.samples} reads)`;
  }
  return result;
}

/** The samples as they are collected: columns, and when each read started (kept only for fault periods). */
class Samples {
  length = 0;
  private t: Float64Array<ArrayBuffer>;
  private ok: Uint8Array<ArrayBuffer>;
  private at: Float64Array<ArrayBuffer>;
  private unit: Int32Array<ArrayBuffer>;
  /** The writes (by invoke index, or the store's write ids) numbered in the order met. */
  private readonly units = new Map<number, number>();

  /** `keepAt`: whether to keep when each read began (only fault periods ask). */
  constructor(
    capacity: number,
    private readonly keepAt: boolean,
  ) {
    this.t = new Float64Array(capacity);
    this.ok = new Uint8Array(capacity);
    this.at = new Float64Array(keepAt ? capacity : 0);
    this.unit = new Int32Array(capacity);
  }

  /** `write`: a number that is the write's alone (its invoke index; at the store, its id). */
  push(t: number, consistent: boolean, at: number, write: number): void {
    let unit = this.units.get(write);
    if (unit === undefined) this.units.set(write, (unit = this.units.size));
    this.add(t, consistent, at, unit);
  }

  /** A sample whose write has its number already (`unit`: numbered from 0 in the order met). */
  add(t: number, consistent: boolean, at: number, unit: number): void {
    if (this.length === this.t.length) this.grow();
    const i = this.length++;
    this.t[i] = t;
    this.ok[i] = consistent ? 1 : 0;
    if (this.keepAt) this.at[i] = at;
    this.unit[i] = unit;
  }

  /** The samples whose start passes `keep`, as fresh columns. */
  columns(keep: (at: number) => boolean): SampleColumns {
    const kept: number[] = [];
    for (let i = 0; i < this.length; i++) if (keep(this.at[i]!)) kept.push(i);
    return { t: Float64Array.from(kept, (i) => this.t[i]!), ok: Uint8Array.from(kept, (i) => this.ok[i]!), unit: Int32Array.from(kept, (i) => this.unit[i]!) };
  }

  /** All the samples, as columns: its own when full (no copy of a big history's), and the samples are then emptied. */
  take(): SampleColumns {
    const full = this.length === this.t.length;
    const out = full ? { t: this.t, ok: this.ok, unit: this.unit } : { t: this.t.slice(0, this.length), ok: this.ok.slice(0, this.length), unit: this.unit.slice(0, this.length) };
    this.t = new Float64Array(0);
    this.ok = new Uint8Array(0);
    this.at = new Float64Array(0);
    this.unit = new Int32Array(0);
    this.length = 0;
    return out;
  }

  private grow(): void {
    const size = Math.max(16, this.t.length * 2);
    const grown = <A extends Float64Array<ArrayBuffer> | Uint8Array<ArrayBuffer> | Int32Array<ArrayBuffer>>(a: A, make: (n: number) => A): A => {
      const b = make(size);
      b.set(a);
      return b;
    };
    this.t = grown(this.t, (n) => new Float64Array(n));
    this.ok = grown(this.ok, (n) => new Uint8Array(n));
    if (this.keepAt) this.at = grown(this.at, (n) => new Float64Array(n));
    this.unit = grown(this.unit, (n) => new Int32Array(n));
  }
}

/**
 * "stale-read window from 5,210 reads of 412 writes: 99% of reads consistent after 42.1 ms
 * [95% CI 38.0, 47.3]; 99.9% after 88.0 ms [95% CI …]; all reads after 120.4 ms (3,200 reads of
 * 3,140 writes); P(consistent at t = 0) 66.7%". A level never reached is said as such, bounded by
 * the largest t observed, which no reported window exceeds.
 */
function summarizeWindows(e: Estimate, overlappingExcluded: number, atStore: boolean): string {
  const ms = (x: number | null) => (x === null ? '∞' : x.toFixed(1));
  const parts = Object.entries(e.windows).map(([level, w], i) => {
    if (w.ms !== null) {
      const what = level === '100%' ? 'all reads' : i === 0 ? `${level} of reads consistent` : level;
      const ci = w.ci95 && w.ci95[0] !== null ? ` [95% CI ${ms(w.ci95[0])}, ${ms(w.ci95[1])}]` : '';
      const basis = level === '100%' ? ` (${count(w.samples, 'read')} of ${count(w.writes, 'write')})` : '';
      return `${what} after ${ms(w.ms)} ms${ci}${basis}`;
    }
    return e.noFigure[level] ?? `${level}: ${w.reason ?? 'no figure'}`;
  });
  const left = overlappingExcluded > 0 ? `, ${count(overlappingExcluded, 'read')} of overlapping writes left out` : '';
  const p0 = e.pAt0 === null ? '' : `; P(consistent at t = 0) ${(e.pAt0 * 100).toFixed(1)}%`;
  const where = atStore ? ' (t at the store, from its ground truth)' : '';
  return `stale-read window${where} from ${count(e.samples, 'read')} of ${count(e.writes, 'write')}${left}: ${parts.join('; ')}${p0}`;
}
