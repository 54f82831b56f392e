import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CheckResult } from '../../checkers/checker.js';
import { applyBaseline, readBaseline, type Baseline } from '../../src/check/baseline.js';
import type { Results } from '../../src/check/run-checkers.js';

const dir = mkdtempSync(join(tmpdir(), 'objcheck-baseline-'));
const file = (name: string, text: string) => {
  const f = join(dir, name);
  writeFileSync(f, text);
  return f;
};
const result = (valid: CheckResult['valid'], kinds: string[], extra: Record<string, unknown> = {}): CheckResult => ({
  valid,
  anomalies: kinds.map((kind, i) => ({ kind, ops: [i], explanation: `${kind} ${i}` })),
  ...extra,
});
const results = (checkers: Record<string, CheckResult>, complete = true): Results => ({
  valid: Object.values(checkers).some((c) => c.valid === false) ? false : true,
  complete,
  checkers,
  stats: {} as Results['stats'],
});
const baseline = (known: Baseline['known']): Baseline => ({ file: 'b.yml', known });

describe('baseline files', () => {
  it('reads YAML and JSON', () => {
    const yaml = readBaseline(file('b.yml', '# known on s3rver\nknown:\n  - checker: read-validity\n    kind: torn-read\n    target: s3rver\n    why: s3rver#123\n'));
    expect(yaml.known).toEqual([{ checker: 'read-validity', kind: 'torn-read', target: 's3rver', why: 's3rver#123' }]);
    expect(readBaseline(file('b.json', '{"known": [{"checker": "cas"}]}')).known).toEqual([{ checker: 'cas' }]);
  });

  it.each([
    ['bad.yml', 'known:\n  - checker: [unclosed\n', /bad\.yml(:\d+)?: not YAML or JSON/],
    ['nolist.yml', 'checker: cas\n', /nolist\.yml: field "known": a baseline is a map with "known:"/],
    ['field.yml', 'known:\n  - checker: cas\n    kinds: x\n', /field\.yml: known\[0\]: field "kinds" is not one of checker, kind, target, why/],
    ['nochecker.yml', 'known:\n  - kind: torn-read\n', /nochecker\.yml: known\[0\]: field "checker" is required/],
  ])('refuses %s in one line naming the file and the entry', (name, text, message) => {
    expect(() => readBaseline(file(name, text))).toThrow(message);
  });
});

describe('applying a baseline', () => {
  const r = results({ 'read-validity': result(false, ['torn-read', 'torn-read']), 'stale-reads': result(true, []) });

  it('passes a run whose every anomaly is known, and marks them', () => {
    const out = applyBaseline(r, baseline([{ checker: 'read-validity', kind: 'torn-read', why: 'known torn reads' }]), 's3rver');
    expect(out.baseline).toEqual({ file: 'b.yml', known: 2, new: 0, valid: true });
    expect(out.checkers['read-validity']!.anomalies.map((a) => a.known)).toEqual(['known torn reads', 'known torn reads']);
    expect(out.valid).toBe(false); // the checkers' own verdict is kept; the exit code follows the baseline's
  });

  it('fails on a kind, a checker or a target the baseline does not know', () => {
    expect(applyBaseline(r, baseline([{ checker: 'read-validity', kind: 'corrupt' }]), 's3rver').baseline).toMatchObject({ known: 0, new: 2, valid: false });
    expect(applyBaseline(r, baseline([{ checker: 'stale-reads' }]), 's3rver').baseline.valid).toBe(false);
    expect(applyBaseline(r, baseline([{ checker: 'read-validity', target: 'rgw' }]), 's3rver').baseline.valid).toBe(false);
    expect(applyBaseline(r, baseline([{ checker: 'read-validity', target: 'rgw' }]), undefined).baseline.valid).toBe(false);
    // A kind counted but not listed must be known too.
    const counted = results({ 'create-once': result(false, ['a'], { anomalyCounts: { a: 1, b: 7 } }) });
    expect(applyBaseline(counted, baseline([{ checker: 'create-once', kind: 'a' }]), 'x').baseline.valid).toBe(false);
    expect(applyBaseline(counted, baseline([{ checker: 'create-once' }]), 'x').baseline.valid).toBe(true);
  });

  it('keeps an incomplete run unknown, known deviations or not', () => {
    const incomplete = results({ 'read-validity': result(false, ['torn-read']) }, false);
    expect(applyBaseline(incomplete, baseline([{ checker: 'read-validity' }]), 'x').baseline.valid).toBe('unknown');
  });
});

describe('objcheck baseline and --baseline, as CI uses them', () => {
  const cli = resolve(import.meta.dirname, '../../dist/src/cli/main.js');
  const objcheck = (args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', cwd: dir, env: { ...process.env, AWS_CA_BUNDLE: '' } });

  it('a run with known anomalies exits 0 against the baseline written from it, 1 against one for another target', () => {
    const run = objcheck(['workload', '--target', 'emulator', '--consistency', 'quorum', '--write-quorum', '1', '--read-quorum', '1', '--write-delay', 'exp:50', '--time-limit', '2', '--name', 'stale']);
    expect(run.status, run.stderr).toBe(1);
    const folder = join(dir, 'results', 'stale');
    const written = objcheck(['baseline', folder, '--out', 'known.yml']);
    expect(written.status, written.stderr).toBe(0);
    const known = readBaseline(join(dir, 'known.yml')).known;
    expect(known.length).toBeGreaterThan(0);
    expect(known.every((k) => k.target === 'emulator')).toBe(true);

    const again = objcheck(['check', folder, '--baseline', 'known.yml']);
    expect(again.status, again.stdout).toBe(0);
    expect(again.stdout).toMatch(/^baseline known\.yml: [\d,]+ known, 0 new; only known deviations: passes$/m);
    expect(again.stdout).toMatch(/- \(known\) /);
    expect(JSON.parse(readFileSync(join(folder, 'results.json'), 'utf8')).baseline).toMatchObject({ new: 0, valid: true });

    writeFileSync(join(dir, 'other.yml'), readFileSync(join(dir, 'known.yml'), 'utf8').replaceAll('target: emulator', 'target: rgw'));
    const other = objcheck(['check', folder, '--baseline', 'other.yml']);
    expect(other.status).toBe(1);
    expect(other.stdout).toMatch(/^baseline other\.yml: 0 known, [\d,]+ new; new anomalies: fails$/m);

    const bad = objcheck(['check', folder, '--baseline', 'missing.yml']);
    expect(bad.status).toBe(3);
    expect(bad.stderr).toMatch(/^error: missing\.yml: cannot read the baseline: ENOENT\n$/);
  }, 60_000);
});
