// Verdicts in words, the same words wherever the report shows one (page, index, JUnit).

import type { CheckResult, Validity } from '../../checkers/checker.js';

export function overallWords(v: Validity): string {
  return v === true ? 'VALID' : v === false ? 'ANOMALIES FOUND' : 'UNKNOWN';
}

export function checkerWords(r: CheckResult): string {
  if (r.valid === true) return 'valid';
  if (r.valid === false) {
    const n = r.anomalies.length + (typeof r.anomaliesOmitted === 'number' ? r.anomaliesOmitted : 0);
    return `INVALID: ${n} anomal${n === 1 ? 'y' : 'ies'}`;
  }
  return 'unknown';
}

/** The CSS class (and colour) of a verdict. */
export function verdictClass(v: Validity): string {
  return `v-${String(v)}`;
}
