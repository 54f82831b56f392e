import cliProgress from 'cli-progress';
import type { Progress } from '../runner/run-workers.js';

export interface ProgressDisplay {
  stop(): void;
}

/**
 * On a terminal, cli-progress's bar redrawn in place (how far through the time or op limit the
 * run is, then the counts); elsewhere (CI logs) one plain `progress:` line every 5 s.
 * Writes to stderr so that stdout carries only the summary.
 */
export function showProgress(progress: Progress, elapsedMs: () => number, timeLimitMs: number | undefined, opsLimit: number | undefined, out: NodeJS.WriteStream = process.stderr): ProgressDisplay {
  const text = () => {
    const ms = elapsedMs();
    const done = progress.ok + progress.fail + progress.info;
    const rate = ms > 0 ? Math.round((done * 1000) / ms) : 0;
    const limit = timeLimitMs ? `/${(timeLimitMs / 1000).toFixed(0)} s` : ' s';
    return `${(ms / 1000).toFixed(1)}${limit}  ops ${done.toLocaleString('en-US')}  ${rate.toLocaleString('en-US')} ops/s  errors ${(progress.fail + progress.info).toLocaleString('en-US')}`;
  };
  if (out.isTTY !== true) {
    const timer = setInterval(() => out.write(`progress: ${text()}\n`), 5000);
    timer.unref();
    return { stop: () => clearInterval(timer) };
  }
  // Thousandths of the limit: the bar's value. Without a limit the bar stays empty, the counts go on.
  const permille = () => {
    const fraction = timeLimitMs ? elapsedMs() / timeLimitMs : opsLimit ? progress.started / opsLimit : 0;
    return Math.round(Math.min(1, fraction) * 1000);
  };
  const bar = progressBar(out, timeLimitMs || opsLimit ? '[{bar}] {percentage}%  {text}' : '{text}');
  bar.start(1000, permille(), { text: text() });
  const timer = setInterval(() => bar.update(permille(), { text: text() }), 200);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      bar.update(permille(), { text: text() });
      bar.stop();
    },
  };
}

/** cli-progress's bar as objcheck draws it: 24 wide in # and -, five frames a second, to `out`. */
export function progressBar(out: NodeJS.WriteStream, format: string, options: cliProgress.Options = {}): cliProgress.SingleBar {
  return new cliProgress.SingleBar(
    {
      stream: out,
      format,
      barsize: 24,
      barCompleteChar: '#',
      barIncompleteChar: '-',
      hideCursor: false,
      fps: 5,
      // The bar redraws on its own timer; its own handlers would fight the CLI's SIGINT and exit codes.
      gracefulExit: false,
      ...options,
    },
    cliProgress.Presets.legacy,
  );
}
