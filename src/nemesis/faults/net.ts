import type { NetworkControl, OpenTarget } from '../../targets/target.js';
import type { Random } from '../../util/random.js';
import type { Nemesis, NemesisContext } from '../nemesis.js';

// Partitions between the daemons of a cluster on a network of our own (rgw --start --netns), as
// Jepsen cuts the network between real nodes: the workers stay on the host side and reach the
// gateway as before; what changes is which daemons can reach which.

const unavailable = (target: OpenTarget): string | undefined =>
  target.network ? undefined : 'it needs a cluster on a network of its own: --target rgw --start --netns (root)';

/** A random non-empty proper subset of `xs`, in their order. */
function someOf<T>(xs: readonly T[], random: Random): T[] {
  for (;;) {
    const picked = xs.filter(() => random.next() < 0.5);
    if (picked.length > 0 && picked.length < xs.length) return picked;
  }
}

/**
 * One of Jepsen's partition shapes, drawn by the seeded generator: one daemon isolated (its link
 * down: it reaches nothing), one OSD and the monitor cut off from the rest (the monitor then
 * hears from a minority), or two random halves. Returns what to record.
 */
function cut(net: NetworkControl, random: Random): Record<string, unknown> {
  const nodes = net.nodes;
  const osds = nodes.filter((n) => n.startsWith('osd.'));
  const shape = random.int(3);
  if (shape === 0) {
    const node = nodes[random.int(nodes.length)]!;
    net.isolate(node);
    return { shape: 'isolate', node };
  }
  const osdAndMonitor = shape === 1 && osds.length > 0;
  const a = osdAndMonitor ? ['mon', osds[random.int(osds.length)]!] : someOf(nodes, random);
  const b = nodes.filter((n) => !a.includes(n));
  net.split(a, b);
  return { shape: osdAndMonitor ? 'osd-and-monitor' : 'halves', a, b };
}

export const netPartitionNemesis: Nemesis = {
  name: 'net-partition',
  description: 'partitions the daemons of a cluster on its own network (rgw --start --netns): one isolated, one OSD and the monitor from the rest, or random halves; heals by undoing the cut',
  needsProxy: false,
  unavailable,
  async start(ctx: NemesisContext) {
    return cut(ctx.target.network!, ctx.random);
  },
  async stop(ctx: NemesisContext) {
    ctx.target.network!.heal();
  },
};

/** How often a flaky network changes, ms. */
const FLAP_MS = 500;

let flapping: ReturnType<typeof setInterval> | undefined;

export const netFlakyNemesis: Nemesis = {
  name: 'net-flaky',
  description: `takes the links of random daemons of a cluster on its own network (rgw --start --netns) down and up again, every ${FLAP_MS} ms while it lasts`,
  needsProxy: false,
  unavailable,
  async start(ctx: NemesisContext) {
    const net = ctx.target.network!;
    const down = new Set<string>();
    // A link's state, not a simulated outcome, changes on the timer: the store sees real loss.
    flapping = setInterval(() => {
      const node = net.nodes[ctx.random.int(net.nodes.length)]!;
      try {
        if (down.delete(node)) net.reconnect(node);
        else {
          down.add(node);
          net.isolate(node);
        }
      } catch {
        // The cluster is being torn down under it: stop() follows.
      }
    }, FLAP_MS);
    // Never what keeps a run's process alive: stop() ends it, or the cluster goes with the run.
    flapping.unref();
    return { everyMs: FLAP_MS };
  },
  async stop(ctx: NemesisContext) {
    clearInterval(flapping);
    flapping = undefined;
    ctx.target.network!.heal();
  },
};
