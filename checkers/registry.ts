import type { Checker } from './checker.js';
import { readValidity } from './read-validity.js';

/** Every checker, by name. A new checker is one file and one line here. */
export const checkers: ReadonlyMap<string, Checker> = new Map([readValidity].map((c) => [c.name, c]));
