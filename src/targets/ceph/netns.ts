import { execFileSync } from 'node:child_process';
import type { NetworkControl } from '../target.js';

// A throwaway cluster's own network: each daemon in a network namespace of its own, joined to a
// bridge on the host by a veth pair, with addresses that exist only on that bridge (no route
// leads anywhere else). Partitions act on it as Jepsen's do on real hosts: a node's link taken
// down isolates it; blackhole routes inside the namespaces cut one group off from another.
// This kernel has no netem qdisc and no packet filter is installed, hence links and routes.

/** One daemon's place in the network. */
export interface NetNode {
  /** The daemon it holds: "mon", "osd.0", "rgw"… */
  name: string;
  /** Its namespace: run a command in it with `ip netns exec <ns> …`. */
  ns: string;
  ip: string;
  /** The host's end of its veth pair, on the bridge: down, the node is cut off. */
  hostLink: string;
}

export interface NetworkLayout {
  /** Marks every name it makes: the creating process's pid, for the sweep of a crashed run's. */
  owner: number;
  bridge: string;
  /** The host's address on the bridge: the workers reach radosgw from it. */
  hostIp: string;
  /** /24 */
  subnet: string;
  nodes: NetNode[];
}

/** Prefixes of what objcheck makes, ended by the owner's pid: `objcheck-<pid>-<node>`, `ocb<pid>`, `ocv<pid>n<i>`. */
const NS_PREFIX = 'objcheck-';
const BRIDGE_PREFIX = 'ocb';
const VETH_PREFIX = 'ocv';

/**
 * The names and addresses of a cluster's network, made by `owner` on `subnet` (a.b.c: the /24).
 * Link names are at most 15 characters (Linux's limit): pids have at most 7 digits.
 */
export function networkLayout(owner: number, subnet: string, names: readonly string[]): NetworkLayout {
  return {
    owner,
    bridge: `${BRIDGE_PREFIX}${owner}`,
    hostIp: `${subnet}.1`,
    subnet,
    nodes: names.map((name, i) => ({ name, ns: `${NS_PREFIX}${owner}-${name}`, ip: `${subnet}.${10 + i}`, hostLink: `${VETH_PREFIX}${owner}n${i}` })),
  };
}

/** The `ip` commands that make the layout, in order. */
export function createCommands(l: NetworkLayout): string[][] {
  const out: string[][] = [
    ['link', 'add', l.bridge, 'type', 'bridge'],
    ['addr', 'add', `${l.hostIp}/24`, 'dev', l.bridge],
    ['link', 'set', l.bridge, 'up'],
  ];
  l.nodes.forEach((n, i) => {
    const peer = `ocp${l.owner}n${i}`;
    out.push(
      ['netns', 'add', n.ns],
      ['link', 'add', n.hostLink, 'type', 'veth', 'peer', 'name', peer],
      ['link', 'set', peer, 'netns', n.ns],
      ['-n', n.ns, 'link', 'set', peer, 'name', 'eth0'],
      ['-n', n.ns, 'addr', 'add', `${n.ip}/24`, 'dev', 'eth0'],
      ['-n', n.ns, 'link', 'set', 'lo', 'up'],
      ['-n', n.ns, 'link', 'set', 'eth0', 'up'],
      ['link', 'set', n.hostLink, 'master', l.bridge],
      ['link', 'set', n.hostLink, 'up'],
    );
  });
  return out;
}

/**
 * The `ip` commands that remove it: each veth pair (by its host end), each namespace, then the
 * bridge. A namespace's veth pair would go with the namespace, but only once the kernel has
 * freed it, which waits for its last process to finish dying and then for the kernel's own
 * asynchronous cleanup (seconds under load; CI once saw the host ends outlive a 15 s wait).
 * Deleting the host end removes both ends at once.
 */
export function removeCommands(l: Pick<NetworkLayout, 'bridge' | 'nodes'>): string[][] {
  return [...l.nodes.map((n) => ['link', 'delete', n.hostLink]), ...l.nodes.map((n) => ['netns', 'delete', n.ns]), ['link', 'delete', l.bridge]];
}

/**
 * The `ip` commands that cut every node of `a` off from every node of `b` and back (`add`), or
 * heal that cut (`delete`): a blackhole route to each address of the other side, in each
 * namespace. Sends to it fail at once, as to a host whose route is gone; nothing else changes.
 */
export function splitCommands(a: readonly NetNode[], b: readonly NetNode[], verb: 'add' | 'delete'): string[][] {
  const out: string[][] = [];
  for (const [from, to] of [
    [a, b],
    [b, a],
  ] as const) {
    for (const x of from) for (const y of to) out.push(['-n', x.ns, 'route', verb, 'blackhole', `${y.ip}/32`]);
  }
  return out;
}

