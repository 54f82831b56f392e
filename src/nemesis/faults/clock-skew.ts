import type { Nemesis } from '../nemesis.js';

/**
 * The coordinators' clocks disagree by up to half a second: last-writer-wins then orders a later
 * write before an earlier one, and the later one is lost. A real class of bug.
 */
export const clockSkewNemesis: Nemesis = {
  name: 'clock-skew',
  description: "skews the emulator's coordinator clocks by up to ±500 ms (last-writer-wins then loses writes)",
  needsProxy: false,
  unavailable: (target) => (target.internal && target.internal.coordinators > 1 ? undefined : 'it needs the emulator with --consistency quorum and several coordinators (--clock-skew=0,0)'),
  async start(ctx) {
    const ms = Array.from({ length: ctx.target.internal!.coordinators }, () => Math.round((ctx.random.next() * 2 - 1) * 500));
    await ctx.target.internal!.setClockSkews(ms);
    return { skewsMs: ms };
  },
  async stop(ctx) {
    await ctx.target.internal!.resetClockSkews();
  },
};
