import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');
const cli = join(root, 'dist/src/cli/main.js');
const engines = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { engines: { node: string } }).engines.node;
// A runtime warning (the SDK's end-of-life notice, a deprecation, an experimental feature) in front
// of a user's output is noise they cannot act on, and hides the lines that matter.
const RUNTIME_WARNING = /node\.?js (version|\d)|end[- ]of[- ]life|NodeVersionWarning|DeprecationWarning|ExperimentalWarning|\(node:\d+\)/i;

describe('the runtime', () => {
  it('is a Node.js the project supports (engines.node)', () => {
    const min = /^>=(\d+)\.(\d+)/.exec(engines);
    expect(min, `engines.node ${engines}`).not.toBeNull();
    const [major, minor] = process.versions.node.split('.').map(Number);
    console.log(`tests run on node ${process.version} (engines.node ${engines})`);
    expect(major * 1000 + minor).toBeGreaterThanOrEqual(Number(min![1]) * 1000 + Number(min![2]));
  });

  it('prints no warning about itself in a run against the emulator or in check', () => {
    const results = mkdtempSync(join(tmpdir(), 'objcheck-rt-'));
    const env = { ...process.env };
    delete env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED;
    delete env.AWS_CA_BUNDLE;
    const run = spawnSync(process.execPath, [cli, 'workload', '--target', 'emulator', '--ops', '30', '--results', results, '--name', 'rt'], { env, encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout + run.stderr).not.toMatch(RUNTIME_WARNING);
    const check = spawnSync(process.execPath, [cli, 'check', join(results, 'rt')], { env, encoding: 'utf8' });
    expect(check.stdout + check.stderr).not.toMatch(RUNTIME_WARNING);
    expect(check.stdout).toMatch(/VALID/);
  });
});
