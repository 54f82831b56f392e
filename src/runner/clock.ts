// This run's clock record (src/history/clock.ts): the wall anchor, read at one instant, and ε
// from the best source there is.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { parseChronyTracking, parseClockBound, type ChronyBound, type ClockRecord } from '../history/clock.js';

/** An anchor whose instant is known to within this is taken at once; a worse one is bettered on a later tick. */
const GOOD_ENOUGH_NS = 20_000n;

/**
 * Date.now() and the monotonic clock at one instant. Date.now() counts whole milliseconds, so
 * the instant it ticks is the wall time w.000 exactly; we watch for the tick between two reads
 * of the monotonic clock, a before and b after each read of Date.now(): the tick to w fell after
 * the last read that still said w - 1 (after its a) and before the read that says w (before its
 * b). The midpoint is the anchor, half that span its error. A process preempted between two
 * reads (a loaded machine) makes one span long, not the anchor wrong: such a tick is kept only
 * if no better one comes within 50 ms.
 */
export function takeAnchor(origin: bigint, offsetMs = 0): ClockRecord['anchor'] {
  const deadline = process.hrtime.bigint() + 50_000_000n;
  let best: { wallMs: number; mono: bigint; span: bigint } | undefined;
  let lastWall = Date.now();
  let lastA = process.hrtime.bigint();
  for (;;) {
    const a = process.hrtime.bigint();
    const wall = Date.now();
    const b = process.hrtime.bigint();
    if (wall !== lastWall) {
      const span = b - lastA;
      if (!best || span < best.span) best = { wallMs: wall, mono: lastA + span / 2n, span };
      if (span <= GOOD_ENOUGH_NS || b > deadline) break;
    }
    lastWall = wall;
    lastA = a;
  }
  return { wallMs: best.wallMs + offsetMs, monoNs: Number(best.mono - origin), errorMs: Number(best.span) / 2e6 };
}

/** chrony's bound, when chronyc is installed and answers within a second; undefined otherwise. */
export function readChrony(): ReturnType<typeof parseChronyTracking> | undefined {
  const r = spawnSync('chronyc', ['-c', 'tracking'], { encoding: 'utf8', timeout: 1000 });
  if (r.error || r.status !== 0) return undefined;
  return parseChronyTracking(r.stdout);
}

export const CLOCKBOUND_SEGMENT = '/var/run/clockbound/shm0';

/**
 * AWS ClockBound's bound, when its daemon runs here (its shared memory segment exists);
 * undefined otherwise. A segment caught mid-update is read again.
 */
export function readClockBound(path = CLOCKBOUND_SEGMENT): ChronyBound | undefined {
  for (let attempt = 0; attempt < 100; attempt++) {
    let segment: Buffer;
    try {
      segment = readFileSync(path);
    } catch {
      return undefined;
    }
    const b = parseClockBound(segment, process.hrtime.bigint());
    if (!('retry' in b)) return b;
  }
  return { epsilonMs: null, detail: 'ClockBound: its segment stayed mid-update' };
}

/**
 * The run's clock record. --clock-error-ms, when given, is the bound (the user may know more,
 * e.g. PTP, or be testing); otherwise AWS ClockBound's, where its daemon runs (chrony's bound,
 * grown by the drift since); otherwise chrony's; otherwise none, and run.json says ε is unknown.
 * What the sources said is kept in the detail either way.
 */
export function clockRecord(origin: bigint, options: { clockErrorMs?: number; clockOffsetMs?: number }, chrony = readChrony(), clockBound = readClockBound()): ClockRecord {
  const anchor = takeAnchor(origin, options.clockOffsetMs);
  const offset = options.clockOffsetMs !== undefined ? { offsetMs: options.clockOffsetMs } : {};
  if (options.clockErrorMs !== undefined) {
    return { anchor, epsilonMs: options.clockErrorMs, source: 'flag', detail: `--clock-error-ms ${options.clockErrorMs}${chrony ? `; ${chrony.detail}` : ''}`, ...offset };
  }
  if (clockBound?.epsilonMs != null) return { anchor, epsilonMs: clockBound.epsilonMs, source: 'clockbound', detail: clockBound.detail, ...offset };
  if (chrony?.epsilonMs != null) return { anchor, epsilonMs: chrony.epsilonMs, source: 'chrony', detail: `${chrony.detail}${clockBound ? `; ${clockBound.detail}` : ''}`, ...offset };
  return {
    anchor,
    epsilonMs: null,
    source: 'none',
    detail: chrony ? `${chrony.detail}; no --clock-error-ms` : 'no chronyc here and no --clock-error-ms: the clock error is unknown',
    ...offset,
  };
}
