import type { OpenTarget, ProcessControl } from '../../targets/target.js';
import type { Nemesis, NemesisContext } from '../nemesis.js';
import { clusterNodes, docker } from '../docker.js';

/** How a node fault acts on one node, and undoes it. */
interface NodeAction {
  /** On a node of a cluster objcheck started (a Ceph OSD): its process. */
  own(node: ProcessControl): Promise<void> | void;
  ownUndo(node: ProcessControl): Promise<void> | void;
  /** On a container of a docker compose cluster. */
  docker: string[];
  dockerUndo: string;
}

/**
 * A fault on one node of a cluster, chosen by the seeded generator, undone on the same node when
 * the fault heals: the target's own nodes when it started the cluster (rgw --start), else the
 * containers of a docker compose cluster.
 */
function nodeFault(name: string, description: string, action: NodeAction): Nemesis {
  let current: { name: string; undo: () => Promise<void> | void } | undefined;
  const dockerNodes = (target: OpenTarget) => (target.nodes && target.nodes.size > 0 ? undefined : clusterNodes());
  return {
    name,
    description,
    needsProxy: false,
    unavailable: (target) => {
      const c = dockerNodes(target);
      return c && 'why' in c ? c.why : undefined;
    },
    async start(ctx: NemesisContext) {
      const own = ctx.target.nodes;
      if (own && own.size > 0) {
        const names = [...own.keys()].sort();
        const node = names[ctx.random.int(names.length)]!;
        const control = own.get(node)!;
        await action.own(control);
        current = { name: node, undo: () => action.ownUndo(control) };
        return { node };
      }
      const c = clusterNodes();
      if ('why' in c) throw new Error(c.why);
      const node = c.nodes[ctx.random.int(c.nodes.length)]!;
      docker(...action.docker, node);
      current = { name: node, undo: () => docker(action.dockerUndo, node) };
      return { node, docker: action.docker[0] };
    },
    async stop() {
      const c = current;
      current = undefined;
      await c?.undo();
    },
  };
}

export const nodeStopNemesis = nodeFault(
  'node-stop',
  'kills one node of a cluster (a Ceph OSD with SIGKILL; a docker compose container with docker stop -t 0) and starts it again when the fault heals',
  { own: (n) => n.kill(), ownUndo: (n) => n.restart(), docker: ['stop', '-t', '0'], dockerUndo: 'start' },
);

export const nodePauseNemesis = nodeFault(
  'node-pause',
  'pauses one node of a cluster (a Ceph OSD with SIGSTOP; a container with docker pause) and resumes it when the fault heals',
  { own: (n) => n.pause(), ownUndo: (n) => n.resume(), docker: ['pause'], dockerUndo: 'unpause' },
);
