// Numbers for people, rounded to what they mean: one place, so the CLI, the report and the
// checkers' sentences say a figure the same way.

/** A duration in ms to 0.1 ms ("7.5 ms", "1,204.0 ms"); null or infinite as "∞". */
export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '∞ ms';
  return `${ms.toLocaleString('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 })} ms`;
}

/** A fraction as a percentage to 0.1 ("98.7%"). */
export function formatPercent(fraction: number): string {
  return `${(fraction * 100).toFixed(1)}%`;
}

/** A count with its noun ("1 read", "5,210 reads"). */
export function formatCount(n: number, noun: string): string {
  return `${n.toLocaleString('en-US')} ${noun}${n === 1 ? '' : 's'}`;
}
