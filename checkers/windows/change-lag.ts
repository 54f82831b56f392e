import type { History, Op } from '../../src/history/event.js';

/** A kind of change, and how to tell from a probe that it is in force. */
export interface ChangeRule {
  /** The change op's f (grant, revoke, put…). */
  f: string;
  /** The window its lags go into. */
  window: string;
  /** Whether an ok probe shows this change in force. */
  shows(change: Op, probe: Op): boolean;
}

export interface LagSamples {
  /** One per change: ns from its completion to the start of the last probe that did not show it (0: none). */
  lags: number[];
  /** Changes no probe was seen to show before the next change (or the end): lower bounds, ns. */
  censored: number[];
}

/** One change's lag. */
export interface ChangeLag {
  window: string;
  change: Op;
  /** ns; a lower bound when censored. */
  lagNs: number;
  /** No probe showed the change before the next one (or the end of the history). */
  censored: boolean;
}

/**
 * Per change: how long after it completed probes still saw the old state. Each ok change opens
 * a span that ends where the next change is invoked; the probes made wholly inside it, invoked
 * after the change completed and completed before the next one began (by event order: real
 * time), are its evidence. The lag is the start of the last probe
 * that did not show the change, minus the change's completion: a lower bound of the true lag,
 * short of it by at most the gap between two probes. No such probe: 0.
 */
export function changeLagList(history: History, probeF: string, rules: readonly ChangeRule[]): ChangeLag[] {
  const byF = new Map(rules.map((r) => [r.f, r]));
  const changes = history.ops.filter((op) => byF.has(op.f));
  const probes = history.ops.filter((op) => op.f === probeF && op.type === 'ok');
  const out: ChangeLag[] = [];
  let first = 0;
  changes.forEach((change, i) => {
    if (change.type !== 'ok') return;
    const rule = byF.get(change.f)!;
    const end = changes[i + 1]?.invokeIndex ?? Infinity;
    while (first < probes.length && probes[first]!.invokeIndex < change.completeIndex!) first++;
    let lastOld: Op | undefined;
    let newAfterOld = false;
    let any = false;
    for (let k = first; k < probes.length && probes[k]!.invokeIndex < end; k++) {
      const p = probes[k]!;
      // Still in flight when the next change began: it may show that one instead.
      if (p.completeIndex! > end) continue;
      any = true;
      if (rule.shows(change, p)) newAfterOld = true;
      else {
        lastOld = p;
        newAfterOld = false;
      }
    }
    if (!any) return;
    const lagNs = lastOld ? Math.max(0, lastOld.invokeTime - change.completeTime!) : 0;
    out.push({ window: rule.window, change, lagNs, censored: lastOld !== undefined && !newAfterOld });
  });
  return out;
}

/** The lags grouped by window (every rule's window present, if empty). */
export function changeLags(history: History, probeF: string, rules: readonly ChangeRule[]): Map<string, LagSamples> {
  const out = new Map<string, LagSamples>(rules.map((r) => [r.window, { lags: [], censored: [] }]));
  for (const l of changeLagList(history, probeF, rules)) (l.censored ? out.get(l.window)!.censored : out.get(l.window)!.lags).push(l.lagNs);
  return out;
}
