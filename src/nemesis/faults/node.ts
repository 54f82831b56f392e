import type { Nemesis, NemesisContext } from '../nemesis.js';
import { clusterNodes, docker } from '../docker.js';

/**
 * A fault on one node of a cluster run with docker compose: `act` on a node chosen by the seeded
 * generator, `undo` on the same node when the fault heals.
 */
function nodeFault(name: string, description: string, act: string, undo: string, actArgs: string[] = []): Nemesis {
  let current: string | undefined;
  return {
    name,
    description,
    needsProxy: false,
    unavailable: () => {
      const c = clusterNodes();
      return 'why' in c ? c.why : undefined;
    },
    async start(ctx: NemesisContext) {
      const c = clusterNodes();
      if ('why' in c) throw new Error(c.why);
      current = c.nodes[ctx.random.int(c.nodes.length)]!;
      docker(act, ...actArgs, current);
      return { node: current, docker: act };
    },
    async stop() {
      if (current) docker(undo, current);
      current = undefined;
    },
  };
}

export const nodeStopNemesis = nodeFault(
  'node-stop',
  'stops one container of a docker compose cluster (docker stop -t 0) and starts it again when the fault heals',
  'stop',
  'start',
  ['-t', '0'],
);

export const nodePauseNemesis = nodeFault('node-pause', 'pauses one container of a docker compose cluster (docker pause / unpause)', 'pause', 'unpause');
