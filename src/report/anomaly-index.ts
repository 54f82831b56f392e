// Every anomaly of every checker, flattened once: the timeline marks them, the table lists them,
// and both must agree on which ops are involved.

import type { Anomaly } from '../../checkers/checker.js';
import type { Results } from '../check/run-checkers.js';

export interface AnomalyRef extends Anomaly {
  checker: string;
  /** Position in the flattened list: the anchor the table and the charts share. */
  n: number;
}

export function listAnomalies(results: Results): AnomalyRef[] {
  const out: AnomalyRef[] = [];
  for (const [checker, r] of Object.entries(results.checkers)) {
    for (const a of r.anomalies ?? []) out.push({ ...a, checker, n: out.length });
  }
  return out;
}

/** Invoke index → the kinds of anomaly that involve that op. */
export function anomalousOps(anomalies: readonly AnomalyRef[]): Map<number, string[]> {
  const byOp = new Map<number, string[]>();
  for (const a of anomalies) {
    for (const i of a.ops) {
      const kinds = byOp.get(i);
      if (!kinds) byOp.set(i, [a.kind]);
      else if (!kinds.includes(a.kind)) kinds.push(a.kind);
    }
  }
  return byOp;
}
