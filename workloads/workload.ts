import type { CallOptions, TargetClient } from '../src/targets/target.js';

/** An operation to perform, as the generator made it and the history will record it. */
export interface OpSpec {
  f: string;
  key?: string;
  /** What the op writes (puts), recorded in the invoke event. */
  value?: unknown;
}

/**
 * Makes the operation sequence. It must be deterministic in its seed: the same seed gives the
 * same sequence of (f, key, value), whatever the timing of the run.
 */
/** plannedAt(): wait for an op in flight to end before asking again. */
export const AFTER_UPDATE = 'after-update';

export interface OpGenerator {
  /**
   * The next operation, or undefined when the workload has no more. `atMs`: when it is taken (and
   * invoked), in ms after the run's start, the clock of plannedAt and update: a planned op may be
   * taken late, and what it plans from its start must count from when it really started.
   */
  next(atMs?: number): OpSpec | undefined;
  /**
   * How an op the generator made ended (Jepsen's generator update). Only the measurement
   * workloads use it: what their reads see decides when the next change comes, so their
   * sequence depends on timing; the seed still decides everything else. `atMs`: when the op
   * ended, in ms after the run's start (the clock of plannedAt).
   */
  update?(op: OpSpec, outcome: { type: string; value?: unknown; atMs: number }): void;
  /**
   * Open loop at planned times (the pbs workload): when the op next() will return is due, in ms
   * after the run's start (when its workers began). The runner starts it no sooner, whichever
   * worker is free; an op is taken and invoked in the same tick as before, so the history's invoke order stays the
   * generator's. Undefined (or absent): start it as soon as a worker is free. AFTER_UPDATE:
   * nothing is planned yet, but an op in flight will plan more when its update() comes (the
   * runner waits for the next update, not taking next(), whose undefined means "no more").
   * `nowMs`: when it is asked, on the same clock: ops that became pointless by then may be
   * dropped (the pbs workload's gets that would land past their span).
   */
  plannedAt?(nowMs?: number): number | typeof AFTER_UPDATE | undefined;
}

export interface WorkloadOptions {
  seed: number;
  /** How many distinct keys to spread operations over. */
  keys: number;
  /** The cache workload: the Cache-Control max-age its writes carry, in seconds (default 1). */
  maxAge?: number;
  /** The pbs workload: reads are planned over this many ms after each write (default 1000). */
  lagSpanMs?: number;
}

/** The options of particular workloads (all but seed and keys): the runner passes them to the generator untouched. */
export type WorkloadTuning = Omit<WorkloadOptions, 'seed' | 'keys'>;

/** What `execute` gets besides the op: the per-op deadline and the run's --value-size. */
export interface ExecuteOptions extends CallOptions {
  /** Bytes of every value written (workloads/values.ts); a body is never shorter than its header. */
  valueSize: number;
}

/**
 * An op the same worker performs next, after a pause, before it takes another from the
 * generator: for protocols whose steps belong to one client (a lock's holder releases it).
 */
export interface FollowUp {
  op: OpSpec;
  afterMs: number;
}

export interface Workload {
  readonly name: string;
  /** One line for --help. */
  readonly description: string;
  /**
   * Every `f` of the client ops its histories hold: `objcheck check` refuses a history of this
   * workload with any other, rather than judge ops no checker of it understands.
   */
  readonly fs: ReadonlySet<string>;
  /**
   * Operations that change nothing: when one times out or errors it is recorded `fail`
   * (it proves nothing), whereas a write that may have happened is `info`.
   */
  readonly reads: ReadonlySet<string>;
  /** Names of the checkers (checkers/registry.ts) that analyse this workload's histories. */
  readonly checkers: readonly string[];
  /** The linearizable checker's model for these histories (default register). */
  readonly model?: string;
  generator(options: WorkloadOptions): OpGenerator;
  /** Why the target's client cannot run this workload (a capability it lacks), or undefined. */
  unsupported?(client: TargetClient): string | undefined;
  /**
   * The emulator's knobs that give it the capability this workload needs, turned on with these
   * values when `--target emulator` runs the workload without them (stated in the run's output
   * and run.json): flag names without dashes, `true` for a switch; readTarget for --read-target;
   * groundTruth for --ground-truth (the workload's checker then measures at the store).
   */
  readonly emulatorDefaults?: { readonly flags: Readonly<Record<string, string | true>>; readonly readTarget?: string; readonly groundTruth?: true };
  /**
   * Performs one operation and returns the value to record on `ok` (what a read saw).
   * Throws TargetError when the store answered with a failure or did not answer.
   */
  execute(client: TargetClient, op: OpSpec, options: ExecuteOptions): Promise<unknown>;
  /**
   * Optional: after an op completed ok with `value`, the op its worker must perform next (not
   * from the generator: its timing depends on the run, so the history's invoke order is the
   * generator's order plus these).
   */
  followUp?(op: OpSpec, value: unknown): FollowUp | undefined;
  /**
   * The reads of the final phase: one of every key the workload uses, for each worker to make.
   * `keysUsed()`: every key an op was invoked on, for a workload whose keys are not known ahead.
   */
  finalReads?(options: WorkloadOptions, keysUsed: () => ReadonlySet<string>): OpSpec[];
  /** Why it cannot be a part of a mix (`--mix` refuses it with this reason); absent: it can. */
  readonly runsAlone?: string;
}
