import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { accessSync, constants, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { UserError } from '../../util/errors.js';
import { freePort } from '../../util/free-port.js';
import { sleep } from '../../util/sleep.js';
import { projectRoot } from '../../util/tool-info.js';
import { cephConf, monAddress } from './conf.js';
import { Daemon, type PidWatcher } from './daemon.js';
import { ClusterNetwork, freeSubnet, netnsUnavailable, networkLayout, sweepStaleNetworks, type NetworkLayout } from './netns.js';

const TOOLS = ['ceph-mon', 'ceph-mgr', 'ceph-osd', 'radosgw', 'ceph', 'radosgw-admin', 'monmaptool', 'ceph-authtool'];
export const CEPH_INSTALL = 'apt-get install -y radosgw ceph-mon ceph-mgr ceph-osd ceph-common';
const REAPER = join(projectRoot(), 'dist/src/targets/ceph/reaper.js');

/** The Ceph programs that are not on PATH (empty when a cluster can be started). */
export function missingCephTools(): string[] {
  const dirs = (process.env.PATH ?? '').split(delimiter).filter(Boolean);
  const onPath = (tool: string) =>
    dirs.some((d) => {
      try {
        accessSync(join(d, tool), constants.X_OK);
        return true;
      } catch {
        return false;
      }
    });
  return TOOLS.filter((t) => !onPath(t));
}

export interface CephClusterOptions {
  osds: number;
  /** Each daemon in a network namespace of its own, on a bridge objcheck makes (root only). */
  netns?: boolean;
  /** Called as each step begins ("monitor", "osd.1"…), for a progress line. */
  progress?: (step: string) => void;
}

export interface CephCluster {
  /** The S3 endpoint of its radosgw. */
  endpoint: string;
  /** The S3 user created for the run: held in memory only, never printed or stored. */
  credentials: { accessKeyId: string; secretAccessKey: string };
  dir: string;
  radosgw: Daemon;
  osds: Daemon[];
  /** How long the bring-up took, in ms. */
  startMs: number;
  /** With netns: the daemons' network, for the network faults. */
  network?: ClusterNetwork;
  /** Kills every daemon by PID and removes the folder. */
  stop(): Promise<void>;
}

/**
 * A throwaway Ceph cluster on this host, in a temporary folder: one monitor, one manager, 1 or 3
 * OSDs and a radosgw on a free loopback port, each our child process. The order is Ceph's own
 * bring-up (../shared/recipes/ceph-rgw.md); every daemon is killed and the folder removed on
 * stop, on a failed start, and by a watchdog process if we die first.
 */
export async function startCephCluster(o: CephClusterOptions): Promise<CephCluster> {
  const missing = missingCephTools();
  if (missing.length > 0) throw new UserError(`Ceph is not installed (missing ${missing.join(', ')}): ${CEPH_INSTALL}`);
  if (o.netns) {
    const why = netnsUnavailable();
    if (why) throw new UserError(why);
    // What a run killed with its watchdog (SIGKILL of the process group) left behind.
    sweepStaleNetworks();
  }
  const began = Date.now();
  const dir = mkdtempSync(join(tmpdir(), 'objcheck-ceph-'));
  const reaper = startReaper(dir);
  const daemons: Daemon[] = [];
  let network: ClusterNetwork | undefined;
  const stop = async () => {
    await Promise.all(daemons.map((d) => d.kill()));
    network?.remove();
    rmSync(dir, { recursive: true, force: true });
    reaper.close(dir);
  };
  try {
    const names = ['mon', 'mgr', ...Array.from({ length: o.osds }, (_, i) => `osd.${i}`), 'rgw'];
    if (o.netns) {
      const layout = networkLayout(process.pid, freeSubnet(), names);
      // Told first: if we die while making it, the watchdog still removes it.
      reaper.network(layout);
      network = ClusterNetwork.create(layout);
    }
    // On a network of its own each daemon has an address to itself: Ceph's usual ports.
    const [v2, v1, rgwPort] = network ? [3300, 6789, 8000] : [await freePort(), await freePort(), await freePort()];
    const fsid = randomUUID();
    const conf = join(dir, 'ceph.conf');
    const c = ['-c', conf];
    for (const sub of ['mon', 'mgr', 'run', 'log', 'rgw']) mkdirSync(join(dir, sub));
    const at = (name: string) => network?.node(name);
    const net = network ? { monIp: at('mon')!.ip, rgwIp: at('rgw')!.ip, cidr: `${network.layout.subnet}.0/24` } : undefined;
    writeFileSync(conf, cephConf({ dir, fsid, osds: o.osds, monPorts: { v2, v1 }, rgwPort, ...(net ? { network: net } : {}) }));
    /** `node` names its place in the network: the daemon runs in that namespace. */
    const daemon = async (name: string, node: string, command: string, args: string[], ready?: Daemon['spec']['ready']) => {
      o.progress?.(name);
      const ns = at(node)?.ns;
      const spec = ns ? { name, command: 'ip', args: ['netns', 'exec', ns, command, ...c, ...args], ready } : { name, command, args: [...c, ...args], ready };
      const d = new Daemon(spec, reaper);
      daemons.push(d);
      await d.start();
      return d;
    };

    await tool('ceph-authtool', ['--create-keyring', join(dir, 'keyring'), '--gen-key', '-n', 'mon.', '--cap', 'mon', 'allow *']);
    await tool('monmaptool', ['--create', '--addv', 'a', monAddress({ v2, v1 }, net?.monIp), '--fsid', fsid, join(dir, 'monmap')]);
    await tool('ceph-mon', [...c, '--mkfs', '-i', 'a', '--monmap', join(dir, 'monmap'), '--keyring', join(dir, 'keyring')]);
    // `ceph -s` blocks until the monitor answers: that is the readiness check.
    await daemon('monitor', 'mon', 'ceph-mon', ['-i', 'a'], () => tool('ceph', [...c, '--connect-timeout', '60', '-s']).then(() => undefined));
    await daemon('manager', 'mgr', 'ceph-mgr', ['-i', 'x']);
    const ids: string[] = [];
    for (let i = 0; i < o.osds; i++) {
      const uuid = randomUUID();
      const id = (await tool('ceph', [...c, 'osd', 'new', uuid])).trim();
      mkdirSync(join(dir, `osd${id}`));
      ids.push(id);
      o.progress?.(`osd.${id} (mkfs)`);
      await tool('ceph-osd', [...c, '-i', id, '--mkfs', '--osd-uuid', uuid]);
    }
    const osds: Daemon[] = [];
    for (const id of ids) osds.push(await daemon(`osd.${id}`, `osd.${id}`, 'ceph-osd', ['-i', id]));
    const endpoint = `http://${net?.rgwIp ?? '127.0.0.1'}:${rgwPort}`;
    const radosgw = await daemon('radosgw', 'rgw', 'radosgw', ['-n', 'client.rgw.a'], () => answers(endpoint, 120_000, 'radosgw'));
    o.progress?.('S3 user');
    const credentials = { accessKeyId: randomKey(20), secretAccessKey: randomKey(40) };
    await tool('radosgw-admin', [...c, 'user', 'create', '--uid', 'objcheck', '--display-name', 'objcheck', '--access-key', credentials.accessKeyId, '--secret', credentials.secretAccessKey]);
    return { endpoint, credentials, dir, radosgw, osds, startMs: Date.now() - began, stop, ...(network ? { network } : {}) };
  } catch (err) {
    const why = err instanceof UserError ? err : new Error(`starting Ceph failed: ${(err as Error).message}${logTail(dir)}`);
    await stop();
    throw why;
  }
}

/** Runs a Ceph tool to completion; its failure names it and its last line of output. */
function tool(command: string, args: string[], timeoutMs = 90_000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { timeout: timeoutMs, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      if (!err) return resolve(stdout);
      const last = `${stderr}`.trim().split('\n').at(-1) || err.message;
      reject(new Error(`${command} ${args.filter((a) => !a.startsWith('/') && a !== '-c').slice(0, 3).join(' ')} failed: ${last}`));
    });
  });
}

