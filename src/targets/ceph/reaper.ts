// A watchdog in its own process: it is told the PIDs and the folder of a cluster we start, and
// when our end of its stdin closes (we exited, crashed or were killed with SIGKILL) it kills
// those PIDs and removes the folder and the cluster's network namespaces and links. Ceph daemons
// do not notice their parent dying; this does.
import { rmSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { ClusterNetwork, type NetworkLayout } from './netns.js';

const pids = new Set<number>();
const dirs = new Set<string>();
let network: NetworkLayout | undefined;

// Ctrl-C reaches the whole foreground process group; the cleanup must outlive it.
process.on('SIGINT', () => {});
process.on('SIGTERM', () => {});

createInterface({ input: process.stdin })
  .on('line', (line) => {
    const m = JSON.parse(line) as { pid?: number; gone?: number; dir?: string; removed?: string; network?: NetworkLayout | null };
    if (m.pid) pids.add(m.pid);
    if (m.gone) pids.delete(m.gone);
    if (m.dir) dirs.add(m.dir);
    if (m.removed) dirs.delete(m.removed);
    if (m.network !== undefined) network = m.network ?? undefined;
  })
  .on('close', () => {
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    // The namespaces' own processes too: a daemon started by one that has since died.
    if (network) new ClusterNetwork(network).remove();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    process.exit(0);
  });
