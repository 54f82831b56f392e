import type { HistoryEvent } from './event.js';

export interface FaultPeriod {
  fault: string;
  /** ns since the run started. */
  from: number;
  /** null when the history ends with the fault still on. */
  to: number | null;
}

/**
 * Pairs `start-X` with the next `stop-X` among the nemesis events (Jepsen's convention): a
 * period runs from the first start event (Jepsen logs an invoke and an info for each) to the
 * last stop event before the next start.
 */
export function faultPeriods(nemesis: readonly HistoryEvent[]): FaultPeriod[] {
  const open = new Set<string>();
  const periods: FaultPeriod[] = [];
  const last = new Map<string, FaultPeriod>();
  for (const ev of nemesis) {
    const m = /^(start|stop)[-_](.+)$/.exec(ev.f);
    if (!m) continue;
    const [, edge, fault] = m as unknown as [string, 'start' | 'stop', string];
    if (edge === 'start') {
      if (!open.has(fault)) {
        open.add(fault);
        const p = { fault, from: ev.time, to: null };
        periods.push(p);
        last.set(fault, p);
      }
    } else {
      const p = last.get(fault);
      if (p && (open.has(fault) || p.to !== null)) p.to = ev.time;
      open.delete(fault);
    }
  }
  return periods;
}

/** Whether a moment (ns) falls inside any of the periods. */
export function duringFault(periods: readonly FaultPeriod[], at: number): boolean {
  return periods.some((p) => at >= p.from && (p.to === null || at <= p.to));
}
