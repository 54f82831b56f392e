import type { OpenTarget } from '../targets/target.js';
import type { Random } from '../util/random.js';
import type { FaultProxy } from './proxy.js';

/** What a fault can act on. */
export interface NemesisContext {
  /** The TCP proxy between the workers and the target, when a network fault asked for one. */
  proxy?: FaultProxy;
  /** For faults that split the workers: the proxy only the cut-off group goes through, and who is in it. */
  cutOff?: { proxy: FaultProxy; workers: number[] };
  target: OpenTarget;
  random: Random;
}

/**
 * One kind of fault. The schedule starts and stops it; each start and stop is recorded in the
 * history as an event of process "nemesis" (start-<name> / stop-<name>), which checkers ignore
 * except to report.
 */
export interface Nemesis {
  readonly name: string;
  /** One line for --help. */
  readonly description: string;
  /** Network faults act through a proxy that must stand in front of the target from the start. */
  readonly needsProxy: boolean;
  /** Acts on some workers only: they reach the target through a proxy of their own (ctx.cutOff). */
  readonly splitsWorkers?: boolean;
  /** Why this fault cannot act on this target, or undefined when it can. */
  unavailable(target: OpenTarget): string | undefined;
  /** Starts the fault; returns what to record about it (which node, what latency…). */
  start(ctx: NemesisContext): Promise<Record<string, unknown>>;
  /** Heals it. */
  stop(ctx: NemesisContext): Promise<void>;
}
