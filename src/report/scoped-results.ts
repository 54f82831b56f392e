// A mixed run checks each part on its own keys under names like "register:visibility"; the
// report's charts look for a checker's results under its own name and under every part's.

import type { CheckResult } from '../../checkers/checker.js';
import { PART_SEPARATOR } from '../history/parts.js';
import type { Results } from '../check/run-checkers.js';

export interface ScopedResult {
  /** The name in results.json ("visibility", "register:visibility"). */
  name: string;
  /** The part of a mixed run, or undefined for a whole-run checker. */
  part?: string;
  result: CheckResult;
}

/** The results of checker `base`, whole-run first, then each part's, in results.json's order. */
export function resultsOf(results: Results, base: string): ScopedResult[] {
  const out: ScopedResult[] = [];
  for (const [name, result] of Object.entries(results.checkers)) {
    if (name === base) out.unshift({ name, result });
    else if (name.endsWith(`${PART_SEPARATOR}${base}`)) out.push({ name, part: name.slice(0, -base.length - PART_SEPARATOR.length), result });
  }
  return out;
}
