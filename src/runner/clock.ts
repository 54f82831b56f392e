// This run's clock record (src/history/clock.ts): the wall anchor, read at one instant, and ε
// from the best source there is.
import { spawnSync } from 'node:child_process';
import { parseChronyTracking, type ClockRecord } from '../history/clock.js';

/**
 * Date.now() and the monotonic clock at one instant. Date.now() counts whole milliseconds: we
 * wait (at most a millisecond, busy) for it to tick, and read the monotonic clock at once, so
 * the anchor is exact to microseconds, not to the millisecond Date.now() would truncate.
 */
export function takeAnchor(origin: bigint, offsetMs = 0): ClockRecord['anchor'] {
  const before = Date.now();
  let wallMs = before;
  let mono = process.hrtime.bigint();
  const deadline = mono + 5_000_000n;
  while (wallMs === before && mono < deadline) {
    wallMs = Date.now();
    mono = process.hrtime.bigint();
  }
  return { wallMs: wallMs + offsetMs, monoNs: Number(mono - origin) };
}

/** chrony's bound, when chronyc is installed and answers within a second; undefined otherwise. */
export function readChrony(): ReturnType<typeof parseChronyTracking> | undefined {
  const r = spawnSync('chronyc', ['-c', 'tracking'], { encoding: 'utf8', timeout: 1000 });
  if (r.error || r.status !== 0) return undefined;
  return parseChronyTracking(r.stdout);
}

/**
 * The run's clock record. --clock-error-ms, when given, is the bound (the user may know more,
 * e.g. PTP, or be testing); otherwise chrony's; otherwise none, and run.json says ε is unknown.
 * What chrony said is kept in the detail either way.
 */
export function clockRecord(origin: bigint, options: { clockErrorMs?: number; clockOffsetMs?: number }, chrony = readChrony()): ClockRecord {
  const anchor = takeAnchor(origin, options.clockOffsetMs);
  const offset = options.clockOffsetMs !== undefined ? { offsetMs: options.clockOffsetMs } : {};
  if (options.clockErrorMs !== undefined) {
    return { anchor, epsilonMs: options.clockErrorMs, source: 'flag', detail: `--clock-error-ms ${options.clockErrorMs}${chrony ? `; ${chrony.detail}` : ''}`, ...offset };
  }
  if (chrony?.epsilonMs != null) return { anchor, epsilonMs: chrony.epsilonMs, source: 'chrony', detail: chrony.detail, ...offset };
  return {
    anchor,
    epsilonMs: null,
    source: 'none',
    detail: chrony ? `${chrony.detail}; no --clock-error-ms` : 'no chronyc here and no --clock-error-ms: the clock error is unknown',
    ...offset,
  };
}
