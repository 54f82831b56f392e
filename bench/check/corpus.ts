// Times parse + check of the Porcupine corpus (108 histories) in one process.
//   node dist/bench/check/corpus.js [runs=5]
// Prints each run's total and the median; exits 1 if any verdict differs from verdicts.tsv.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createLinearizableChecker } from '../../checkers/linearizable/index.js';
import { importEtcdLog, importKvEdn } from '../../checkers/linearizable/import/index.js';
import { corpusDir } from '../../src/util/corpus.js';

interface Row {
  file: string;
  model: string;
  expected: string;
}

async function runOnce(dir: string, rows: Row[], slow: Map<string, number>): Promise<{ ms: number; wrong: string[] }> {
  const wrong: string[] = [];
  const t0 = performance.now();
  for (const row of rows) {
    const t = performance.now();
    const file = path.join(dir, row.file);
    const h = row.model === 'kv' ? await importKvEdn(file) : await importEtcdLog(file);
    const r = await createLinearizableChecker({ model: row.model }).check(h);
    const got = r.valid === true ? 'linearizable' : r.valid === false ? 'not-linearizable' : 'unknown';
    if (got !== row.expected) wrong.push(`${row.file}: expected ${row.expected}, got ${got}`);
    slow.set(row.file, Math.max(slow.get(row.file) ?? 0, performance.now() - t));
  }
  return { ms: performance.now() - t0, wrong };
}

async function main(): Promise<void> {
  const runs = Number(process.argv[2] ?? 5);
  const dir = path.join(corpusDir(), 'porcupine');
  const rows: Row[] = readFileSync(path.join(dir, 'verdicts.tsv'), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => {
      const [file, model, expected] = l.split('\t') as [string, string, string];
      return { file, model, expected };
    });
  const times: number[] = [];
  const slow = new Map<string, number>();
  let wrong: string[] = [];
  for (let i = 0; i < runs; i++) {
    const r = await runOnce(dir, rows, slow);
    times.push(r.ms);
    wrong = r.wrong;
    console.log(`run ${i + 1}: ${r.ms.toFixed(0)} ms`);
  }
  const sorted = [...times].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  const top = [...slow.entries()].sort((a, b) => b[1] - a[1]).slice(0, 5);
  console.log(`slowest files (max over runs): ${top.map(([f, ms]) => `${f} ${ms.toFixed(0)} ms`).join(', ')}`);
  console.log(`corpus: ${rows.length} histories, ${runs} runs, median ${(median / 1000).toFixed(3)} s (first run ${(times[0]! / 1000).toFixed(3)} s)`);
  if (wrong.length > 0) {
    console.log(`WRONG VERDICTS:\n${wrong.join('\n')}`);
    process.exitCode = 1;
  }
}

await main();
