import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readHistory } from '../../src/history/read.js';
import { createLinearizableChecker } from '../../checkers/linearizable/index.js';
import { isRefused } from '../../src/history/conditional.js';
import { CEPH_INSTALL, missingCephTools, startCephCluster, type CephCluster } from '../../src/targets/ceph/cluster.js';
import { eventually, objcheck, processesUsing } from '../helpers/cluster-cli.js';

// CI installs Ceph (.ci/run); a machine without it skips these tests and says why.
const missing = missingCephTools();
if (missing.length > 0) console.warn(`skipping the Ceph RGW tests: Ceph is not installed (${CEPH_INSTALL})`);

const cli = resolve(import.meta.dirname, '../../dist/src/cli/main.js');

/** The cluster folders objcheck made in its TMPDIR and did not remove. */
function clusterFolders(tmp: string): string[] {
  return readdirSync(tmp).filter((f) => f.startsWith('objcheck-ceph-'));
}


describe('rgw target without what it needs', () => {
  const run = (args: string[], env: Record<string, string> = {}) =>
    spawnSync(process.execPath, [cli, 'workload', '--target', 'rgw', '--results', mkdtempSync(join(tmpdir(), 'objcheck-rgw-')), ...args], { encoding: 'utf8', env: { ...process.env, ...env } });

  it('no Ceph packages: one line saying what to install, exit 3', () => {
    // A PATH with nothing on it: no Ceph program is found.
    const r = run(['--start'], { PATH: mkdtempSync(join(tmpdir(), 'objcheck-empty-path-')) });
    expect(r.status).toBe(3);
    expect(r.stderr).toMatch(/^error: Ceph is not installed \(missing ceph-mon, .*radosgw.*\): apt-get install -y radosgw ceph-mon ceph-mgr ceph-osd ceph-common\n$/);
  });

  it('neither --start nor --endpoint: says which to give, exit 3', () => {
    const r = run([]);
    expect(r.status).toBe(3);
    expect(r.stderr).toBe('error: --target rgw needs --start (a cluster of our own) or --endpoint URL of an existing gateway\n');
  });
});

