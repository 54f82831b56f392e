import { FINAL_PHASE } from '../history/op-values.js';
import type { Recorder } from '../history/recorder.js';
import type { TargetClient } from '../targets/target.js';
import { sleep } from '../util/sleep.js';
import type { Workload } from '../../workloads/workload.js';
import { Performer, recordOp } from './perform.js';

export interface FinalPhaseOptions {
  workload: Workload;
  client: TargetClient;
  recorder: Recorder;
  /** Each worker's process number: the final reads are the workers' own (their sessions go on). */
  processes: number[];
  seed: number;
  keys: number;
  /** How long to leave the store alone before the final reads. */
  quiesceMs: number;
  /** Give up waiting for the workers to agree after this long. */
  convergeTimeoutMs: number;
  opTimeoutMs: number;
  stop: AbortSignal;
}

export interface FinalPhaseOutcome {
  /** Every worker read the same value of every key in the last round. */
  converged: boolean;
  rounds: number;
  interrupted: boolean;
}

/**
 * The end of a run: wait quietly, then every worker reads every key, round after round, until
 * all workers read the same value of each key (or the time runs out). Lost writes and a store
 * that never converges show up in these reads; the lost-writes checker reads them from the
 * history, from the "final-phase" event on.
 */
export async function runFinalPhase(o: FinalPhaseOptions): Promise<FinalPhaseOutcome> {
  const reads = o.workload.finalReads?.({ seed: o.seed, keys: o.keys }, () => o.recorder.keysUsed()) ?? [];
  try {
    await sleep(o.quiesceMs, o.stop);
  } catch {
    return { converged: false, rounds: 0, interrupted: true };
  }
  o.recorder.event('nemesis', 'info', FINAL_PHASE, undefined, { quiesceMs: o.quiesceMs });
  const performer = new Performer(o.workload, o.client, o.opTimeoutMs, o.stop);
  const deadline = o.recorder.now() + o.convergeTimeoutMs * 1e6;
  let rounds = 0;
  try {
    for (;;) {
      rounds++;
      const seen = o.processes.map(() => new Map<string, string>());
      await Promise.all(
        o.processes.map(async (process, w) => {
          for (const op of reads) {
            if (o.stop.aborted) return;
            const outcome = await recordOp(o.recorder, performer, process, op);
            // A failed read agrees with nothing: its key is read again next round.
            seen[w]!.set(op.key ?? '', outcome.type === 'ok' ? JSON.stringify(outcome.value ?? null) : `\u0000${w}`);
          }
        }),
      );
      if (o.stop.aborted) return { converged: false, rounds, interrupted: true };
      if (reads.every((op) => new Set(seen.map((m) => m.get(op.key ?? ''))).size === 1)) return { converged: true, rounds, interrupted: false };
      if (o.recorder.now() >= deadline) return { converged: false, rounds, interrupted: false };
      await sleep(100, o.stop).catch(() => {});
    }
  } finally {
    performer.dispose();
  }
}
