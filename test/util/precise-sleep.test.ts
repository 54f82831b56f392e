import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { preciseSleep } from '../../src/util/precise-sleep.js';

const now = () => process.hrtime.bigint();

describe('preciseSleep', () => {
  it('never wakes before its time, at sub-millisecond delays too', async () => {
    for (const ns of [0, 50_000, 300_000, 700_000, 1_300_000, 2_000_000]) {
      const start = now();
      await preciseSleep(ns);
      expect(Number(now() - start)).toBeGreaterThanOrEqual(ns);
    }
  });

  it('wakes many sleepers in the order of their due times, whatever order they were set in', async () => {
    const woke: bigint[] = [];
    const dues: bigint[] = [];
    const sleeps = [900_000, 100_000, 500_000, 300_000, 700_000, 200_000].map((ns) => {
      // A loaded machine may take longer to set one than the gaps between them: the order is that of their due times.
      const due = now() + BigInt(ns);
      dues.push(due);
      return preciseSleep(ns).then(() => woke.push(due));
    });
    await Promise.all(sleeps);
    expect(woke).toEqual([...dues].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
  });

  it('rejects with the signal\'s reason when it aborts first, and the others still wake', async () => {
    const stop = new AbortController();
    const aborted = preciseSleep(60_000_000_000, stop.signal);
    const other = preciseSleep(200_000);
    stop.abort(new Error('interrupted'));
    await expect(aborted).rejects.toThrow('interrupted');
    await expect(other).resolves.toBeUndefined();
    const already = new AbortController();
    already.abort(new Error('before'));
    await expect(preciseSleep(1, already.signal)).rejects.toThrow('before');
  });

  it('does not keep the process alive for a sleep that was given up', () => {
    const module = path.resolve('dist/src/util/precise-sleep.js');
    // Without dropping it, the given-up minute-long sleep would hold the process for a minute.
    const script = `const { preciseSleep } = await import(${JSON.stringify(module)});
      const stop = new AbortController();
      preciseSleep(60e9, stop.signal).catch(() => {});
      await preciseSleep(1e5);
      stop.abort();`;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { timeout: 30_000 });
    expect(run.error).toBeUndefined();
    expect(run.status).toBe(0);
  });
});
