import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readHistory } from '../../src/history/read.js';

const cli = resolve(import.meta.dirname, '../../dist/src/cli/main.js');
const dockerEngine = spawnSync('docker', ['info'], { stdio: 'ignore' }).status === 0;

function workload(args: string[]): Promise<{ code: number | null; dir: string; stdout: string; stderr: string }> {
  const results = mkdtempSync(join(tmpdir(), 'objcheck-nemesis-'));
  return new Promise((done) => {
    const child = spawn(process.execPath, [cli, 'workload', '--results', results, '--name', 'run', '--seed', '5', ...args], {
      env: { ...process.env, AWS_CA_BUNDLE: '' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => done({ code, dir: join(results, 'run'), stdout, stderr }));
  });
}

describe('faults', () => {
  it('partitions and mid-response resets against the strong emulator: complete run, indeterminate ops during faults, no false alarm', async () => {
    const r = await workload(['--target', 'emulator', '--nemesis', 'partition,reset', '--nemesis-interval', '0.7', '--op-timeout', '300', '--time-limit', '4']);
    expect(r.code).toBe(0);
    const run = JSON.parse(readFileSync(join(r.dir, 'run.json'), 'utf8'));
    expect(run).toMatchObject({ complete: true, nemesis: { faults: ['partition', 'reset'] }, finalPhase: { converged: true } });
    expect(run.nemesis.count).toBeGreaterThanOrEqual(2);
    const h = await readHistory(join(r.dir, 'history.jsonl'));
    const marks = h.nemesis.map((e) => e.f);
    // Every fault started was healed, before the final phase.
    expect(marks.filter((f) => f.startsWith('start-'))).toHaveLength(run.nemesis.count);
    expect(marks.filter((f) => f.startsWith('stop-'))).toHaveLength(run.nemesis.count);
    // The final phase comes after the last fault, and the end marker closes the history.
    expect(marks.slice(-2)).toEqual(['final-phase', 'end']);
    expect(h.ended).toBe(true);
    // Windows of fault: ops that failed or were indeterminate happened inside them.
    const faults = h.nemesis.filter((e) => e.f.startsWith('start-') || e.f.startsWith('stop-'));
    const windows: [number, number][] = [];
    for (let i = 0; i < faults.length - 1; i += 2) windows.push([faults[i]!.time, faults[i + 1]!.time]);
    const troubled = h.ops.filter((o) => o.type === 'fail' || o.type === 'info');
    expect(troubled.length).toBeGreaterThan(0);
    for (const o of troubled) expect(windows.some(([a, b]) => o.invokeTime <= b && (o.completeTime ?? Infinity) >= a)).toBe(true);
    expect(r.stdout).toContain('linearizable: valid');
  });

  it('partition-some cuts off half of the workers while the others get through, with no false alarm', async () => {
    const r = await workload(['--target', 'emulator', '--nemesis', 'partition-some', '--nemesis-interval', '0.7', '--op-timeout', '300', '--time-limit', '4', '--concurrency', '4']);
    expect(r.code, r.stderr).toBe(0);
    const h = await readHistory(join(r.dir, 'history.jsonl'));
    const starts = h.nemesis.filter((e) => e.f === 'start-partition-some');
    expect(starts.length).toBeGreaterThanOrEqual(2);
    expect(starts[0]!.value).toEqual({ kind: 'blackhole', workers: [0, 1] });
    const windows = starts.map((s) => [s.time, h.nemesis.find((e) => e.f === 'stop-partition-some' && e.time > s.time)!.time] as const);
    // Jepsen's numbering: the worker of a process is process % concurrency.
    const worker = (o: { process: number }) => o.process % 4;
    const inside = (o: { invokeTime: number; completeTime: number | null }) => windows.some(([a, b]) => o.invokeTime >= a && (o.completeTime ?? Infinity) <= b);
    const during = h.ops.filter(inside);
    // Inside a fault the cut-off workers complete nothing; the others go on succeeding.
    expect(during.filter((o) => worker(o) < 2 && o.type === 'ok')).toEqual([]);
    expect(during.filter((o) => worker(o) >= 2 && o.type === 'ok').length).toBeGreaterThan(20);
    expect(h.ops.some((o) => worker(o) < 2 && o.type === 'info')).toBe(true);
    expect(r.stdout).toContain('linearizable: valid');
  });

  it('kills and pauses s3rver: the run goes on, restarts it, and loses no acknowledged write', async () => {
    // One worker: s3rver tears reads that race a write of the same key (see README), which is not what this tests.
    const r = await workload(['--target', 's3rver', '--nemesis', 'kill,pause', '--nemesis-interval', '0.7', '--op-timeout', '400', '--time-limit', '4', '--concurrency', '1', '--keys', '10']);
    const run = JSON.parse(readFileSync(join(r.dir, 'run.json'), 'utf8'));
    expect(run).toMatchObject({ complete: true, stopReason: 'time-limit' });
    expect(run.nemesis.count).toBeGreaterThanOrEqual(2);
    const h = await readHistory(join(r.dir, 'history.jsonl'));
    expect(h.nemesis.some((e) => e.f === 'start-kill' || e.f === 'start-pause')).toBe(true);
    // Work goes on after every fault is healed: the server was restarted or resumed.
    const lastStop = h.nemesis.filter((e) => e.f.startsWith('stop-')).at(-1)!;
    expect(h.ops.some((o) => o.type === 'ok' && o.invokeTime > lastStop.time)).toBe(true);
    // s3rver rewrites a file in place: a kill in the middle of a PUT leaves the object empty, and
    // read-validity reports exactly that (an empty body nobody wrote); anything else is a failure.
    const results = JSON.parse(readFileSync(join(r.dir, 'results.json'), 'utf8'));
    for (const a of results.checkers['read-validity'].anomalies) expect(a.explanation).toMatch(/→ "" at/);
    expect(results.checkers['lost-writes']).toMatchObject({ valid: true, lostWrites: 0 });
  });

  it('replica partitions in the quorum emulator (R=W=1): stale reads, and a larger window during faults than outside', async () => {
    const r = await workload([
      '--target', 'emulator', '--consistency', 'quorum', '--clock-skew=0,0,0', '--write-delay', 'exp:2',
      '--nemesis', 'replica-partition', '--nemesis-interval', '1', '--time-limit', '5',
    ]);
    expect(r.code).toBe(1);
    const results = JSON.parse(readFileSync(join(r.dir, 'results.json'), 'utf8'));
    expect(results.checkers['stale-reads'].staleReads).toBeGreaterThan(0);
    const byFault = results.checkers.visibility.byFault;
    const bound = (w: { ms: number | null; atLeastMs?: number }) => w.ms ?? w.atLeastMs!;
    expect(byFault.during.samples).toBeGreaterThan(100);
    expect(byFault.outside.samples).toBeGreaterThan(100);
    expect(byFault.during.consistentFraction).toBeLessThan(byFault.outside.consistentFraction);
    expect(bound(byFault.during.windows['99%'])).toBeGreaterThan(bound(byFault.outside.windows['99%']));
    // Healed before the final phase: every acknowledged write reached every replica.
    expect(results.checkers['lost-writes']).toMatchObject({ valid: true, lostWrites: 0 });
  });

  it('kills the persistent emulator: with durable acknowledgements nothing acknowledged is lost; acknowledging first loses writes', async () => {
    const durable = await workload(['--target', 'emulator', '--data-dir', mkdtempSync(join(tmpdir(), 'objcheck-data-')), '--nemesis', 'kill', '--nemesis-interval', '0.7', '--time-limit', '4', '--concurrency', '2', '--keys', '20']);
    expect(durable.code).toBe(0);
    const ok = JSON.parse(readFileSync(join(durable.dir, 'results.json'), 'utf8'));
    expect(ok.checkers['lost-writes']).toMatchObject({ valid: true, lostWrites: 0 });
    expect(JSON.parse(readFileSync(join(durable.dir, 'run.json'), 'utf8')).nemesis.count).toBeGreaterThanOrEqual(2);
    // The run ends while the server is down, so the writes acknowledged just before the last kill
    // are the last of their keys: the final phase finds them gone.
    const hasty = await workload(['--target', 'emulator', '--data-dir', mkdtempSync(join(tmpdir(), 'objcheck-data-')), '--ack-before-durable', '5000', '--nemesis', 'kill', '--nemesis-interval', '2', '--time-limit', '4', '--concurrency', '2', '--keys', '20']);
    expect(hasty.code).toBe(1);
    const lost = JSON.parse(readFileSync(join(hasty.dir, 'results.json'), 'utf8')).checkers['lost-writes'];
    expect(lost.valid).toBe(false);
    expect(lost.lostWrites).toBeGreaterThan(0);
  });

  it('says plainly when a fault cannot act on the target', async () => {
    const r = await workload(['--nemesis', 'partition', '--ops', '10']);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/error: --nemesis partition: network faults need a target reached over HTTP \(not memory\)/);
    const k = await workload(['--target', 'emulator', '--nemesis', 'kill', '--ops', '10']);
    expect(k.code).toBe(3);
    expect(k.stderr).toMatch(/error: --nemesis kill: it needs a target whose server objcheck starts/);
    if (!dockerEngine) {
      const n = await workload(['--nemesis', 'node-stop', '--ops', '10']);
      expect(n.code).toBe(3);
      expect(n.stderr).toMatch(/error: --nemesis node-stop: it needs a running Docker engine, and there is none here/);
    }
  });
});
