import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: the nearest directory above this file holding package.json. */
export function repoRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error('cannot find the repository root (no package.json above this script)');
    dir = up;
  }
  return dir;
}

/** The shared corpus beside the checkout (../shared/corpus), or OBJCHECK_CORPUS. */
export function corpusDir(): string {
  return process.env.OBJCHECK_CORPUS ?? path.resolve(repoRoot(), '../shared/corpus');
}
