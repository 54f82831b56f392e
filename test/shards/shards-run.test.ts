// Issue 25's must-show, on one machine: several local processes stand in for the pods of an
// Indexed Job, all against one emulator (the standalone server, over HTTP), then objcheck merge.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_KEY_PAIR } from '../../src/emulator/options.js';
import { readHistory } from '../../src/history/read.js';

const root = resolve(import.meta.dirname, '../..');
const cli = join(root, 'dist/src/cli/main.js');
const json = (file: string) => JSON.parse(readFileSync(file, 'utf8'));

interface Exit {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A child's exit, output and all; `child` to signal it. */
function run(args: string[]): { child: ChildProcess; done: Promise<Exit> } {
  const child = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, AWS_CA_BUNDLE: '', AWS_ACCESS_KEY_ID: DEFAULT_KEY_PAIR.accessKeyId, AWS_SECRET_ACCESS_KEY: DEFAULT_KEY_PAIR.secretAccessKey } });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  return { child, done: new Promise((res, rej) => (child.on('error', rej), child.on('close', (code) => res({ code, stdout, stderr })))) };
}

let emulator: ChildProcess | undefined;
afterEach(() => {
  emulator?.kill();
  emulator = undefined;
});

/** The standalone emulator (what `npm run emulator` runs) on a free port; its endpoint. */
async function startEmulator(flags: string[]): Promise<string> {
  emulator = spawn(process.execPath, [join(root, 'dist/src/emulator/main.js'), '--port', '0', '--bucket', 'objcheck', '--exit-with-stdin', ...flags], { stdio: ['pipe', 'pipe', 'inherit'] });
  const line = await new Promise<string>((res) => createInterface({ input: emulator!.stdout! }).once('line', res));
  return /listening on (http:\/\/\S+)/.exec(line)![1]!;
}

/**
 * Three shards of one test, started together (--start-at a few seconds ahead, room for three
 * Node processes to start on a loaded machine). `perShard(i)`: flags of shard i only.
 */
function shards(endpoint: string, results: string, flags: string[], perShard: (i: number) => string[] = () => []) {
  const startAt = new Date(Date.now() + 6000).toISOString();
  return [0, 1, 2].map((i) =>
    run(['workload', '--target', 's3', '--endpoint', endpoint, '--bucket', 'objcheck', '--shard', `${i}/3`, '--start-at', startAt, '--name', 'test', '--results', results, '--concurrency', '3', ...flags, ...perShard(i)]),
  );
}

const merge = (results: string, out: string, ...flags: string[]) => run(['merge', join(results, 'test'), '--out', join(results, out), ...flags]).done;

