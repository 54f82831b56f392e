// Nemesis events as the charts draw them: a shaded window from a `start-X` to the matching
// `stop-X` (Jepsen's convention), and a rule at every nemesis event.

import type { HistoryEvent } from '../history/event.js';
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

/**
 * Pairs `start-X` with the next `stop-X`: a window runs from the first start event (Jepsen logs
 * an invoke and an info for each) to the last stop event before the next start.
 */
export function faultWindows(nemesis: readonly HistoryEvent[], axis: TimeAxis, endNs: number, maxEvents = 2000): Faults {
  const open = new Map<string, number>();
  const windows: { fault: string; from: number; to: number | null }[] = [];
  const last = new Map<string, (typeof windows)[number]>();
  for (const ev of nemesis) {
    const m = /^(start|stop)[-_](.+)$/.exec(ev.f);
    if (!m) continue;
    const [, edge, fault] = m as unknown as [string, 'start' | 'stop', string];
    if (edge === 'start') {
      if (!open.has(fault)) {
        open.set(fault, ev.time);
        const w = { fault, from: ev.time, to: null };
        windows.push(w);
        last.set(fault, w);
      }
    } else {
      const w = last.get(fault);
      if (w && (open.has(fault) || w.to !== null)) w.to = ev.time;
      open.delete(fault);
    }
  }
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
