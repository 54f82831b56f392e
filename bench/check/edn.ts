// Reading a large Jepsen history.edn: a vector of op maps, one a line, with :time and :index as
// Jepsen writes them (about 100 MB), read by the EDN importer in this process (median of runs)
// and checked whole by one `objcheck check` process.
//   npm run bench:edn [-- megabytes=100] [runs=3]
import { spawnSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { parseJepsenEdn } from '../../checkers/linearizable/import/jepsen-edn.js';
import { readText } from '../../checkers/linearizable/import/common.js';
import { projectRoot } from '../../src/util/tool-info.js';

const megabytes = Number(process.argv[2] ?? 100);
const runs = Number(process.argv[3] ?? 3);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Writes and reads by 50 processes on 1,000 keys, each op alone on its key: linearizable. */
async function writeHistory(file: string, bytes: number): Promise<number> {
  const out = createWriteStream(file);
  let written = 0;
  let index = 0;
  let time = 1_700_000_000_000_000_000n;
  const line = (s: string) => {
    written += s.length + 1;
    return out.write(s + '\n') ? undefined : once(out, 'drain');
  };
  await line('[');
  for (let n = 0; written < bytes; n++) {
    const key = n % 1000;
    const process = n % 50;
    const value = n;
    for (const [type, f, v] of [['invoke', 'write', value], ['ok', 'write', value], ['invoke', 'read', 'nil'], ['ok', 'read', value]] as const) {
      time += 1000n;
      const wait = line(` {:type :${type}, :f :${f}, :value ${v}, :process ${process}, :time ${time}, :index ${index++}, :key ${key}}`);
      if (wait) await wait;
    }
  }
  await line(']');
  out.end();
  await once(out, 'finish');
  return index;
}

const work = mkdtempSync(path.join(tmpdir(), 'objcheck-bench-edn-'));
try {
  const file = path.join(work, 'history.edn');
  const events = await writeHistory(file, megabytes * 1e6);
  const mb = statSync(file).size / 1e6;
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    const h = parseJepsenEdn(await readText(file), file);
    times.push((performance.now() - t) / 1000);
    if (h.ops.length * 2 !== events) throw new Error(`read ${h.ops.length} ops of ${events / 2}`);
    console.log(`read run ${i + 1}: ${times.at(-1)!.toFixed(2)} s`);
  }
  const s = median(times);
  console.log(`history.edn of ${mb.toFixed(0)} MB (${events.toLocaleString('en-US')} events): read in median ${s.toFixed(2)} s of ${runs} (${(mb / s).toFixed(0)} MB/s)`);
  const t = performance.now();
  const r = spawnSync(process.execPath, [path.join(projectRoot(), 'dist/src/cli/main.js'), 'check', file], { encoding: 'utf8', maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`objcheck check should find it valid; exit ${r.status}: ${r.stderr}`);
  console.log(`objcheck check ${path.basename(file)} (cas-register, 1,000 keys): ${((performance.now() - t) / 1000).toFixed(2)} s`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
