import type { Checker } from './checker.js';
import { linearizable } from './linearizable/index.js';
import { readValidity } from './read-validity.js';

/** Every checker, by name. A new checker is one file and one line here. */
export const checkers: ReadonlyMap<string, Checker> = new Map([readValidity, linearizable].map((c) => [c.name, c]));
