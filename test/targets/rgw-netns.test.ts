import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readHistory } from '../../src/history/read.js';
import { CEPH_INSTALL, missingCephTools } from '../../src/targets/ceph/cluster.js';
import { createCommands, ip, networkLayout, sweepStaleNetworks } from '../../src/targets/ceph/netns.js';
import { eventually, objcheck, processesUsing, type CliRun } from '../helpers/cluster-cli.js';

// A Ceph cluster whose daemons each live in a network namespace of their own, partitioned as
// Jepsen partitions real hosts. It needs root (namespaces, veth, a bridge) and Ceph: CI has both
// (.ci/run); elsewhere these tests skip and say why.
const root = process.getuid?.() === 0;
const missing = missingCephTools();
const whyNot = !root ? 'not root (network namespaces need it)' : missing.length > 0 ? `Ceph is not installed (${CEPH_INSTALL})` : undefined;
if (whyNot) console.warn(`skipping the Ceph network-namespace tests: ${whyNot}`);

const cli = resolve(import.meta.dirname, '../../dist/src/cli/main.js');

/** What of a run's network is left: its namespaces, links and processes. */
function leftOver(r: CliRun): string[] {
  const ns = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' })
    .split('\n')
    .filter((l) => l.startsWith(`objcheck-${r.pid}-`));
  const links = execFileSync('ip', ['-o', 'link', 'show'], { encoding: 'utf8' })
    .split('\n')
    .filter((l) => new RegExp(`: oc[bvp]${r.pid}(n\\d+)?[:@]`).test(l));
  return [...ns, ...links, ...processesUsing(r.tmp)];
}

describe.skipIf(!root)('the network of a cluster: made, cut and removed', () => {
  it('sweeps namespaces and links whose owner process is gone, and only those', () => {
    // A pid that was, and is no more.
    const gone = spawnSync('true').pid!;
    const stale = networkLayout(gone, '10.213.250', ['a']);
    const live = networkLayout(process.pid, '10.213.251', ['b']);
    for (const c of [...createCommands(stale), ...createCommands(live)]) ip(c);
    try {
      const removed = sweepStaleNetworks();
      expect(removed).toEqual(expect.arrayContaining([`objcheck-${gone}-a`, `ocb${gone}`]));
      expect(removed.some((x) => x.includes(String(process.pid)))).toBe(false);
      const ns = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' });
      expect(ns).not.toContain(`objcheck-${gone}-a`);
      expect(ns).toContain(`objcheck-${process.pid}-b`);
    } finally {
      for (const c of [['netns', 'delete', `objcheck-${process.pid}-b`], ['link', 'delete', `ocb${process.pid}`], ['netns', 'delete', `objcheck-${gone}-a`], ['link', 'delete', `ocb${gone}`]]) spawnSync('ip', c);
    }
  });

  it('--netns without root: one line saying so, exit 3', () => {
    // A results folder it may not even look into (root's 0700 temporary folder): the error that
    // stops the setup is still the one said.
    const results = mkdtempSync(join(tmpdir(), 'objcheck-netns-'));
    const r = spawnSync(process.execPath, [cli, 'workload', '--target', 'rgw', '--start', '--netns', '--results', results], {
      encoding: 'utf8',
      uid: 65534,
      gid: 65534,
      env: { ...process.env, AWS_CA_BUNDLE: '' },
    });
    expect(r.status, r.stderr).toBe(3);
    expect(r.stderr).toMatch(missing.length > 0 ? /^error: Ceph is not installed .*\n$/ : /^error: --netns needs root \(network namespaces, veth pairs and a bridge\).*\n$/);
  });
});

describe.skipIf(whyNot !== undefined)('Ceph with each daemon in its own network namespace, partitioned (3 OSDs, size 3, min_size 2)', () => {
  it.each([
    ['register', 0],
    ['cas', 1],
  ] as const)('%s workload under net-partition: no acknowledged write lost, writes cut off below min_size time out (info), nothing left afterwards', async (workload, expected) => {
    const r = await objcheck([
      'workload', '--target', 'rgw', '--start', '--osds', '3', '--netns', '--workload', workload,
      '--nemesis', 'net-partition', '--nemesis-interval', '4', '--time-limit', '24', '--concurrency', '8', '--op-timeout', '1000', '--keys', '8',
    ]);
    // register: Ceph is linearizable through partitions; cas: Ceph 16 refuses If-Match with the
    // quoted ETag (rgw.test.ts), an anomaly with its ops, found whatever the faults do.
    expect(r.code, r.stderr + r.stdout).toBe(expected);
    expect(r.stderr).toMatch(/each daemon in its own network namespace on 10\.213\.\d+\.0\/24/);
    const run = JSON.parse(readFileSync(join(r.dir, 'run.json'), 'utf8'));
    expect(run).toMatchObject({ complete: true, target: { osds: 3, netns: { nodes: expect.arrayContaining([expect.objectContaining({ name: 'osd.2' })]) } } });
    const results = JSON.parse(readFileSync(join(r.dir, 'results.json'), 'utf8'));
    expect(results.checkers['lost-writes']).toMatchObject({ valid: true, lostWrites: 0 });
    if (workload === 'cas') {
      expect(results.checkers['create-once']).toMatchObject({ valid: true });
      const lin = results.checkers.linearizable;
      expect(lin.anomalies.length).toBeGreaterThan(0);
      for (const a of lin.anomalies as { ops: number[] }[]) expect(a.ops.length).toBeGreaterThan(0);
    }
    const h = await readHistory(join(r.dir, 'history.jsonl'));
    const starts = h.nemesis.filter((e) => e.f === 'start-net-partition');
    expect(starts.length).toBeGreaterThanOrEqual(2);
    // Writes that could not get 2 copies while the cut lasted timed out: info, never fail.
    const windows = starts.map((s) => [s.time, h.nemesis.find((e) => e.f === 'stop-net-partition' && e.time > s.time)?.time ?? Infinity] as const);
    const writes = h.ops.filter((o) => o.f !== 'get' && o.f !== 'read');
    // A write fails only on a definite answer (or not sent at all), never on a timeout or a reset.
    expect(writes.filter((o) => o.type === 'fail' && /time|abort|reset|socket|ECONN|EHOST|ENETUNREACH/i.test(String(o.error)))).toEqual([]);
    const cutOff = writes.filter((o) => o.type === 'info' && windows.some(([a, b]) => o.invokeTime < b && o.completeTime! > a));
    expect(cutOff.length).toBeGreaterThan(0);
    // The report draws the faults' band with the run.
    expect(readFileSync(join(r.dir, 'report.html'), 'utf8')).toContain('net-partition');
    expect(leftOver(r)).toEqual([]);
  }, 240_000);

  it('objcheck killed with SIGKILL mid-run: its watchdog removes the namespaces, links and daemons', async () => {
    const r = await objcheck(['workload', '--target', 'rgw', '--start', '--netns', '--time-limit', '60'], {}, (child, stderr) => {
      const timer = setInterval(() => {
        if (/progress:|ops\/s/.test(stderr())) {
          clearInterval(timer);
          child.kill('SIGKILL');
        }
      }, 50);
      child.on('close', () => clearInterval(timer));
    });
    expect(r.code).toBe(null);
    await eventually(() => leftOver(r).length === 0, 15_000);
    expect(leftOver(r)).toEqual([]);
  }, 180_000);
});
