// Nemesis events as the charts draw them: a shaded window from a `start-X` to the matching
// `stop-X` (Jepsen's convention), and a rule at every nemesis event.

import type { HistoryEvent } from '../history/event.js';
import { faultPeriods } from '../history/fault-periods.js';
import { toAxis, type TimeAxis } from './time-axis.js';

export interface FaultWindow {
  fault: string;
  from: number;
  /** The chart's end when the history stops while the fault is still on. */
  to: number;
  open: boolean;
}

export interface FaultEvent {
  at: number;
  f: string;
  type: string;
  text: string;
}

export interface Faults {
  windows: FaultWindow[];
  events: FaultEvent[];
  /** Events left out of `events` (rules) beyond the budget. */
  omitted: number;
}

/** The fault periods (src/history/fault-periods.ts) and the nemesis events, on the chart's axis. */
export function faultWindows(nemesis: readonly HistoryEvent[], axis: TimeAxis, endNs: number, maxEvents = 2000): Faults {
  const windows = faultPeriods(nemesis);
  const events = nemesis.slice(0, maxEvents).map((ev) => ({
    at: toAxis(axis, ev.time),
    f: ev.f,
    type: ev.type,
    text: `${ev.f} ${ev.type}${ev.value === undefined ? '' : ` ${JSON.stringify(ev.value)}`}${ev.error ? ` (${ev.error})` : ''}`,
  }));
  return {
    windows: windows.map((w) => ({ fault: w.fault, from: toAxis(axis, w.from), to: toAxis(axis, w.to ?? endNs), open: w.to === null })),
    events,
    omitted: Math.max(0, nemesis.length - maxEvents),
  };
}