describe('3 shards against one emulator, shared keys', () => {
  it('strong model: the merged verdict is valid, with every shard and process in it', async () => {
    const results = mkdtempSync(join(tmpdir(), 'objcheck-shards-'));
    const endpoint = await startEmulator([]);
    const exits = await Promise.all(shards(endpoint, results, ['--time-limit', '2', '--keys', '5', '--clock-error-ms', '1']).map((s) => s.done));
    for (const e of exits) {
      expect(e.code, e.stderr).toBe(0);
      expect(e.stdout).toMatch(/shard \d\/3 recorded \(shared keys: checked only as a whole, by objcheck merge\)/);
    }
    const m = await merge(results, 'merged');
    expect(m.code, m.stdout + m.stderr).toBe(0);
    expect(m.stdout).toContain('merged 3 shards (shared keys), clock bound ε = 1 ms');
    const dir = join(results, 'merged');
    expect(json(join(dir, 'results.json'))).toMatchObject({ valid: true, complete: true });
    expect(json(join(dir, 'run.json'))).toMatchObject({ complete: true, merge: { keysMode: 'shared', epsilonMs: 1, renumbered: false } });
    const history = await readHistory(join(dir, 'history.jsonl'));
    expect(history.ended).toBe(true);
    // Every shard's processes are there (process % 3 = shard), and no two shards wrote one value.
    expect(new Set(history.ops.map((o) => o.process % 3))).toEqual(new Set([0, 1, 2]));
    const written = history.ops.filter((o) => o.f === 'put').map((o) => o.invokeValue);
    expect(new Set(written).size).toBe(written.length);
    expect(readFileSync(join(dir, 'report.html'), 'utf8')).toContain('clock bound');
  });

  it('quorum model: stale reads in the merged history, reads of one shard against writes of another', async () => {
    const results = mkdtempSync(join(tmpdir(), 'objcheck-shards-'));
    // Each replica gets a write after 1 ms or 1.5 s; a write is acknowledged by the first, and a
    // read asks one replica: stale for up to 1.5 s, far beyond a loaded machine's latencies
    // (with exp:40, ops 130 ms slow under a full test run hid every stale read).
    const endpoint = await startEmulator(['--consistency', 'quorum', '--write-delay', 'mix:0.34*const:1,0.66*const:1500', '--single-replica-reads']);
    const exits = await Promise.all(shards(endpoint, results, ['--time-limit', '2', '--keys', '3', '--clock-error-ms', '1']).map((s) => s.done));
    for (const e of exits) expect(e.code, e.stderr).toBe(0);
    const m = await merge(results, 'merged');
    expect(m.code, m.stdout + m.stderr).toBe(1);
    const dir = join(results, 'merged');
    const stale = json(join(dir, 'results.json')).checkers['stale-reads'];
    expect(stale.valid).toBe(false);
    const history = await readHistory(join(dir, 'history.jsonl'));
    const shardOf = new Map(history.ops.map((o) => [o.invokeIndex, o.process % 3]));
    const fSeen = new Map(history.ops.map((o) => [o.invokeIndex, o.f]));
    // An anomaly whose read (its first op) is one shard's and some write in it another's.
    const across = (stale.anomalies as { ops: number[] }[]).filter((a) => a.ops.slice(1).some((i) => fSeen.get(i) !== 'get' && shardOf.get(i) !== shardOf.get(a.ops[0]!)));
    expect(across.length, JSON.stringify(stale.anomalies.slice(0, 3))).toBeGreaterThan(0);
  });
});

describe('clock offsets (--clock-offset-ms, a test knob) within ε', () => {
  it('strong stays valid at the bound; the same histories with ε = 0 give a false alarm', async () => {
    const results = mkdtempSync(join(tmpdir(), 'objcheck-shards-'));
    const endpoint = await startEmulator([]);
    // Shard 1's clock 100 ms fast, shard 2's 100 ms slow; ε 120 ms covers it. A fixed rate keeps
    // the ops within ε of each other few enough for the linearizability search.
    const offsets = [0, 100, -100];
    const exits = await Promise.all(shards(endpoint, results, ['--time-limit', '2', '--rate', '100', '--keys', '10', '--clock-error-ms', '120'], (i) => [`--clock-offset-ms=${offsets[i]}`]).map((s) => s.done));
    for (const e of exits) expect(e.code, e.stderr).toBe(0);
    const bounded = await merge(results, 'bounded');
    expect(bounded.code, bounded.stdout + bounded.stderr).toBe(0);
    expect(json(join(results, 'bounded', 'run.json')).merge.shards.map((s: { offsetMs?: number }) => s.offsetMs)).toEqual(offsets);
    const unbounded = await merge(results, 'unbounded', '--clock-error-ms', '0');
    expect(unbounded.code, unbounded.stdout).toBe(1);
    expect(unbounded.stdout).toContain('clock bound ε = 0 ms');
    const unboundedResults = json(join(results, 'unbounded', 'results.json'));
    expect(unboundedResults.valid).toBe(false);
    // Each counterexample says the bound its bars carry (when the false alarm has one).
    const cxs = unboundedResults.checkers.linearizable?.counterexamples?.length ?? 0;
    const notes = readFileSync(join(results, 'unbounded', 'report.html'), 'utf8').split('at clock bound ε = 0 ms').length - 1;
    expect(notes).toBe(Math.min(cxs, 20));
  });
});

