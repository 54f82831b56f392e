// History times are nanoseconds since the run started, but imported histories (Jepsen and
// Porcupine logs) carry line numbers instead: charts must not claim those are nanoseconds.

export interface TimeAxis {
  /** 's' for real runs; 'step' when times are event positions, not clock readings. */
  unit: 's' | 'step';
  /** Multiply a history time (ns) by this to get the axis value. */
  scale: number;
  title: string;
}

/** Clock times span at least a millisecond in any real run; line numbers never reach 1e6. */
export function timeAxis(lastEventTime: number): TimeAxis {
  return lastEventTime >= 1e6
    ? { unit: 's', scale: 1e-9, title: 'time since the run started (s)' }
    : { unit: 'step', scale: 1, title: 'event position (the history has no clock times)' };
}

/** An axis value rounded to what a reader can use: µs for seconds, exact for steps. */
export function toAxis(axis: TimeAxis, ns: number): number {
  return axis.unit === 's' ? Math.round(ns / 1e3) / 1e6 : ns;
}

/** How a time on this axis reads: seconds to the ms, or event positions. */
export function timeKind(axis: TimeAxis): 's' | 'step' {
  return axis.unit === 's' ? 's' : 'step';
}

/** How a latency reads: ms to 0.1, or a number of steps. */
export function latencyKind(axis: TimeAxis): 'ms' | 'step' {
  return axis.unit === 's' ? 'ms' : 'step';
}
