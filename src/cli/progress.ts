import type { Progress } from '../runner/run-workers.js';

export interface ProgressDisplay {
  stop(): void;
}

/**
 * On a terminal, a bar redrawn in place; elsewhere (CI logs) one plain line every 5 s.
 * Writes to stderr so that stdout carries only the summary.
 */
export function showProgress(progress: Progress, elapsedMs: () => number, timeLimitMs: number | undefined, opsLimit: number | undefined): ProgressDisplay {
  const out = process.stderr;
  const tty = out.isTTY === true;
  const line = () => {
    const ms = elapsedMs();
    const done = progress.ok + progress.fail + progress.info;
    const rate = ms > 0 ? Math.round((done * 1000) / ms) : 0;
    const fraction = timeLimitMs ? ms / timeLimitMs : opsLimit ? progress.started / opsLimit : 0;
    const limit = timeLimitMs ? `/${(timeLimitMs / 1000).toFixed(0)} s` : ' s';
    const text = `${(ms / 1000).toFixed(1)}${limit}  ops ${done.toLocaleString('en-US')}  ${rate.toLocaleString('en-US')} ops/s  errors ${(progress.fail + progress.info).toLocaleString('en-US')}`;
    if (!tty) return text;
    const width = 24;
    const filled = Math.min(width, Math.round(Math.min(1, fraction) * width));
    return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${text}`;
  };
  const timer = setInterval(
    () => {
      if (tty) out.write(`\r${line()}\x1b[K`);
      else out.write(`progress: ${line()}\n`);
    },
    tty ? 200 : 5000,
  );
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      if (tty) out.write(`\r${line()}\x1b[K\n`);
    },
  };
}