describe('disjoint keys, folders through the bucket (--upload)', () => {
  it('each shard checks itself and puts its folder in the bucket; merge reads them from there, keys kept apart', async () => {
    const results = mkdtempSync(join(tmpdir(), 'objcheck-shards-'));
    const endpoint = await startEmulator([]);
    // No shared volume: each shard its own results folder, as pods without one.
    const startAt = new Date(Date.now() + 6000).toISOString();
    const exits = await Promise.all(
      [0, 1].map((i) =>
        run(['workload', '--target', 's3', '--endpoint', endpoint, '--bucket', 'objcheck', '--shard', `${i}/2`, '--keys-mode', 'disjoint', '--start-at', startAt, '--name', 'up', '--results', join(results, `pod-${i}`), '--time-limit', '1', '--upload', 's3://objcheck/uploads', '--upload-endpoint', endpoint]).done,
      ),
    );
    for (const [i, e] of exits.entries()) {
      expect(e.code, e.stderr).toBe(0);
      expect(e.stdout).toMatch(/^verdict: VALID$/m);
      expect(e.stdout).toContain(`uploaded: s3://objcheck/uploads/up/shard-${i}/`);
    }
    const m = await run(['merge', 's3://objcheck/uploads/up', '--upload-endpoint', endpoint, '--out', join(results, 'up-merged'), '--upload', 's3://objcheck/uploads']).done;
    expect(m.code, m.stdout + m.stderr).toBe(0);
    expect(m.stdout).toContain('uploaded: s3://objcheck/uploads/up-merged/');
    expect(m.stdout).toContain('merged 2 shards (disjoint keys), clock bound unknown (not needed on disjoint keys)');
    const history = await readHistory(join(results, 'up-merged', 'history.jsonl'));
    expect(new Set(history.ops.map((o) => o.key!.split('/')[0]))).toEqual(new Set(['shard-0', 'shard-1']));
    expect(history.ended).toBe(true);
  });
});

describe('merge', () => {
  it('of a killed shard: its history marked incomplete, the rest checked, the verdict says so (exit 2)', async () => {
    const results = mkdtempSync(join(tmpdir(), 'objcheck-shards-'));
    const endpoint = await startEmulator([]);
    const runs = shards(endpoint, results, ['--time-limit', '4', '--keys', '5', '--clock-error-ms', '1']);
    // Kill shard 2 once it has recorded something (polled: a loaded machine may be slow to start it).
    const history2 = join(results, 'test', 'shard-2', 'history.jsonl');
    const deadline = Date.now() + 30_000;
    while (!(existsSync(history2) && readFileSync(history2, 'utf8').split('\n').length > 20) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    runs[2]!.child.kill('SIGKILL');
    const exits = await Promise.all(runs.map((s) => s.done));
    expect(exits.map((e) => e.code)).toEqual([0, 0, null]);
    const m = await merge(results, 'merged');
    expect(m.code, m.stdout + m.stderr).toBe(2);
    expect(m.stdout).toContain('incomplete: shard-2 did not end normally; the rest is checked, the verdict cannot be valid');
    const dir = join(results, 'merged');
    expect(json(join(dir, 'run.json'))).toMatchObject({ complete: false, stopReason: 'shard-incomplete', error: expect.stringContaining('shard-2') });
    const r = json(join(dir, 'results.json'));
    expect(r).toMatchObject({ valid: 'unknown', complete: false });
    // The other shards' checks ran and found nothing wrong.
    for (const c of Object.values(r.checkers) as { valid: unknown }[]) expect(c.valid).not.toBe(false);
    const history = await readHistory(join(dir, 'history.jsonl'));
    expect(history.ended).toBeFalsy();
    expect(new Set(history.ops.map((o) => o.process % 3))).toEqual(new Set([0, 1, 2]));
  });

  it('refuses shared keys when a shard does not know its clock error: one line, exit 3', async () => {
    const results = mkdtempSync(join(tmpdir(), 'objcheck-shards-'));
    const endpoint = await startEmulator([]);
    const s = run(['workload', '--target', 's3', '--endpoint', endpoint, '--bucket', 'objcheck', '--shard', '0/2', '--name', 'test', '--results', results, '--ops', '20']);
    expect((await s.done).code).toBe(0);
    const m = await merge(results, 'merged');
    expect(m.code).toBe(3);
    expect(m.stderr).toMatch(/^error: \S+shard-0: its clock error ε is unknown \(.*\); shards on shared keys are checked across machines only with a bound: run them with chrony, or with --clock-error-ms\n$/);
  });
});
