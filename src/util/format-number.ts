// Numbers for people, rounded to what they mean: one place, so the CLI, the report and the
// checkers' sentences say a figure the same way.

/** History time (ns since the run started) as seconds to the ms: "12.345 s". */
export function formatSeconds(ns: number): string {
  return `${(ns / 1e9).toFixed(3)} s`;
}

/** A duration in ns as ms to the µs, for sentences about single ops: "12.345 ms". */
export function formatNsAsMs(ns: number): string {
  return `${(ns / 1e6).toFixed(3)} ms`;
}

/**
 * An event's time in a counterexample: seconds for our histories (ns since the start), the event
 * position for imported ones (whose times are positions, below a millisecond); "never" for none.
 */
export function formatEventTime(ns: number | null): string {
  if (ns === null) return 'never';
  if (ns >= 1e6) return formatSeconds(ns);
  return `${ns} ns`;
}

/** A duration in ms to 0.1 ms ("7.5 ms", "1,204.0 ms"); null or infinite as "∞". */
export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '∞ ms';
  return `${ms.toLocaleString('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 })} ms`;
}

/** A fraction as a percentage to 0.1 ("98.7%"). */
export function formatPercent(fraction: number): string {
  return formatNumber(fraction, 'percent');
}

/** A count with its noun ("1 read", "5,210 reads"). */
export function formatCount(n: number, noun: string): string {
  return `${n.toLocaleString('en-US')} ${noun}${n === 1 ? '' : 's'}`;
}

// The report's numbers, by what they measure: in its HTML (tables) and on the page, which embeds
// formatNumber's source to title tooltips the same way.

/** How a number reads: what it measures decides its precision. */
export type NumberKind = 'ms' | 'percent' | 's' | 'step' | 'rate' | 'count';

/**
 * A number as a reader needs it. Self-contained (no closure over this module): the page embeds
 * its source (`formatNumber.toString()`) to title tooltips with the same words.
 */
export function formatNumber(value: number, kind: NumberKind): string {
  if (typeof value !== 'number' || !isFinite(value)) return String(value);
  const fixed = (v: number, digits: number, trim: boolean) =>
    v.toLocaleString('en-US', { minimumFractionDigits: trim ? 0 : digits, maximumFractionDigits: digits });
  switch (kind) {
    case 'ms': {
      const a = Math.abs(value);
      // Below a millisecond, 0.1 ms would say nothing: to the µs, and "< 0.001" rather than a 0 that is not one.
      if (a === 0 || a >= 1) return fixed(value, 1, false);
      return a < 0.0005 ? `${value < 0 ? '> −' : '< '}0.001` : fixed(value, 3, true);
    }
    case 'percent':
      return `${fixed(value * 100, 1, false)}%`;
    case 's':
      return fixed(value, 3, false);
    case 'step':
    case 'rate':
      return fixed(value, 1, true);
    case 'count':
      return fixed(Math.round(value), 0, true);
    default:
      return String(value);
  }
}

/** d3-format specifiers for Vega-Lite's own formats (axes and tooltips it titles itself). */
export const D3_FORMAT = {
  /** A fraction on an axis: 20%, 99.5%. */
  fraction: '.1~%',
  /** A log axis of ms: 0.1, 1, 10, 1,000 (not 1.000000). */
  logMs: ',.3~g',
  /** Seconds since the run started, to the ms. */
  s: ',.3f',
  /** Event positions (imported histories). */
  step: ',.1~f',
} as const;
