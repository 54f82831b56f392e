// A run's clock, as run.json records it for `objcheck merge`: where its monotonic history times
// sit on the wall clock (the anchor), and how far that wall clock may be from true time (ε).
// Two runs' times compare only through their anchors, and only to within ε of each.

/** Where ε came from: chrony's own bound, the user's --clock-error-ms, or nowhere (ε unknown). */
export type ClockSource = 'chrony' | 'flag' | 'none';

export interface ClockRecord {
  /**
   * One instant read on both clocks: `wallMs` (Date.now(), ms since the epoch, shifted by
   * `offsetMs` when that test knob is given) and `monoNs` (the history's clock: ns since the
   * run's origin). A history time t is at wall time wallMs + (t - monoNs) / 1e6. `errorMs`:
   * how far apart the two reads may be (src/runner/clock.ts); the merge adds it to ε.
   */
  anchor: { wallMs: number; monoNs: number; errorMs?: number };
  /** The bound on |this wall clock - true time| in ms; null when no source gave one. */
  epsilonMs: number | null;
  source: ClockSource;
  /** What the source said, in a few words (chrony's figures, or why there is no bound). */
  detail: string;
  /** --clock-offset-ms, a test knob: ms added to this run's wall anchor (a clock that is off). */
  offsetMs?: number;
}

/** The bound the merge holds the run's ops to: ε and the anchor's own error (0 where ε is unknown). */
export function widening(clock: ClockRecord): number {
  return (clock.epsilonMs ?? 0) + (clock.anchor.errorMs ?? 0);
}

/** A history time (ns since the run's origin) as ns since the epoch, through the run's anchor. */
export function wallNs(clock: ClockRecord, timeNs: number): number {
  return clock.anchor.wallMs * 1e6 + (timeNs - clock.anchor.monoNs);
}

/** What chrony says of this clock: its bound in ms, or why it gives none. */
export type ChronyBound = { epsilonMs: number; detail: string } | { epsilonMs: null; detail: string };

/**
 * `chronyc -c tracking` (one line of comma-separated fields: reference ID, its name, stratum,
 * reference time, system time offset, last offset, RMS offset, frequency, residual frequency,
 * skew, root delay, root dispersion, update interval, leap status; times in seconds) as a bound
 * on the clock's error. chrony's documentation gives it: |system time offset| + root dispersion
 * + root delay / 2. A clock chrony calls "Not synchronised" has no bound.
 */
export function parseChronyTracking(output: string): ChronyBound {
  const line = output.split('\n').find((l) => l.trim() !== '');
  const fields = line?.trim().split(',') ?? [];
  if (fields.length < 14) return { epsilonMs: null, detail: `chronyc -c tracking said ${JSON.stringify(output.trim().slice(0, 80))}, not its 14 fields` };
  const leap = fields[13]!;
  if (/not synchron/i.test(leap)) return { epsilonMs: null, detail: `chrony: leap status ${JSON.stringify(leap)}: the clock is not synchronised` };
  const [offset, rootDelay, rootDispersion] = [fields[4]!, fields[10]!, fields[11]!].map(Number) as [number, number, number];
  if (![offset, rootDelay, rootDispersion].every(Number.isFinite)) return { epsilonMs: null, detail: `chronyc -c tracking: fields 5, 11 and 12 are not numbers: ${JSON.stringify(line)}` };
  const epsilonS = Math.abs(offset) + rootDispersion + rootDelay / 2;
  const ms = (s: number) => `${(s * 1e3).toPrecision(3)} ms`;
  return {
    epsilonMs: epsilonS * 1e3,
    detail: `chrony (reference ${fields[1] || fields[0]}, stratum ${fields[2]}): offset ${ms(Math.abs(offset))} + root dispersion ${ms(rootDispersion)} + root delay ${ms(rootDelay)} / 2`,
  };
}
