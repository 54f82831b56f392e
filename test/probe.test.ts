import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

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
