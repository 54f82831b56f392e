import type { History } from '../../src/history/event.js';
import type { Anomaly, CheckResult } from '../checker.js';
import type { GroundTruthEvent } from '../../src/history/ground-truth.js';
import { changeLags, storeSideLags, type ChangeRule } from './change-lag.js';
import { estimateWindow, type WindowEstimate } from './estimate.js';
import { PROMISES } from './promises.js';

/** One measured window, as results.json and the report carry it. */
export interface WindowFigure extends WindowEstimate {
  name: string;
  what: string;
  promise: { google: string; amazon: string };
  /** Where the lags were taken: at the client (after its answer) or at the store (ground truth). */
  measuredAt: 'client' | 'store';
}

export interface WindowsSpec {
  /** The probe op's f. */
  probe: string;
  rules: readonly ChangeRule[];
  /** Anomalies beyond the measurement (a cache stale beyond its max-age…). */
  judge?(history: History, figures: WindowFigure[]): Anomaly[];
}

/**
 * The shared checker of the measurement workloads: a window per kind of change, each with its
 * sample count, median, bootstrap interval and maximum, and the vendors' promise beside it.
 * A measurement, not a judgement, unless the workload's `judge` finds a broken promise.
 */
export function checkWindows(history: History, spec: WindowsSpec, seed = 1, groundTruth?: readonly GroundTruthEvent[]): CheckResult {
  const lags = changeLags(history, spec.probe, spec.rules);
  const windows: WindowFigure[] = [...lags].map(([name, s]) => {
    const p = PROMISES[name] ?? { what: name, google: 'no documented promise', amazon: 'no documented promise' };
    const setting = spec.rules.find((r) => r.window === name)?.truthSetting;
    const atStore = groundTruth !== undefined && setting !== undefined ? storeSideLags(groundTruth, setting) : [];
    // At the store when the target said what it did; the probes' view otherwise.
    const estimate = atStore.length > 0 ? estimateWindow(atStore, [], seed) : estimateWindow(s.lags, s.censored, seed);
    return { name, what: p.what, promise: { google: p.google, amazon: p.amazon }, measuredAt: atStore.length > 0 ? 'store' : 'client', ...estimate };
  });
  const anomalies = spec.judge?.(history, windows) ?? [];
  return { valid: anomalies.length === 0, anomalies, windows, summary: windows.map(windowWords).join('; ') };
}

/** "revoke: 301.2 ms (median of 5, 95% CI 298.0–303.1, max 305.0)": one window in words. */
export function windowWords(w: WindowFigure): string {
  const beyond = w.censored > 0 ? `; ${w.censored} not yet in force at the next change or the end (at least ${w.atLeastMs!.toFixed(1)} ms)` : '';
  if (w.ms === null) return `${w.name}: ${w.reason}${beyond}`;
  const ci = w.ci95 ? `, 95% CI ${w.ci95[0].toFixed(1)}–${w.ci95[1].toFixed(1)}` : '';
  const where = w.measuredAt === 'store' ? ' at the store' : '';
  return `${w.name}: ${w.ms.toFixed(1)} ms${where} (median of ${w.samples}${ci}, max ${w.maxMs!.toFixed(1)})${w.enough ? '' : ' (not enough data)'}${beyond}`;
}
