import { resolve } from 'node:path';
import { projectRoot } from './tool-info.js';

/** The reference histories beside the checkout (../shared/corpus), or OBJCHECK_CORPUS. */
export function corpusDir(): string {
  return process.env.OBJCHECK_CORPUS ?? resolve(projectRoot(), '../shared/corpus');
}
