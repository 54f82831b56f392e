import type { Recorder } from '../history/recorder.js';
import { Random } from '../util/random.js';
import { sleep } from '../util/sleep.js';
import type { Nemesis, NemesisContext } from './nemesis.js';

export interface ScheduleOptions {
  nemeses: readonly Nemesis[];
  ctx: Omit<NemesisContext, 'random'>;
  recorder: Recorder;
  /** Fault and heal periods alternate, each this long. */
  intervalMs: number;
  seed: number;
  /** Aborted when the workload ends: the schedule heals what is active and returns. */
  stop: AbortSignal;
}

/**
 * Heal, fault, heal, fault…: after each quiet period one fault for one period, in rounds: each
 * round runs every fault once, in an order the seeded generator shuffles, so that every fault
 * named gets its turn. Every start and stop is an event of process "nemesis" in the history, with
 * what the fault did as its value. Returns once everything is healed.
 */
export async function runSchedule(o: ScheduleOptions): Promise<number> {
  const random = new Random(o.seed ^ 0x5eed);
  const ctx: NemesisContext = { ...o.ctx, random };
  let faults = 0;
  let round: Nemesis[] = [];
  for (;;) {
    try {
      await sleep(o.intervalMs, o.stop);
    } catch {
      return faults;
    }
    if (round.length === 0) round = shuffled(o.nemeses, random);
    const nemesis = round.pop()!;
    const details = await nemesis.start(ctx);
    faults++;
    o.recorder.event('nemesis', 'info', `start-${nemesis.name}`, undefined, details);
    try {
      await sleep(o.intervalMs, o.stop);
    } catch {
      // The workload ended during the fault: heal now, before the final phase.
    } finally {
      await nemesis.stop(ctx);
      o.recorder.event('nemesis', 'info', `stop-${nemesis.name}`);
    }
    if (o.stop.aborted) return faults;
  }
}

function shuffled<T>(items: readonly T[], random: Random): T[] {
  const a = [...items];
  for (let i = a.length - 1; i > 0; i--) {
    const j = random.int(i + 1);
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}
