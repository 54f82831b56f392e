// The checker's benchmarks, as users run the checker: separate `objcheck check` processes
// started directly on the compiled code, wall time measured around each.
//   npm run bench:check [-- runs=5] [10m=yes|no]
// 1. the Porcupine corpus (108 histories) in one process: median over runs (goal < 0.43 s);
// 2. a generated 1,000,000-op register history (1,000 keys, 50 processes, 5% info writes),
//    side by side, run after run (alternating, so that the machine's load falls on all): the
//    floor, a process that reads the file and JSON.parses every line on one thread and does
//    nothing else (parse-floor.ts); objcheck's whole `check` (every checker that applies); and
//    `check --checkers linearizable` (the file never made objects). Issue 22's goal: the check
//    at <= 0.6x the floor on 2 cores. Peak RSS of each.
// 3. a 10,000,000-op history of the same generator, `check --checkers linearizable` once:
//    wall and peak RSS (issue 22: <= 1.5 GB, <= 12x the 1M figure); then the whole `check` (every
//    checker: key by key, the history being over what --max-memory's default lets the whole check
//    take), with no --max-memory and with 1500: wall, peak RSS, and which checkers the bound left unknown.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { corpusDir } from '../../src/util/corpus.js';
import { projectRoot } from '../../src/util/tool-info.js';
import { generate } from './generate.js';

const runs = Number(process.argv[2] ?? 5);
const cli = path.join(projectRoot(), 'dist/src/cli/main.js');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const floor = path.join(projectRoot(), 'dist/bench/check/parse-floor.js');

/** Runs the CLI (or another script) under /usr/bin/time when present, for peak RSS. */
function timed(args: string[], script = cli): { s: number; rssMb: number | null; status: number | null; stdout: string } {
  const useTime = existsSync('/usr/bin/time');
  const t = performance.now();
  const r = useTime
    ? spawnSync('/usr/bin/time', ['-f', '%M', process.execPath, script, ...args], { encoding: 'utf8', maxBuffer: 1 << 30 })
    : spawnSync(process.execPath, [script, ...args], { encoding: 'utf8', maxBuffer: 1 << 30 });
  const s = (performance.now() - t) / 1000;
  const kb = useTime ? Number(r.stderr.trim().split('\n').at(-1)) : NaN;
  return { s, rssMb: Number.isFinite(kb) ? kb / 1024 : null, status: r.status, stdout: r.stdout };
}

const dir = path.join(corpusDir(), 'porcupine');
if (existsSync(dir)) {
  const rows = readFileSync(path.join(dir, 'verdicts.tsv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split('\t') as [string, string, string]);
  const files = rows.map(([f]) => path.join(dir, f));
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const r = timed(['check', '--json', ...files]);
    const got = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { valid: unknown });
    const wrong = rows.filter(([, , expected], j) => (got[j]?.valid === true) !== (expected === 'linearizable')).length;
    if (wrong > 0) throw new Error(`${wrong} corpus verdicts differ from verdicts.tsv`);
    times.push(r.s);
    console.log(`corpus run ${i + 1}: ${r.s.toFixed(3)} s`);
  }
  console.log(`corpus: ${rows.length} histories, one objcheck check process, median ${median(times).toFixed(3)} s of ${runs} (goal < 0.43 s)`);
} else {
  console.log(`corpus: skipped, ${dir} not found`);
}

const work = mkdtempSync(path.join(tmpdir(), 'objcheck-bench-'));
const big = (process.argv[3] ?? 'yes') !== 'no';
try {
  const file = path.join(work, 'register-1m.jsonl');
  await generate(file, 1_000_000, 1000, 50, 0.05, 1);
  const rows = { floor: [] as number[], whole: [] as number[], linearizable: [] as number[] };
  const rss = { floor: 0, whole: 0, linearizable: 0 };
  for (let i = 0; i < runs; i++) {
    const f = timed([file], floor);
    if (f.status !== 0) throw new Error(`the parse floor failed; exit ${f.status}`);
    const c = timed(['check', file]);
    if (c.status !== 0) throw new Error(`the 1M history should be valid; exit ${c.status}`);
    const l = timed(['check', '--checkers', 'linearizable', file]);
    if (l.status !== 0) throw new Error(`the 1M history should be linearizable; exit ${l.status}`);
    for (const [k, r] of [['floor', f], ['whole', c], ['linearizable', l]] as const) {
      rows[k].push(r.s);
      rss[k] = Math.max(rss[k], r.rssMb ?? 0);
    }
    console.log(`1M run ${i + 1}: JSON.parse floor ${f.s.toFixed(2)} s, whole check ${c.s.toFixed(2)} s (${(c.s / f.s).toFixed(2)}x), --checkers linearizable ${l.s.toFixed(2)} s (${(l.s / f.s).toFixed(2)}x)`);
  }
  const [p, w, l] = [median(rows.floor), median(rows.whole), median(rows.linearizable)];
  console.log(`1M-op register history, medians of ${runs}: JSON.parse floor ${p.toFixed(2)} s (peak RSS ${rss.floor.toFixed(0)} MB)`);
  console.log(`  whole check ${w.toFixed(2)} s, ${(w / p).toFixed(2)}x the floor (goal <= 0.6x), peak RSS ${rss.whole.toFixed(0)} MB`);
  console.log(`  --checkers linearizable ${l.toFixed(2)} s, ${(l / p).toFixed(2)}x the floor, peak RSS ${rss.linearizable.toFixed(0)} MB`);
  rmSync(file);

  if (big) {
    const file10 = path.join(work, 'register-10m.jsonl');
    await generate(file10, 10_000_000, 1000, 50, 0.05, 1);
    const r = timed(['check', '--checkers', 'linearizable', file10]);
    if (r.status !== 0) throw new Error(`the 10M history should be linearizable; exit ${r.status}`);
    console.log(`10M-op register history, --checkers linearizable (one run): ${r.s.toFixed(1)} s, ${(r.s / l).toFixed(1)}x the 1M median (goal <= 12x), peak RSS ${r.rssMb?.toFixed(0) ?? '?'} MB (goal <= 1536 MB)`);
    // Every checker, key by key (too big to hold within the bound): which ran, and at what cost.
    for (const mb of [undefined, 1500]) {
      const bound = mb === undefined ? [] : ['--max-memory', String(mb)];
      const k = timed(['check', '--json', ...bound, file10]);
      const line = JSON.parse(k.stdout.trim().split('\n').at(-1)!) as { checkers: Record<string, { valid: unknown }> };
      const unknown = Object.entries(line.checkers).filter(([, c]) => c.valid === 'unknown').map(([name]) => name);
      console.log(`  check ${mb === undefined ? '(no --max-memory)' : `--max-memory ${mb}`}: ${k.s.toFixed(1)} s, ${(k.s / w).toFixed(1)}x the 1M whole check (goal <= 12x), peak RSS ${k.rssMb?.toFixed(0) ?? '?'} MB (goal <= 1536 MB); ${Object.keys(line.checkers).length - unknown.length} checkers run${unknown.length > 0 ? `, unknown: ${unknown.join(', ')}` : ''}`);
    }
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
