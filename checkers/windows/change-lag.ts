import type { History, Op } from '../../src/history/event.js';
import type { GroundTruthEvent } from '../../src/history/ground-truth.js';

/** A kind of change, and how to tell from a probe that it is in force. */
export interface ChangeRule {
  /** The change op's f (grant, revoke, put…). */
  f: string;
  /** The window its lags go into. */
  window: string;
  /** Whether an ok probe shows this change in force. */
  shows(change: Op, probe: Op): boolean;
  /**
   * The emulator's ground-truth setting whose control events are these changes, one event each
   * (replica: a replicated write). With ground truth, the window is taken at the store.
   */
  truthSetting?: Extract<GroundTruthEvent, { kind: 'control' }>['setting'];
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
  /** ns: the middle of [lowerNs, upperNs]; the lower bound when censored. */
  lagNs: number;
  /** Certain: a probe that started this long after the change completed still saw the old state. */
  lowerNs: number;
  /** The end of the first probe after that one that showed the change (lowerNs when censored, or when none saw the old state). */
  upperNs: number;
  /** No probe showed the change before the next one (or the end of the history). */
  censored: boolean;
}

/**
 * Per change: how long after it completed probes still saw the old state. Each ok change opens
 * a span that ends where the next change is invoked; the probes made wholly inside it, invoked
 * after the change completed and completed before the next one began (by event order: real
 * time), are its evidence. The change took effect after the start of the last probe that did
 * not show it (each probe saw the store at some instant while it ran) and before the end of the
 * first later probe that did: the lag is the middle of that bracket, measured from the change's
 * completion, so that probe latency biases it neither way. No probe in the old state: 0.
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
    let firstNew: Op | undefined;
    let any = false;
    for (let k = first; k < probes.length && probes[k]!.invokeIndex < end; k++) {
      const p = probes[k]!;
      // Still in flight when the next change began: it may show that one instead.
      if (p.completeIndex! > end) continue;
      any = true;
      if (rule.shows(change, p)) firstNew ??= p;
      else {
        lastOld = p;
        firstNew = undefined;
      }
    }
    if (!any) return;
    if (!lastOld) {
      out.push({ window: rule.window, change, lagNs: 0, lowerNs: 0, upperNs: 0, censored: false });
      return;
    }
    const lowerNs = Math.max(0, lastOld.invokeTime - change.completeTime!);
    const upperNs = firstNew ? Math.max(lowerNs, firstNew.completeTime! - change.completeTime!) : lowerNs;
    out.push({ window: rule.window, change, lagNs: (lowerNs + upperNs) / 2, lowerNs, upperNs, censored: !firstNew });
  });
  return out;
}

/** The lags grouped by window (every rule's window present, if empty). */
export function changeLags(history: History, probeF: string, rules: readonly ChangeRule[]): Map<string, LagSamples> {
  const out = new Map<string, LagSamples>(rules.map((r) => [r.window, { lags: [], censored: [] }]));
  for (const l of changeLagList(history, probeF, rules)) (l.censored ? out.get(l.window)!.censored : out.get(l.window)!.lags).push(l.lagNs);
  return out;
}

/**
 * Lags as the store saw them, from its ground truth: each control event of the setting is one
 * change, from when the store acknowledged it to when it was in force (ns), exact. The client's
 * view adds its own latency: under load the answer arrives late, and a lag shorter than that
 * delay looks like none (a replica 50 ms behind measured 0 ms after a 53 ms answer). The
 * harness's own objects (the preflight's .objcheck-* keys) are left out.
 */
export function storeSideLags(events: readonly GroundTruthEvent[], setting: string): number[] {
  const lags: number[] = [];
  for (const e of events) {
    if (e.kind !== 'control' || e.setting !== setting || e.key?.includes('/.objcheck-')) continue;
    lags.push(Math.max(0, e.effectiveNs - e.atNs));
  }
  return lags;
}