describe.skipIf(missing.length > 0)('Ceph RGW, a real distributed object store started by objcheck', () => {
  it.each(['lean', 'sdk'])('register workload against rgw --start (1 OSD), %s client: valid; the cluster is gone afterwards', async (client) => {
    const r = await objcheck(['workload', '--target', 'rgw', '--start', '--time-limit', '4', '--concurrency', '8', '--client', client]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/ceph: cluster of 1 OSD ready in [\d.]+ s/);
    const run = JSON.parse(readFileSync(join(r.dir, 'run.json'), 'utf8'));
    expect(run).toMatchObject({ complete: true, target: { name: 'rgw', osds: 1, started: true, ceph: expect.stringMatching(/^16\./), client } });
    const h = await readHistory(join(r.dir, 'history.jsonl'));
    expect(h.ops.filter((o) => o.type === 'ok' && o.f === 'get' && typeof o.value === 'number').length).toBeGreaterThan(50);
    expect(r.stdout).toContain('linearizable: valid');
    // Never the credentials: the key pair lives in memory only.
    expect(readFileSync(join(r.dir, 'run.json'), 'utf8')).not.toMatch(/secret|accessKey/i);
    expect(clusterFolders(r.tmp)).toEqual([]);
    expect(processesUsing(r.tmp)).toEqual([]);
  }, 120_000);

  it('kill -9 of radosgw and of an OSD, SIGSTOP of radosgw, mid-run (3 OSDs): completes, no false alarm, no lost acknowledged write', async () => {
    const r = await objcheck([
      // Faults of 4 s: a loaded machine still starts writes inside the pause that time out in it.
      'workload', '--target', 'rgw', '--start', '--osds', '3', '--nemesis', 'kill,pause,node-stop', '--nemesis-interval', '4',
      '--time-limit', '26', '--concurrency', '10', '--op-timeout', '1000', '--keys', '8',
    ]);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    const run = JSON.parse(readFileSync(join(r.dir, 'run.json'), 'utf8'));
    expect(run).toMatchObject({ complete: true, target: { osds: 3 }, finalPhase: { converged: true } });
    const h = await readHistory(join(r.dir, 'history.jsonl'));
    const faults = h.nemesis.map((e) => e.f);
    expect(faults).toContain('start-kill');
    expect(faults).toContain('start-pause');
    expect(faults).toContain('start-node-stop');
    // A write that timed out (1 s) while radosgw was stopped may still be applied: it is info,
    // never fail. Each of the 10 workers starts an op within 1 s of the pause (the one in flight
    // times out), half of them writes: some always fall in.
    const pause = h.nemesis.find((e) => e.f === 'start-pause')!;
    const resume = h.nemesis.find((e) => e.f === 'stop-pause' && e.time > pause.time)!;
    const cutOff = h.ops.filter((o) => (o.f === 'put' || o.f === 'delete') && o.invokeTime > pause.time && o.invokeTime + 1.2e9 < resume.time);
    expect(cutOff.length).toBeGreaterThan(0);
    for (const o of cutOff) expect(o.type).toBe('info');
    expect(h.nemesis.find((e) => e.f === 'start-node-stop')?.value).toMatchObject({ node: expect.stringMatching(/^osd\.\d$/) });
    // While radosgw was dead, requests failed; the run went on after it came back.
    expect(h.ops.some((o) => o.type === 'fail' || o.type === 'info')).toBe(true);
    const lastStop = h.nemesis.filter((e) => e.f.startsWith('stop-')).at(-1)!;
    expect(h.ops.some((o) => o.type === 'ok' && o.invokeTime > lastStop.time)).toBe(true);
    const results = JSON.parse(readFileSync(join(r.dir, 'results.json'), 'utf8'));
    expect(results.checkers['lost-writes']).toMatchObject({ valid: true, lostWrites: 0 });
    expect(r.stdout).toMatch(/0 of [1-9]\d* acknowledged writes lost/);
    expect(r.stdout).toContain('linearizable: valid');
    expect(clusterFolders(r.tmp)).toEqual([]);
    expect(processesUsing(r.tmp)).toEqual([]);
  }, 180_000);

  it('Ctrl-C during a run: the history is kept and marked incomplete, and the cluster is torn down', async () => {
    const r = await objcheck(['workload', '--target', 'rgw', '--start', '--time-limit', '60'], {}, (child, stderr) => {
      const timer = setInterval(() => {
        if (/progress:/.test(stderr()) || /ops\/s/.test(stderr())) {
          clearInterval(timer);
          setTimeout(() => child.kill('SIGINT'), 1000);
        }
      }, 100);
      child.on('close', () => clearInterval(timer));
    });
    expect(r.code, r.stderr).toBe(2);
    const run = JSON.parse(readFileSync(join(r.dir, 'run.json'), 'utf8'));
    expect(run).toMatchObject({ complete: false, stopReason: 'interrupted' });
    expect((await readHistory(join(r.dir, 'history.jsonl'))).ops.length).toBeGreaterThan(0);
    expect(clusterFolders(r.tmp)).toEqual([]);
    expect(processesUsing(r.tmp)).toEqual([]);
  }, 120_000);

  it('objcheck killed with SIGKILL while the cluster starts: its watchdog kills the daemons and removes the folder', async () => {
    const r = await objcheck(['workload', '--target', 'rgw', '--start', '--time-limit', '60'], {}, (child, stderr) => {
      const timer = setInterval(() => {
        if (/starting radosgw/.test(stderr())) {
          clearInterval(timer);
          child.kill('SIGKILL');
        }
      }, 50);
      child.on('close', () => clearInterval(timer));
    });
    expect(r.code).toBe(null);
    await eventually(() => clusterFolders(r.tmp).length === 0 && processesUsing(r.tmp).length === 0, 10_000);
    expect(clusterFolders(r.tmp)).toEqual([]);
    expect(processesUsing(r.tmp)).toEqual([]);
  }, 120_000);

  describe('one cluster for the probe and the cas workload (--endpoint, an existing gateway)', () => {
    let cluster: CephCluster;
    let env: Record<string, string>;
    beforeAll(async () => {
      cluster = await startCephCluster({ osds: 1 });
      env = { AWS_ACCESS_KEY_ID: cluster.credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: cluster.credentials.secretAccessKey };
    }, 120_000);
    afterAll(() => cluster?.stop());

    it('probe finds the two deviations of Ceph 16: If-Match with the quoted ETag refused, If-Match on a missing key 412', async () => {
      const r = await objcheck(['probe', '--target', 'rgw', '--endpoint', cluster.endpoint, '--create-bucket', '--json'], env);
      expect(r.code, r.stderr).toBe(1);
      const rows = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { check: string; observed: string; ok: boolean });
      expect(rows.length).toBeGreaterThanOrEqual(14);
      const deviations = rows.filter((x) => !x.ok).map((x) => [x.check, x.observed]);
      expect(deviations).toEqual([
        ['PUT If-Match: the ETag as returned (quoted), matching', '412 PreconditionFailed'],
        ['PUT If-Match on a missing key', '412 PreconditionFailed'],
      ]);
    }, 60_000);

    it.each(['lean', 'sdk'])('cas workload, %s client: the refused quoted If-Match is a linearizability violation with a counterexample; create-once holds', async (client) => {
      const r = await objcheck(['workload', '--target', 'rgw', '--endpoint', cluster.endpoint, '--create-bucket', '--workload', 'cas', '--time-limit', '3', '--client', client], env);
      expect(r.code, r.stderr).toBe(1);
      const results = JSON.parse(readFileSync(join(r.dir, 'results.json'), 'utf8'));
      const lin = results.checkers.linearizable;
      expect(lin.valid).toBe(false);
      expect(lin.anomalies.length).toBeGreaterThan(0);
      // The op that cannot take effect is a refused cas, or a read completing after one (which
      // comes first in real time depends on the timing of the run)...
      expect(lin.counterexamples.length).toBeGreaterThan(0);
      for (const a of lin.anomalies as { explanation: string }[]) {
        expect(a.explanation).toMatch(/^(cas\(r\d+\.\d+, \d+ → \d+\) refused \(PreconditionFailed \(HTTP 412\)\)|read\(r\d+\.\d+\) → \d+) .* cannot take effect: the longest linearizable prefix found has \d+ ops and leaves \d+/);
      }
      // ...and the refusals are the violation: without them the same history is linearizable.
      const h = await readHistory(join(r.dir, 'history.jsonl'));
      const withoutRefusals = { ...h, ops: h.ops.filter((o) => !isRefused(o)) };
      expect(withoutRefusals.ops.length).toBeLessThan(h.ops.length);
      expect(createLinearizableChecker({ model: 'cas-register' }).check(withoutRefusals)).toMatchObject({ valid: true });
      // Ceph honours If-None-Match: *: of racing creators exactly one wins.
      expect(results.checkers['create-once']).toMatchObject({ valid: true });
    }, 60_000);
  });
});
