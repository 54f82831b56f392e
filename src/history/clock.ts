// A run's clock, as run.json records it for `objcheck merge`: where its monotonic history times
// sit on the wall clock (the anchor), and how far that wall clock may be from true time (ε).
// Two runs' times compare only through their anchors, and only to within ε of each.

/** Where ε came from: AWS ClockBound's or chrony's own bound, the user's --clock-error-ms, or nowhere (ε unknown). */
export type ClockSource = 'clockbound' | 'chrony' | 'flag' | 'none';

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

/** The signature of a ClockBound shared memory segment: "AMZNCB", then 0x02 0x00. */
const CLOCKBOUND_MAGIC = [0x41, 0x4d, 0x5a, 0x4e, 0x43, 0x42, 0x02, 0x00];
const CLOCK_STATUS = ['unknown', 'synchronized', 'free-running', 'disrupted'];

/**
 * AWS ClockBound's shared memory segment (`/var/run/clockbound/shm0`, protocol versions 1 and 2;
 * native byte order, little-endian on x86_64 and Graviton) as a bound on this clock's error now.
 * The daemon writes the bound as of an instant of CLOCK_MONOTONIC (whose base process.hrtime
 * shares), the instant after which it must not be trusted, and the drift rate: the bound at
 * `monoNowNs` is bound + (now - as of) * drift. A segment mid-update (odd generation), void, or
 * of a clock not synchronized gives none, saying why.
 */
export function parseClockBound(segment: Uint8Array, monoNowNs: bigint): ChronyBound | { retry: true } {
  const none = (why: string): ChronyBound => ({ epsilonMs: null, detail: `ClockBound: ${why}` });
  if (segment.byteLength < 72 || !CLOCKBOUND_MAGIC.every((b, i) => segment[i] === b)) return none('the segment does not start with its magic number');
  const v = new DataView(segment.buffer, segment.byteOffset, segment.byteLength);
  const version = v.getUint16(12, true);
  if (version !== 1 && version !== 2) return none(`protocol version ${version}, not 1 or 2`);
  if (v.getUint16(14, true) % 2 === 1) return { retry: true };
  const at = (offset: number) => v.getBigInt64(offset, true) * 1_000_000_000n + v.getBigInt64(offset + 8, true);
  const asOf = at(16);
  const voidAfter = at(32);
  const boundNs = v.getBigInt64(48, true);
  // Version 2 put a disruption marker after the bound.
  const driftPpb = v.getUint32(version === 2 ? 64 : 56, true);
  const status = v.getInt32(version === 2 ? 68 : 64, true);
  if (status !== 1) return none(`the clock is ${CLOCK_STATUS[status] ?? `in status ${status}`}, not synchronized`);
  if (monoNowNs > voidAfter) return none(`its bound is void since ${Number(monoNowNs - voidAfter) / 1e9} s`);
  const ageNs = monoNowNs > asOf ? monoNowNs - asOf : 0n;
  const epsilonNs = Number(boundNs) + (Number(ageNs) * driftPpb) / 1e9;
  return {
    epsilonMs: epsilonNs / 1e6,
    detail: `ClockBound: bound ${(Number(boundNs) / 1e6).toPrecision(3)} ms as of ${(Number(ageNs) / 1e6).toFixed(0)} ms ago, drift ${driftPpb} ppb`,
  };
}