/** Resolves once the URL gives any HTTP answer. */
async function answers(url: string, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const r = await fetch(url, { signal: AbortSignal.timeout(2000) });
      await r.body?.cancel();
      return;
    } catch {
      if (Date.now() > deadline) throw new Error(`${what} did not answer at ${url} within ${timeoutMs / 1000} s`);
      await sleep(100);
    }
  }
}

function randomKey(length: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  return Array.from(randomBytes(length), (b) => alphabet[b % alphabet.length]).join('');
}

/** The end of the daemons' logs, for an error that would otherwise say little. */
function logTail(dir: string): string {
  for (const name of ['client.rgw.a.log', 'osd.0.log', 'mon.a.log']) {
    try {
      const lines = readFileSync(join(dir, 'log', name), 'utf8').trim().split('\n');
      return ` (${name}: ${lines.at(-1)})`;
    } catch {
      // no such log yet
    }
  }
  return '';
}

/** The watchdog of reaper.ts, told of every daemon we start and stop. */
function startReaper(dir: string): PidWatcher & { network(layout: NetworkLayout): void; close(removed: string): void } {
  const child: ChildProcess = spawn(process.execPath, [REAPER], { stdio: ['pipe', 'ignore', 'ignore'], detached: true });
  const send = (m: object) => {
    if (child.stdin?.writable) child.stdin.write(`${JSON.stringify(m)}\n`);
  };
  send({ dir });
  // It must not keep us alive: when we exit, its stdin closes and it does its work.
  child.unref();
  (child.stdin as unknown as { unref?: () => void }).unref?.();
  return {
    started: (pid) => send({ pid }),
    exited: (gone) => send({ gone }),
    network: (layout) => send({ network: layout }),
    close(removed) {
      send({ removed, network: null });
      child.stdin?.end();
    },
  };
}
