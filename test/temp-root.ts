import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * vitest's global setup: one temporary folder per `vitest run`, as TMPDIR of every test worker and
 * of every process a test starts, removed when the run ends. Tests make hundreds of folders (runs,
 * results, data dirs, clusters) and a test that fails or times out never cleans up after itself:
 * without this, /tmp grew by gigabytes over a few days of CI runs.
 */
export default function setup(): () => void {
  const previous = process.env.TMPDIR;
  const root = mkdtempSync(join(tmpdir(), 'objcheck-tests-'));
  process.env.TMPDIR = root;
  return () => {
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
    rmSync(root, { recursive: true, force: true });
  };
}
