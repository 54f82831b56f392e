// The linearizability checker's benchmarks, as users run the checker: separate `objcheck check`
// processes started directly on the compiled code, wall time measured around each.
//   npm run bench:check [-- runs]
// 1. the Porcupine corpus (108 histories) in one process: median over runs (goal < 0.43 s);
// 2. a generated 1,000,000-op register history (1,000 keys, 50 processes, 5% info writes):
//    wall time and peak RSS of checking it for linearizability (goal < 30 s, < 2 GB);
// 3. the same file, side by side, run after run: objcheck's whole `check` (every checker that
//    applies) and the floor, a process that reads the file and JSON.parses every line and does
//    nothing else (parse-floor.ts); issue 22's goal is the check at <= 0.6x the floor.
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
try {
  const file = path.join(work, 'register-1m.jsonl');
  await generate(file, 1_000_000, 1000, 50, 0.05, 1);
  const times: number[] = [];
  let rss = 0;
  for (let i = 0; i < Math.min(runs, 3); i++) {
    const r = timed(['check', '--checkers', 'linearizable', file]);
    if (r.status !== 0) throw new Error(`the 1M history should be valid; exit ${r.status}`);
    times.push(r.s);
    rss = Math.max(rss, r.rssMb ?? 0);
    console.log(`1M run ${i + 1}: ${r.s.toFixed(2)} s, peak RSS ${r.rssMb?.toFixed(0) ?? '?'} MB`);
  }
  console.log(`1M-op register history: median ${median(times).toFixed(2)} s, peak RSS ${rss.toFixed(0)} MB (goals < 30 s, < 2048 MB)`);

  // Alternating, so that a change in the machine's load falls on both.
  const whole: number[] = [];
  const parse: number[] = [];
  let wholeRss = 0;
  for (let i = 0; i < Math.min(runs, 3); i++) {
    const c = timed(['check', file]);
    if (c.status !== 0) throw new Error(`the 1M history should be valid; exit ${c.status}`);
    const f = timed([file], floor);
    if (f.status !== 0) throw new Error(`the parse floor failed; exit ${f.status}`);
    whole.push(c.s);
    parse.push(f.s);
    wholeRss = Math.max(wholeRss, c.rssMb ?? 0);
    console.log(`1M run ${i + 1}: whole check ${c.s.toFixed(2)} s (peak RSS ${c.rssMb?.toFixed(0) ?? '?'} MB), JSON.parse floor ${f.s.toFixed(2)} s (${(c.s / f.s).toFixed(2)}x)`);
  }
  const [w, p] = [median(whole), median(parse)];
  console.log(`1M-op register history, whole check vs JSON.parse floor: median ${w.toFixed(2)} s vs ${p.toFixed(2)} s, ${(w / p).toFixed(2)}x (goal <= 0.6x), check peak RSS ${wholeRss.toFixed(0)} MB`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
