import type { OpGenerator, OpSpec } from './workload.js';

/** What a probe's outcome says about the change in force. */
export type Shows = (change: OpSpec, outcome: { type: string; value?: unknown }) => boolean;

export interface PhaseOptions {
  /** Ops made once, before the first change (the object the probes read). */
  setup: OpSpec[];
  /** The i-th change (0, 1, 2 …): each starts a phase. */
  change(i: number): OpSpec;
  /** The op every other worker makes meanwhile: a read that shows which state is in force. */
  probe(): OpSpec;
  /** Whether a probe's outcome shows the current change in force. */
  shows: Shows;
  /**
   * Once a probe made after the change completed has shown it, probing goes on this long
   * before the next change, so that a late answer in the old state (a store that flaps between
   * caches) is seen too. 0 starts the next change at once (the cache workload relies on that).
   */
  holdMs: number;
  /** A phase ends after this long even if no probe showed the change: that window is censored. */
  maxPhaseMs: number;
}

interface Phase {
  op: OpSpec;
  issuedAt: number;
  completedAt?: number;
  /** When the probe that first showed the change (with no old answer since) was issued. */
  shownSince?: number;
  over: boolean;
}

/**
 * The generator of the measurement workloads: a change, then probes until they show it (and a
 * hold), then the next change. Phases adapt to what the probes see, so that a 50 ms window and a
 * 3-minute one are both measured without a knob; the checkers judge from the history alone.
 */
export function phasedGenerator(o: PhaseOptions, now: () => number = () => performance.now()): OpGenerator {
  const setup = [...o.setup];
  const issued = new WeakMap<OpSpec, number>();
  let changes = 0;
  let phase: Phase | undefined;

  const phaseOver = (p: Phase, t: number): boolean =>
    p.over || t - p.issuedAt >= o.maxPhaseMs || (p.shownSince !== undefined && t - p.shownSince >= o.holdMs);

  return {
    next(): OpSpec {
      if (setup.length > 0) return setup.shift()!;
      const t = now();
      if (!phase || phaseOver(phase, t)) {
        phase = { op: o.change(changes++), issuedAt: t, over: false };
        return phase.op;
      }
      const probe = o.probe();
      issued.set(probe, t);
      return probe;
    },
    update(op, outcome) {
      const p = phase;
      if (!p) return;
      if (op === p.op) {
        // A change that failed or may not have happened has nothing to wait for.
        if (outcome.type === 'ok') p.completedAt = now();
        else p.over = true;
        return;
      }
      const at = issued.get(op);
      if (at === undefined || p.completedAt === undefined || at < p.completedAt || outcome.type !== 'ok') return;
      if (o.shows(p.op, outcome)) {
        if (p.shownSince === undefined || at < p.shownSince) p.shownSince = at;
      } else if (p.shownSince !== undefined && at > p.shownSince) {
        p.shownSince = undefined;
      }
    },
  };
}
