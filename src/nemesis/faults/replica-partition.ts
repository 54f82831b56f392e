import type { Nemesis } from '../nemesis.js';

/** Some replicas of the store lose touch with the coordinators: writes stop reaching them. */
export const replicaPartitionNemesis: Nemesis = {
  name: 'replica-partition',
  description: 'cuts 1 to N-1 replicas of the emulator (quorum model) off from its coordinators; healing delivers what was held',
  needsProxy: false,
  unavailable: (target) => (target.internal && target.internal.replicas > 1 ? undefined : 'it needs the emulator with --consistency quorum and at least 2 replicas'),
  async start(ctx) {
    const n = ctx.target.internal!.replicas;
    // A random non-empty proper subset: someone is always left to serve.
    const count = 1 + ctx.random.int(n - 1);
    const ids = Array.from({ length: n }, (_, i) => i)
      .map((i) => ({ i, r: ctx.random.next() }))
      .sort((a, b) => a.r - b.r)
      .slice(0, count)
      .map((x) => x.i)
      .sort((a, b) => a - b);
    await ctx.target.internal!.partitionReplicas(ids);
    return { replicas: ids };
  },
  async stop(ctx) {
    await ctx.target.internal!.healPartitions();
  },
};
