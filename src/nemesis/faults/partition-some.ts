import type { Nemesis } from '../nemesis.js';

/**
 * A partition that isolates some clients only: the first half of the workers reach the target
 * through a proxy of their own, which black-holes them, while the others go on through the
 * main one. Reads and writes of the survivors must stay linearizable, and what the cut-off
 * workers left behind (indeterminate writes) must be accounted for.
 */
export const partitionSomeNemesis: Nemesis = {
  name: 'partition-some',
  description: 'black-holes half of the workers (their own proxy) while the others still get through',
  needsProxy: true,
  splitsWorkers: true,
  unavailable: (target) => (target.connect ? undefined : 'it needs a target reached over HTTP that can open a second client (an S3-compatible target)'),
  async start(ctx) {
    ctx.cutOff!.proxy.set({ kind: 'blackhole' });
    return { kind: 'blackhole', workers: ctx.cutOff!.workers };
  },
  async stop(ctx) {
    ctx.cutOff!.proxy.set({ kind: 'pass' });
  },
};
