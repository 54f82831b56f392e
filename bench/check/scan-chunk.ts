// The scan of a history, alone: a worker's scanChunk over the whole file on one thread (bytes to
// columns), and the main thread's reader (readHistory, events not kept), each run several times in
// one process after a warm-up; medians in ms and MB/s.
//   node dist/bench/check/scan-chunk.js <history.jsonl> [runs] [chunk|read]
import { statSync } from 'node:fs';
import { scanChunk } from '../../src/history/lines.js';
import { readHistory } from '../../src/history/read.js';

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

async function timed(name: string, runs: number, mb: number, run: () => Promise<string> | string): Promise<void> {
  const seen = await run();
  const ms: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    await run();
    const c = process.cpuUsage(c0);
    ms.push(performance.now() - t0);
    cpu.push((c.user + c.system) / 1000);
  }
  const m = median(ms);
  // CPU time too: on a loaded machine it is steadier than the wall clock.
  console.log(`${name}: median ${m.toFixed(0)} ms (${(mb / (m / 1000)).toFixed(0)} MB/s), CPU ${median(cpu).toFixed(0)} ms (min wall ${Math.min(...ms).toFixed(0)}, min CPU ${Math.min(...cpu).toFixed(0)}), of [${ms.map((x) => x.toFixed(0)).join(' ')}]; ${seen}`);
}

const file = process.argv[2];
if (file !== undefined && import.meta.url.endsWith('/scan-chunk.js')) {
  const runs = Number(process.argv[3] ?? 7);
  const which = process.argv[4];
  const size = statSync(file).size;
  const mb = size / 1e6;
  if (which !== 'read')
    await timed('scanChunk', runs, mb, () => {
      const s = scanChunk(file, 0, size, size, false);
      return `${s.lines} lines, ${s.columns.length} events, ${s.strings.length} strings`;
    });
  if (which !== 'chunk')
    await timed('readHistory', runs, mb, async () => {
      const h = await readHistory(file, undefined, false);
      return `${h.ops.length} ops`;
    });
}
