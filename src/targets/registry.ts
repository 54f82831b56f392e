import { memoryTarget } from './memory.js';
import type { Target } from './target.js';

/** Every target, by the name --target takes. A new target is one file and one line here. */
export const targets: ReadonlyMap<string, Target> = new Map([memoryTarget].map((t) => [t.name, t]));
