import type cliProgress from 'cli-progress';
import { formatBytes } from '../util/format-bytes.js';

/**
 * How far `objcheck check` is: filled in by the reader (bytes) and the checkers' driver (keys),
 * read by the display. Plain numbers, so that the work does not depend on whether anyone shows them.
 */
export interface CheckProgress {
  bytesRead: number;
  /** All the bytes to read (every file's history); 0 while unknown. */
  bytesTotal: number;
  keysChecked: number;
  /** The keys (partitions) to check; 0 while not yet known (the file is still being read). */
  keysTotal: number;
}

export const newCheckProgress = (bytesTotal = 0): CheckProgress => ({ bytesRead: 0, bytesTotal, keysChecked: 0, keysTotal: 0 });

/** One line: bytes read of all, keys checked and left (once known), elapsed. */
export function formatCheckProgress(p: CheckProgress, elapsedMs: number): string {
  const read = p.bytesTotal > 0 ? `read ${formatBytes(p.bytesRead)} of ${formatBytes(p.bytesTotal)}` : `read ${formatBytes(p.bytesRead)}`;
  const keys = p.keysTotal > 0 ? `  keys ${p.keysChecked.toLocaleString('en-US')} checked, ${(p.keysTotal - p.keysChecked).toLocaleString('en-US')} left` : '';
  return `${read}${keys}  ${(elapsedMs / 1000).toFixed(1)} s`;
}

/**
 * Thousandths done, for the bar: reading is the first half, checking keys the second (both
 * take the same order of time on a big history: the scan and the per-key search).
 */
export function checkPermille(p: CheckProgress): number {
  const read = p.bytesTotal > 0 ? Math.min(1, p.bytesRead / p.bytesTotal) : 0;
  const keys = p.keysTotal > 0 ? Math.min(1, p.keysChecked / p.keysTotal) : 0;
  return Math.round(read * 500 + keys * 500);
}

export interface CheckProgressDisplay {
  stop(): void;
}

/**
 * cli-progress's bar on stderr, redrawn in place, once the check has taken longer than
 * `afterMs` and only when stderr is a terminal: a short check prints nothing, and a log or a
 * pipe (CI, `2> file`) gets no progress at all (the verdict lines are what it is for).
 */
export function showCheckProgress(p: CheckProgress, out: NodeJS.WriteStream = process.stderr, afterMs = 1000): CheckProgressDisplay {
  if (out.isTTY !== true) return { stop() {} };
  const t0 = performance.now();
  let bar: cliProgress.SingleBar | undefined;
  let redraw: NodeJS.Timeout | undefined;
  const text = () => formatCheckProgress(p, performance.now() - t0);
  let stopped = false;
  // cli-progress is loaded only when a bar is drawn: most checks end within the second.
  const start = setTimeout(() => {
    void import('./progress.js').then(({ progressBar }) => {
      if (stopped) return;
      // The bar on its own line, cleared when done: the verdicts that follow stay clean.
      bar = progressBar(out, '[{bar}] {percentage}%  {text}', { clearOnComplete: true });
      bar.start(1000, checkPermille(p), { text: text() });
      redraw = setInterval(() => bar!.update(checkPermille(p), { text: text() }), 200);
      redraw.unref();
    });
  }, afterMs);
  start.unref();
  return {
    stop() {
      stopped = true;
      clearTimeout(start);
      if (redraw) clearInterval(redraw);
      bar?.stop();
    },
  };
}
