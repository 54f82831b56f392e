import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runProbe } from '../src/probe/run-probe.js';
import { s3rverTarget } from '../src/targets/s3rver.js';

const cli = resolve(import.meta.dirname, '../dist/src/cli/main.js');

function probe(...args: string[]) {
  const r = spawnSync(process.execPath, [cli, 'probe', ...args], { encoding: 'utf8', env: { ...process.env, AWS_CA_BUNDLE: '' } });
  const rows = r.stdout.trim() && args.includes('--json') ? r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { check: string; expected: string; observed: string; ok: boolean }) : [];
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, rows };
}

describe('objcheck probe: S3 rules, expected beside observed', () => {
  it('the strong emulator does what AWS documents: every check matches, exit 0', () => {
    const r = probe('--target', 'emulator', '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(r.rows.length).toBeGreaterThanOrEqual(14);
    for (const row of r.rows) expect(row, row.check).toMatchObject({ ok: true, observed: row.expected });
  });

  it('s3rver ignores conditional PUTs (and accepts a wrong secret): each a deviation, exit 1', () => {
    const r = probe('--target', 's3rver', '--json');
    expect(r.code, r.stderr).toBe(1);
    const deviations = Object.fromEntries(r.rows.filter((x) => !x.ok).map((x) => [x.check, x.observed]));
    expect(deviations).toEqual({
      'PUT If-None-Match: * on an existing key': '200',
      'PUT If-Match: a wrong ETag': '200',
      'PUT If-Match on a missing key': '200',
      '8 racing PUTs If-None-Match: * on one new key': '8 win, 0 refused',
      'PUT with a wrong secret key': '200, the object was written',
    });
  });

  it('prints a table a person can read, naming each deviation', () => {
    const r = probe('--target', 's3rver');
    expect(r.stdout).toMatch(/^check\s+expected \(AWS\)\s+observed/);
    expect(r.stdout).toMatch(/PUT If-Match: a wrong ETag\s+412 PreconditionFailed\s+200\s+<-- deviates/);
    expect(r.stdout).toMatch(/5 of \d+ checks deviate from what AWS documents/);
  });

  it('a target with no S3 endpoint: one line saying so, exit 3', () => {
    const r = probe('--target', 'memory');
    expect(r.code).toBe(3);
    expect(r.stderr).toBe("error: probe checks S3's rules over HTTP, and the memory target has no S3 endpoint\n");
  });
});

describe('workload --probe', () => {
  it('runs the probe before the workload: its table in run.json and the report', () => {
    const results = mkdtempSync(join(tmpdir(), 'objcheck-probe-'));
    const r = spawnSync(process.execPath, [cli, 'workload', '--target', 's3rver', '--probe', '--ops', '50', '--results', results, '--name', 'run'], {
      encoding: 'utf8',
      env: { ...process.env, AWS_CA_BUNDLE: '' },
    });
    expect(r.stderr).toMatch(/probe: 5 of \d+ checks deviate from what AWS documents: PUT If-None-Match: \* on an existing key → 200/);
    const run = JSON.parse(readFileSync(join(results, 'run', 'run.json'), 'utf8'));
    expect(run.probe.filter((x: { ok: boolean }) => !x.ok)).toHaveLength(5);
    expect(readFileSync(join(results, 'run', 'report.html'), 'utf8')).toContain('<section id="probe"><h2>S3 conformance probe</h2>');
  });

  it("leaves none of its objects in the run's prefix, where a workload's LIST would see them", async () => {
    delete process.env.AWS_CA_BUNDLE;
    const opened = await s3rverTarget.open({ prefix: 'objcheck/probe-test/', seed: 1, opTimeoutMs: 2000, concurrency: 8, latencyMs: 0 });
    try {
      await opened.client.put('mine', new TextEncoder().encode('x'));
      const results = await runProbe(opened.s3!);
      expect(results.length).toBeGreaterThanOrEqual(14);
      expect(await opened.client.list('')).toEqual(['mine']);
    } finally {
      await opened.close();
    }
  });
});
