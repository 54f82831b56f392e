import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project's root: where package.json is, whether running from src/ or dist/src/. */
export function projectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    try {
      const pkg = JSON.parse(readFileSync(resolve(dir, 'package.json'), 'utf8')) as { name?: string };
      if (pkg.name === 'objcheck') return dir;
    } catch {
      // not here; look higher
    }
    dir = dirname(dir);
  }
  return process.cwd();
}

export interface ToolInfo {
  name: string;
  version: string;
  /** The commit the tool was built from, and whether its tree had uncommitted changes. */
  git: { commit: string; dirty: boolean } | null;
  node: string;
}

export function toolInfo(): ToolInfo {
  const root = projectRoot();
  let version = 'unknown';
  try {
    version = (JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    // keep unknown
  }
  return { name: 'objcheck', version, git: gitState(root), node: process.version };
}

function gitState(root: string): ToolInfo['git'] {
  try {
    const opts = { cwd: root, encoding: 'utf8' as const, stdio: ['ignore', 'pipe', 'ignore'] as ['ignore', 'pipe', 'ignore'] };
    const commit = execFileSync('git', ['rev-parse', 'HEAD'], opts).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], opts).trim() !== '';
    return { commit, dirty };
  } catch {
    return null;
  }
}