/** Runs `ip` with these arguments; a failure names the command and ip's own line. */
export function ip(args: readonly string[]): void {
  try {
    execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (err) {
    const e = err as { stderr?: Buffer; message: string };
    throw new Error(`ip ${args.join(' ')} failed: ${e.stderr?.toString().trim() || e.message}`);
  }
}

/** Runs every command, even after one fails (removal: take away all that can be). */
export function ipAll(commands: readonly string[][]): void {
  for (const c of commands) {
    try {
      ip(c);
    } catch {
      // already gone
    }
  }
}

/** A /24 of 10.213.0.0/16 that no interface of the host uses. */
export function freeSubnet(): string {
  const used = execFileSync('ip', ['-4', '-o', 'addr', 'show'], { encoding: 'utf8' });
  for (let c = 1; c < 255; c++) {
    const subnet = `10.213.${c}`;
    if (!used.includes(` ${subnet}.`)) return subnet;
  }
  throw new Error('no free /24 in 10.213.0.0/16 for the cluster network');
}

/** Why namespaces cannot be made here (not root, no `ip`), or undefined when they can. */
export function netnsUnavailable(): string | undefined {
  if (typeof process.getuid === 'function' && process.getuid() !== 0) return '--netns needs root (network namespaces, veth pairs and a bridge): run as root, or leave --netns out';
  try {
    execFileSync('ip', ['-V'], { stdio: 'ignore' });
  } catch {
    return '--netns needs the ip command (apt-get install -y iproute2)';
  }
  return undefined;
}

/** Is this pid a live process? */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes the namespaces and links that an earlier objcheck left when it died without cleaning
 * up (SIGKILL of it and its watchdog): those whose owner pid is no longer running. Returns what
 * it removed. The daemons in those namespaces die with their watchdog or are killed here.
 */
export function sweepStaleNetworks(): string[] {
  const removed: string[] = [];
  let namespaces = '';
  let links = '';
  try {
    namespaces = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' });
    links = execFileSync('ip', ['-o', 'link', 'show'], { encoding: 'utf8' });
  } catch {
    return removed;
  }
  const ownerOf = (name: string, prefix: string, end: RegExp): number | undefined => {
    if (!name.startsWith(prefix)) return undefined;
    const m = end.exec(name.slice(prefix.length));
    return m ? Number(m[1]) : undefined;
  };
  for (const line of namespaces.split('\n')) {
    const ns = line.split(' ')[0] ?? '';
    const owner = ownerOf(ns, NS_PREFIX, /^(\d+)-/);
    if (owner === undefined || alive(owner)) continue;
    killProcessesIn(ns);
    ipAll([['netns', 'delete', ns]]);
    removed.push(ns);
  }
  for (const line of links.split('\n')) {
    const name = /^\d+: ([^:@]+)/.exec(line)?.[1];
    if (!name) continue;
    const owner = ownerOf(name, BRIDGE_PREFIX, /^(\d+)$/) ?? ownerOf(name, VETH_PREFIX, /^(\d+)n\d+$/);
    if (owner === undefined || alive(owner)) continue;
    ipAll([['link', 'delete', name]]);
    removed.push(name);
  }
  return removed;
}

/** SIGKILL to every process in a namespace (`ip netns pids`). */
export function killProcessesIn(ns: string): void {
  let pids = '';
  try {
    pids = execFileSync('ip', ['netns', 'pids', ns], { encoding: 'utf8' });
  } catch {
    return;
  }
  for (const p of pids.split(/\s+/).filter(Boolean)) {
    try {
      process.kill(Number(p), 'SIGKILL');
    } catch {
      // gone
    }
  }
}

/** A made layout, with the cuts the network faults put in it and take out. */
export class ClusterNetwork implements NetworkControl {
  readonly nodes: readonly string[];
  private readonly splits: [NetNode[], NetNode[]][] = [];
  private readonly isolated = new Set<NetNode>();

  constructor(readonly layout: NetworkLayout) {
    this.nodes = layout.nodes.map((n) => n.name);
  }

  /** Makes the bridge, the namespaces and their links; on a failure removes what it made. */
  static create(layout: NetworkLayout): ClusterNetwork {
    try {
      for (const c of createCommands(layout)) ip(c);
    } catch (err) {
      ipAll(removeCommands(layout));
      throw err;
    }
    return new ClusterNetwork(layout);
  }

  node(name: string): NetNode {
    const n = this.layout.nodes.find((x) => x.name === name);
    if (!n) throw new Error(`no node ${name} in the cluster network (${this.nodes.join(', ')})`);
    return n;
  }

  split(a: readonly string[], b: readonly string[]): void {
    const cut: [NetNode[], NetNode[]] = [a.map((x) => this.node(x)), b.map((x) => this.node(x))];
    this.splits.push(cut);
    for (const c of splitCommands(cut[0], cut[1], 'add')) ip(c);
  }

  isolate(name: string): void {
    const n = this.node(name);
    this.isolated.add(n);
    ip(['link', 'set', n.hostLink, 'down']);
  }

  reconnect(name: string): void {
    const n = this.node(name);
    this.isolated.delete(n);
    ip(['link', 'set', n.hostLink, 'up']);
  }

  heal(): void {
    for (const [a, b] of this.splits.splice(0)) ipAll(splitCommands(a, b, 'delete'));
    for (const n of this.isolated) ipAll([['link', 'set', n.hostLink, 'up']]);
    this.isolated.clear();
  }

  /** Kills what still runs in the namespaces and removes them and the bridge. */
  remove(): void {
    for (const n of this.layout.nodes) killProcessesIn(n.ns);
    ipAll(removeCommands(this.layout));
  }
}
