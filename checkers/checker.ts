import type { GroundTruthEvent } from '../src/history/ground-truth.js';
import type { History } from '../src/history/event.js';
import type { Evidence } from './evidence.js';

/** true: no anomaly; false: anomalies found; 'unknown': the checker could not decide. */
export type Validity = true | false | 'unknown';

/**
 * One anomaly: data first (kind, key, the ops involved as invoke indices into the history, the
 * evidence), then one sentence for people made from the evidence (checkers/explain.ts), so the
 * CLI summary, JUnit and the report say the same thing. Checkers make it with `toAnomaly`.
 */
export interface Anomaly {
  kind: string;
  key?: string;
  /** Invoke-event indices of the ops involved, in the order the explanation names them. */
  ops: number[];
  /** The evidence's sentence (explain.ts), kept in results.json for readers without this code. */
  explanation: string;
  /** What the checker found, as data. Every checker sets it; only results.json written before it existed lacks it. */
  evidence?: Evidence;
  /** Set by a baseline (src/check/baseline.ts), not by checkers: why this deviation is known. */
  known?: string;
}

export interface CheckResult {
  valid: Validity;
  anomalies: Anomaly[];
  /** Why the verdict is unknown, when it is. */
  reason?: string;
  /** The key figures in one line, for the CLI summary and the report header. */
  summary?: string;
  /** Checker-specific figures (counts, windows…), JSON-serialisable. */
  [extra: string]: unknown;
}

export interface CheckOptions {
  /** Stop after this many anomalies; the rest are counted, not listed. */
  maxAnomalies?: number;
  /**
   * What the target recorded of itself, on the history's clock (the emulator's ground truth),
   * when the run has it: measuring checkers (visibility) then take their times at the store.
   */
  groundTruth?: readonly GroundTruthEvent[];
  /**
   * Worker threads a checker may hand pure work to (the jobs of src/check/parallel/worker.ts),
   * when the check has them (a big file): its answer then comes later, figures unchanged.
   */
  threads?: JobRunner;
}

/** Runs one job on another thread; `transfer`: buffers moved there, not copied (unusable here after). */
export interface JobRunner {
  run<T>(message: object, transfer?: ArrayBuffer[]): Promise<T>;
  /**
   * How many threads are free for this work now (absent: one, the others busy with other
   * checkers' jobs): work worth splitting is split that many ways.
   */
  readonly idle?: number;
}

/**
 * How a checker whose result is made from each key's alone runs key by key: on threads, over a
 * history too big to hold whole (src/cli/check-file.ts). `keyPart` gets a history of one key's
 * ops (in invocation order; no events; the nemesis events all there) and gives what crosses back from the
 * thread (structured-cloneable); `merge` takes every key's part, in any order, and gives what
 * `check` gives over the whole history, figure for figure.
 */
export interface ByKey<P = unknown, Q = unknown, A = unknown> {
  keyPart(history: History, options: CheckOptions): P;
  /**
   * When a part cannot be finished from its key alone: what to ask every key once more, made
   * from the parts (undefined: nothing to ask), and a key's answer (cloneable, as parts are).
   */
  question?(parts: P[], options: CheckOptions): Q | undefined;
  answer?(history: History, question: Q): A;
  /**
   * About how many bytes its parts hold an op of the history until merged, when that grows with
   * the ops (a part per read), and how many more its merge makes while it runs (the merges run
   * one at a time): the check counts them against --max-memory. Absent: a few a key.
   */
  bytesPerOp?: number;
  mergeBytesPerOp?: number;
  /**
   * It measures at the store when the run has a ground truth, which only the whole check reads:
   * a run that has one is not checked key by key (unknown, saying so).
   */
  readsGroundTruth?: boolean;
  /** `outline`: the history's nemesis events (its ops are not all there); `answers`: every key's, when asked. */
  merge(parts: P[], options: CheckOptions, outline: History, answers?: A[]): CheckResult | Promise<CheckResult>;
}

/** A checker is pure: history in, verdict out. */
export interface Checker {
  readonly name: string;
  /** One line for --help and reports. */
  readonly description: string;
  check(history: History, options?: CheckOptions): CheckResult | Promise<CheckResult>;
  /**
   * It hands its work to `options.threads` when given: started before the others, so that the
   * work goes on there while this thread runs them.
   */
  readonly handsOff?: boolean;
  /** Set when its result is made from each key's alone (see ByKey). */
  readonly byKey?: ByKey<any>;
}

/**
 * `check` and `byKey` of a checker whose whole pass is the merge of every key's part: `parts`
 * gives a history's (one a key, or one of its one key), `result` makes the result of any keys'
 * parts, taken in any order. One pass for both, so the two cannot drift apart.
 */
export function mergedKeyParts<P>(parts: (history: History, max: number) => P[], result: (parts: P[], max: number) => CheckResult): { check(history: History, options?: CheckOptions): CheckResult; byKey: ByKey<P[]> } {
  const max = (options: CheckOptions = {}) => options.maxAnomalies ?? 100;
  return {
    check: (history, options) => result(parts(history, max(options)), max(options)),
    byKey: { keyPart: (history, options) => parts(history, max(options)), merge: (got, options) => result(got.flat(), max(options)) },
  };
}

/** Folds verdicts: any false is false; otherwise any unknown is unknown. */
export function combineValidity(vs: Iterable<Validity>): Validity {
  let out: Validity = true;
  for (const v of vs) {
    if (v === false) return false;
    if (v === 'unknown') out = 'unknown';
  }
  return out;
}
