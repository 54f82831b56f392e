// `objcheck check` says only what a history proves (issue 16): nothing to check, an op no one
// knows, a cut-short history, a killed run's folder, a torn last line, a run that never started.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const cli = join(import.meta.dirname, '..', 'dist/src/cli/main.js');
const env = { ...process.env };
delete env.AWS_CA_BUNDLE;
const objcheck = (args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', env });
const tmp = () => mkdtempSync(join(tmpdir(), 'objcheck-verdicts-'));
const lines = (events: object[]) => events.map((e) => JSON.stringify(e)).join('\n') + '\n';
const put = (i: number, t: number, p: number, type: string, extra: object = {}) => ({ index: i, time: t, process: p, type, f: 'put', key: 'k0', ...extra });

describe('objcheck check verdicts', () => {
  it('an empty history: exit 2, nothing to check', () => {
    const file = join(tmp(), 'h.jsonl');
    writeFileSync(file, '');
    const r = objcheck(['check', file]);
    expect(r.status, r.stderr).toBe(2);
    expect(r.stdout).toMatch(/verdict: UNKNOWN: nothing to check/);
  });

  it('an op no workload knows: exit 3 naming file, line and field', () => {
    const file = join(tmp(), 'h.jsonl');
    writeFileSync(file, lines([put(0, 1000, 0, 'invoke', { value: 1 }), put(1, 2000, 0, 'ok'), { index: 2, time: 3000, process: 0, type: 'invoke', f: 'explode', key: 'k0' }, { index: 3, time: 4000, process: 0, type: 'ok', f: 'explode', key: 'k0' }]));
    const r = objcheck(['check', file]);
    expect(r.status).toBe(3);
    expect(r.stderr).toMatch(new RegExp(`^error: ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:3: field "f": "explode" is not an operation of any objcheck workload`));
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('open ops with no run.json and no end marker: incomplete, exit 2; with the end marker: valid', () => {
    const dir = tmp();
    const open = join(dir, 'open.jsonl');
    writeFileSync(open, lines([put(0, 1000, 0, 'invoke', { value: 1 }), put(1, 2000, 0, 'ok'), put(2, 3000, 1, 'invoke', { value: 2 })]));
    const r = objcheck(['check', open]);
    expect(r.status, r.stdout).toBe(2);
    expect(r.stdout).toMatch(/the run is incomplete/);
    expect(r.stderr).toMatch(/1 op\(s\) never completed/);
    const ended = join(dir, 'ended.jsonl');
    writeFileSync(ended, lines([put(0, 1000, 0, 'invoke', { value: 1 }), put(1, 2000, 0, 'ok'), { index: 2, time: 3000, process: 'nemesis', type: 'info', f: 'end' }]));
    expect(objcheck(['check', ended]).status).toBe(0);
    const after = join(dir, 'after.jsonl');
    writeFileSync(after, lines([put(0, 1000, 0, 'invoke', { value: 1 }), put(1, 2000, 0, 'ok'), { index: 2, time: 3000, process: 'nemesis', type: 'info', f: 'end' }, put(3, 4000, 0, 'invoke', { value: 3 })]));
    const a = objcheck(['check', after]);
    expect(a.status).toBe(3);
    expect(a.stderr).toMatch(/:4: an event after the end marker/);
  });

  it('a run writes the end marker; a killed run folder is checked, reported and listed as incomplete', () => {
    const results = tmp();
    const run = objcheck(['workload', '--ops', '40', '--results', results, '--name', 'done']);
    expect(run.status, run.stderr).toBe(0);
    const history = readFileSync(join(results, 'done', 'history.jsonl'), 'utf8').trim().split('\n');
    expect(JSON.parse(history.at(-1)!)).toMatchObject({ process: 'nemesis', type: 'info', f: 'end' });
    // A copy out of its folder still checks as complete.
    const copy = join(tmp(), 'copy.jsonl');
    writeFileSync(copy, history.join('\n') + '\n');
    expect(objcheck(['check', copy]).status).toBe(0);
    // As kill -9 leaves it: no end marker, an op left open, a torn last line, no results.json.
    const killed = join(results, 'killed');
    mkdirSync(killed);
    const runJson = JSON.parse(readFileSync(join(results, 'done', 'run.json'), 'utf8'));
    writeFileSync(join(killed, 'run.json'), JSON.stringify({ ...runJson, name: 'killed', complete: false, end: null, stopReason: null }));
    const body = history.slice(0, -1);
    const last = JSON.parse(body.at(-1)!) as { index: number; time: number };
    body.push(JSON.stringify({ index: last.index + 1, time: last.time + 1, process: 99, type: 'invoke', f: 'put', key: 'k0', value: 999 }));
    writeFileSync(join(killed, 'history.jsonl'), body.join('\n') + '\n{"index":' + (last.index + 2) + ',"time":');
    expect(objcheck(['report', killed]).stderr).toMatch(/run `objcheck check/);
    const c = objcheck(['check', '--report', killed]);
    expect(c.status, c.stderr).toBe(2);
    expect(c.stderr).toMatch(/^warning: .*history\.jsonl:\d+: the last line is cut short/m);
    expect(c.stdout).toMatch(/the run is incomplete/);
    expect(JSON.parse(readFileSync(join(killed, 'results.json'), 'utf8'))).toMatchObject({ valid: 'unknown', complete: false });
    expect(existsSync(join(killed, 'report.html'))).toBe(true);
    const rep = objcheck(['report', killed, '--index', results]);
    expect(rep.status, rep.stderr).toBe(0);
    expect(readFileSync(join(results, 'index.html'), 'utf8')).toMatch(/killed<\/a>.*\n.*incomplete/);
    // A broken line anywhere but last is still an error.
    writeFileSync(join(killed, 'history.jsonl'), body.slice(0, 3).join('\n') + '\n{"index":3,"ti\n' + body.slice(4).join('\n') + '\n');
    const bad = objcheck(['check', killed]);
    expect(bad.status).toBe(3);
    expect(bad.stderr).toMatch(/history\.jsonl:4: not valid JSON/);
  });

  it('an unchecked killed run is listed in the index', () => {
    const results = tmp();
    expect(objcheck(['workload', '--ops', '20', '--results', results, '--name', 'a']).status).toBe(0);
    rmSync(join(results, 'a', 'results.json'));
    expect(objcheck(['report', '--index', results]).status).toBe(0);
    expect(readFileSync(join(results, 'index.html'), 'utf8')).toMatch(/>a<\/a> <span class="muted">\(not checked/);
  });

  it('a run that fails at setup leaves no run folder', () => {
    const results = tmp();
    const r = objcheck(['workload', '--target', 'minio', '--endpoint', 'http://127.0.0.1:9', '--ops', '10', '--results', results, '--name', 'never']);
    expect(r.status).toBeGreaterThanOrEqual(3);
    expect(r.stderr).toMatch(/^error: /m);
    expect(readdirSync(results)).toEqual([]);
  });
});
