import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readHistory } from '../src/history/read.js';
import { corpusDir } from '../src/util/corpus.js';
import { events, jsonl } from './helpers/events.js';

// The CLI as users run it: the compiled entry point (npm test builds it first).
const cli = resolve(import.meta.dirname, '../dist/src/cli/main.js');

interface Exit {
  code: number | null;
  stdout: string;
  stderr: string;
}

function objcheck(args: string[], options: { cwd?: string; signalWhen?: () => boolean } = {}): Promise<Exit> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [cli, ...args], { cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    // SIGINT once the run is under way (a loaded machine may take seconds to start it), polled.
    if (options.signalWhen) {
      const poll = setInterval(() => {
        if (child.exitCode !== null) clearInterval(poll);
        else if (options.signalWhen!()) {
          clearInterval(poll);
          child.kill('SIGINT');
        }
      }, 50);
    }
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

const tmp = () => mkdtempSync(join(tmpdir(), 'objcheck-cli-'));
const json = (file: string) => JSON.parse(readFileSync(file, 'utf8'));

describe('objcheck workload', () => {
  it('with no flags runs register for 10 s with 5 workers on memory, writes the run folder and exits 0', async () => {
    const cwd = tmp();
    const r = await objcheck(['workload'], { cwd });
    expect(r.code).toBe(0);
    const dir = join(cwd, 'results', readlinkSync(join(cwd, 'results', 'latest')));
    expect(dir).toMatch(/register-memory-\d{8}T\d{9}Z$/);
    const run = json(join(dir, 'run.json'));
    expect(run).toMatchObject({ complete: true, stopReason: 'time-limit', workload: 'register', target: { name: 'memory' }, config: { concurrency: 5, timeLimit: 10, keys: 5 } });
    expect(run.tool.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(Date.parse(run.end) - Date.parse(run.start)).toBeGreaterThanOrEqual(10_000);
    const results = json(join(dir, 'results.json'));
    expect(results).toMatchObject({ valid: true, complete: true, checkers: { 'read-validity': { valid: true } } });
    const history = await readHistory(join(dir, 'history.jsonl'));
    expect(new Set(history.ops.map((o) => o.process)).size).toBe(5);
    expect(results.stats.total).toBe(history.ops.length);
    // The summary: ops by f and outcome, latency, verdicts, the folder.
    const get = /^\s+get\s+[\d,]+\s+0\s+0\s+0\s+([\d,.]+)\s+([\d,.]+)\s+([\d,.]+)$/m.exec(r.stdout);
    expect(get, r.stdout).not.toBeNull();
    // Latencies to 0.1 ms (to the µs below a millisecond).
    for (const x of get!.slice(1)) expect(x).toMatch(Number(x.replaceAll(',', '')) >= 1 ? /^[\d,]+\.\d$/ : /^0\.\d{1,3}$/);
    expect(r.stdout).toContain('read-validity: valid');
    expect(r.stdout).toContain(`run folder: ${dir}`);
    // Not a terminal: one plain progress line every 5 s.
    expect(r.stderr).toMatch(/^progress: 5\.\d\/10 s {2}ops [\d,]+ {2}[\d,]+ ops\/s {2}errors 0$/m);
  });

  it.skipIf(spawnSync('script', ['--version'], { stdio: 'ignore' }).status !== 0)("on a terminal draws cli-progress's bar in place, full when the time limit is reached", async () => {
    // util-linux's script gives the run a pseudo-terminal.
    const cwd = tmp();
    const r = spawnSync('script', ['-qec', `${process.execPath} ${cli} workload --time-limit 1`, '/dev/null'], { cwd, encoding: 'utf8' });
    expect(r.status).toBe(0);
    // Redrawn from the first column, the rest of the line cleared: the bar, how far through the limit, the counts.
    const bar = /\x1b\[1G\[(#*)(-*)\] (\d+)% {2}[\d.]+\/1 s {2}ops [\d,]+ {2}[\d,]+ ops\/s {2}errors 0\x1b\[0K/g;
    const drawn = [...r.stdout.matchAll(bar)];
    expect(drawn.length).toBeGreaterThan(1);
    for (const d of drawn) expect(d[1]!.length + d[2]!.length).toBe(24);
    expect(drawn.at(-1)!.slice(1)).toEqual(['#'.repeat(24), '', '100']);
    expect(r.stdout).not.toMatch(/^progress: /m);
    expect(r.stdout).toContain('verdict: VALID');
  });

  it('--value-size: values of that size, and the bandwidth beside ops/s in the summary and results.json', async () => {
    const cwd = tmp();
    const r = await objcheck(['workload', '--time-limit', '1', '--value-size', '20000', '--latency', '0'], { cwd });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^operations: [\d,]+ in [\d.]+ s \([\d,]+ ops\/s, [\d.]+ MB\/s\)$/m);
    expect(r.stdout).toMatch(/^bytes: [\d.]+ MB written, [\d.]+ MB read$/m);
    const dir = join(cwd, 'results', 'latest');
    const { stats } = json(join(dir, 'results.json'));
    // Every acknowledged PUT carried exactly 20,000 bytes; reads of an object too.
    expect(stats.bytes.written).toBe(stats.ops.put.ok * 20_000);
    const h = await readHistory(join(dir, 'history.jsonl'));
    expect(stats.bytes.read).toBe(h.ops.filter((o) => o.f === 'get' && o.type === 'ok' && o.value !== null).length * 20_000);
    expect(stats.bytes.perS).toBeCloseTo((stats.bytes.written + stats.bytes.read) / stats.durationS, 0);
    expect(json(join(dir, 'run.json')).config.valueSize).toBe(20_000);
  });

  it('--workload mixed --mix: each part checked on its own keys, and objcheck check re-runs the same checkers from run.json; a bad mix is exit 3', async () => {
    const cwd = tmp();
    const r = await objcheck(['workload', '--workload', 'mixed', '--mix', 'register=2,cas=1', '--ops', '300', '--latency', '0'], { cwd });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('  register:linearizable: valid');
    expect(r.stdout).toContain('  cas:create-once: valid');
    const dir = join(cwd, 'results', 'latest');
    const recorded = Object.keys(json(join(dir, 'results.json')).checkers);
    const again = await objcheck(['check', '--json', dir], { cwd });
    expect(again.code).toBe(0);
    expect(Object.keys(JSON.parse(again.stdout).checkers)).toEqual(recorded);
    const bad = await objcheck(['workload', '--workload', 'mixed', '--mix', 'register=2,nope=1'], { cwd });
    expect(bad.code).toBe(3);
    expect(bad.stderr.trim()).toBe('error: --mix: no workload named "nope" to mix; known: register, new-object, list, cas, metadata, lock, revocation, cache, config, replication');
  });

  it('gives the same operation sequence for the same --seed and --ops', async () => {
    const cwd = tmp();
    const seq = async (name: string, concurrency: string) => {
      const r = await objcheck(['workload', '--seed', '1234', '--ops', '500', '--concurrency', concurrency, '--name', name], { cwd });
      expect(r.code).toBe(0);
      const h = await readHistory(join(cwd, 'results', name, 'history.jsonl'));
      return h.ops.map((o) => [o.f, o.key, o.invokeValue]);
    };
    const a = await seq('a', '5');
    expect(a).toHaveLength(500);
    expect(await seq('b', '3')).toEqual(a);
  });

  it('on SIGINT keeps a readable history, marks the run incomplete and exits 2', async () => {
    const cwd = tmp();
    const dir = join(cwd, 'results', 'cut');
    const recorded = () => existsSync(join(dir, 'history.jsonl')) && readFileSync(join(dir, 'history.jsonl'), 'utf8').split('\n').length > 400;
    const r = await objcheck(['workload', '--name', 'cut', '--time-limit', '60'], { cwd, signalWhen: recorded });
    expect(r.code).toBe(2);
    expect(json(join(dir, 'run.json'))).toMatchObject({ complete: false, stopReason: 'interrupted' });
    const history = await readHistory(join(dir, 'history.jsonl'));
    expect(history.ops.length).toBeGreaterThan(100);
    expect(json(join(dir, 'results.json'))).toMatchObject({ valid: 'unknown', complete: false });
    expect(r.stdout).toContain('the run was interrupted');
  });

  it('against the eventually consistent emulator reports stale reads with a window and its confidence interval, and exits 1', async () => {
    // Writes reach the other replicas ~10 ms later (not the default 5): stale reads even when a
    // loaded machine slows the clients; over 20 keys, reads also come long after their key's last
    // write, so that a 99% window (~42 ms) has the 100 reads beyond it it needs.
    const r = await objcheck(['workload', '--target', 'emulator', '--consistency', 'quorum', '--write-delay', 'exp:10', '--keys', '20'], { cwd: tmp() });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/stale-reads: INVALID/);
    expect(r.stdout).toMatch(/\d+ of \d+ reads stale \([\d.]+%\); age p50 [\d.]+ ms, p99 [\d.]+ ms, max [\d.]+ ms/);
    expect(r.stdout).toMatch(/stale-read window from [\d,]+ reads of [\d,]+ writes(, [\d,]+ reads? of overlapping writes left out)?: 99% of reads consistent after [\d.]+ ms \[95% CI [\d.]+, [\d.∞]+\]/);
  });

  it('turns on the emulator knob a workload needs at a stated default, and names the target that can run it elsewhere', async () => {
    const cwd = tmp();
    const r = await objcheck(['workload', '--workload', 'revocation', '--target', 'emulator', '--policy-delay', '200', '--time-limit', '2', '--name', 'rev'], { cwd });
    expect(r.code, r.stderr).toBe(0);
    // --policy-delay was given; --key-state-delay was not: only it is added.
    expect(r.stdout).toMatch(/^emulator: --key-state-delay 500 \(the revocation workload needs it: its default; pass it to choose\)$/m);
    const run = json(join(cwd, 'results', 'rev', 'run.json'));
    expect(run.emulatorDefaults).toEqual(['--key-state-delay 500']);
    expect(run.config.emulatorFlags).toEqual(['--policy-delay=200', '--key-state-delay=500']);
    const elsewhere = await objcheck(['workload', '--workload', 'cache', '--target', 'memory', '--time-limit', '1'], { cwd });
    expect(elsewhere.code).toBe(3);
    expect(elsewhere.stderr).toMatch(/^error: the cache workload is not supported by this target \(memory\): it needs reads through a caching front: use --target emulator \(its --cache-front\)\n$/);
  });

  it.each([
    [['workload', '--concurrency', '0'], /^error: --concurrency must be a whole number of at least 1, got 0\n$/],
    [['workload', '--time-limit', 'soon'], /^error: --time-limit must be a number above 0, got a value that is not a number\n$/],
    [['workload', '--target', 'nowhere'], /^error: --target "nowhere" is not one of memory, /],
    [['workload', '--target', 'emulator', '--client', 'curl'], /^error: --client "curl" is not one of lean, sdk\n$/],
    [['workload', '--client', 'sdk'], /^error: --client applies to S3-compatible targets only\n$/],
    [['workload', '--colour'], /^error: unknown option --colour \(objcheck workload --help lists the options\)\n$/],
    [['workload', '--bogus-flag', '1', '--other-x'], /^error: unknown options --bogus-flag, --other-x \(objcheck workload --help lists the options\)\n$/],
    [['workload', 'extra'], /^error: unexpected argument "extra" \(objcheck workload --help lists the options\)\n$/],
    [['check'], /^error: objcheck check needs at least one history file or run folder \(objcheck check --help\)\n$/],
    [['workload', '--name', '../escape'], /^error: --name "..\/escape": use letters, digits/],
    [['frobnicate'], /^error: unexpected argument "frobnicate" \(objcheck --help lists the options\)\n$/],
    [['workload', '--ops', '5', '--name', 'a', '--name', 'b'], /^error: --name was given more than once\n$/],
    [['workload', '--target', 'minio', '--endpoint', 'http://127.0.0.1:1'], /error: bucket "objcheck" on minio at http:\/\/127.0.0.1:1: the endpoint does not answer \(connection refused\): is MinIO running\? start it with --start/],
    [['check', 'x.jsonl', '--model', 'bank'], /^error: --model "bank" is not one of register, cas-register, kv, mutex, multi-register, set, unordered-queue, fifo-queue\n$/],
  ])('rejects %j with one line and exit 3', async (args, message) => {
    const r = await objcheck(args, { cwd: tmp() });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('objcheck check', () => {
  it('re-checks run folders and history files, one JSON line each, exiting with the worst verdict', async () => {
    const cwd = tmp();
    expect((await objcheck(['workload', '--ops', '300', '--name', 'good'], { cwd })).code).toBe(0);
    const bad = join(cwd, 'bad.jsonl');
    writeFileSync(bad, jsonl(events([0, 'invoke', 'get', 'k'], [0, 'ok', 'get', 'k', 42])));
    const r = await objcheck(['check', join(cwd, 'results', 'good'), bad, '--json'], { cwd });
    expect(r.code).toBe(1);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.file, l.valid])).toEqual([
      [join(cwd, 'results', 'good'), true],
      [bad, false],
    ]);
    expect(lines[1].checkers['read-validity'].anomalies[0].kind).toBe('phantom-value');
  });

  it('rejects a history with a malformed line 17, naming file and line, exit 3', async () => {
    const cwd = tmp();
    const es: Record<string, unknown>[] = [];
    for (let i = 0; i < 10; i++) es.push(...events([0, 'invoke', 'put', 'k', i + 1], [0, 'ok', 'put', 'k']).map((e) => ({ ...e, index: es.length + e.index, time: (es.length + e.index) * 1000 })));
    es[16]!.type = 'finished';
    const file = join(cwd, 'history.jsonl');
    writeFileSync(file, jsonl(es));
    const r = await objcheck(['check', file], { cwd });
    expect(r.code).toBe(3);
    expect(r.stderr).toBe(`error: ${file}:17: field "type": must be one of invoke, ok, fail, info; found "finished"\n`);
  });

  it('exit 3 for a path that does not exist, and the other files still get checked', async () => {
    const cwd = tmp();
    const ok = join(cwd, 'ok.jsonl');
    writeFileSync(ok, jsonl(events([0, 'invoke', 'get', 'k'], [0, 'ok', 'get', 'k', null])));
    const r = await objcheck(['check', join(cwd, 'nope'), ok, '--json'], { cwd });
    expect(r.code).toBe(3);
    expect(r.stderr).toBe(`error: ${join(cwd, 'nope')}: no such file or folder\n`);
    expect(r.stdout.trim().split('\n').map((l) => JSON.parse(l).valid)).toEqual(['unknown', true]);
    expect(existsSync(join(cwd, 'results'))).toBe(false);
  });

  it('--max-memory: a number above 0 (exit 3 otherwise); with it, stderr not a terminal, nothing but the verdict', async () => {
    const cwd = tmp();
    const ok = join(cwd, 'ok.jsonl');
    writeFileSync(ok, jsonl(events([0, 'invoke', 'put', 'k', 1], [0, 'ok', 'put', 'k'], [1, 'invoke', 'get', 'k'], [1, 'ok', 'get', 'k', 1])));
    const bad = await objcheck(['check', '--max-memory', '0', ok], { cwd });
    expect(bad.code).toBe(3);
    expect(bad.stderr).toContain('--max-memory must be a number above 0, got 0');
    const r = await objcheck(['check', '--checkers', 'linearizable', '--max-memory', '64', ok], { cwd });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('linearizable: valid');
  });
});

const porcupine = join(corpusDir(), 'porcupine');

describe.skipIf(!existsSync(porcupine))('objcheck check on other tools\' histories', () => {
  it('detects Jepsen etcd logs and kv EDN, picks their models, and gives the known verdicts', async () => {
    const files = ['etcd/etcd_000.log', 'etcd/etcd_002.log', 'kv/c10-ok.txt', 'kv/c10-bad.txt'].map((f) => join(porcupine, f));
    const r = await objcheck(['check', ...files, '--json']);
    expect(r.code).toBe(1);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.valid, l.checkers.linearizable.model])).toEqual([
      [false, 'cas-register'],
      [true, 'cas-register'],
      [true, 'kv'],
      [false, 'kv'],
    ]);
    expect(Object.keys(lines[0].checkers)).toEqual(['linearizable']);
    expect(lines[0].checkers.linearizable.anomalies[0].kind).toBe('not-linearizable');
  });

  it('takes --format and --model explicitly, and rejects a file that is not in that format with its line', async () => {
    const ok = await objcheck(['check', '--format', 'kv-edn', '--model', 'kv', join(porcupine, 'kv/c01-ok.txt')]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('linearizable: valid');
    const wrong = await objcheck(['check', '--format', 'etcd-log', join(porcupine, 'kv/c01-ok.txt')]);
    expect(wrong.code).toBe(3);
    expect(wrong.stderr).toMatch(/c01-ok\.txt:1: not a Jepsen log line/);
  });
});

describe('output to a reader that goes away', () => {
  it('`objcheck check … | head -1`: no stack trace, exit 2 (the verdict was not delivered in full)', async () => {
    const fixtures = resolve(import.meta.dirname, 'fixtures/jepsen');
    // 400 summaries (~150 kB): more than a pipe holds, so writing goes on after the close.
    const files = Array.from({ length: 400 }, () => join(fixtures, 'vector-one-a-line.edn'));
    const child = spawn(process.execPath, [cli, 'check', ...files], { env: { ...process.env, OBJCHECK_JOBS: '1' } });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    // As head does: read the first chunk, then close the pipe.
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise<number | null>((done) => child.on('close', done));
    expect(stderr).toBe('');
    expect(code).toBe(2);
  });
});
