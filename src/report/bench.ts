// Benchmark: a 100,000-op run's report: how big it is, how long it takes to write, and how long
// Chromium takes to draw every chart. `npx tsc -b && node dist/src/report/bench.js [ops]`.
// A measurement, not a test: the figures depend on the machine.

import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromiumMissing, visitReport } from './browser.js';
import { writeReport } from './index.js';
import { writeSyntheticRun } from './synthetic-run.js';

async function main(): Promise<void> {
  const ops = Number(process.argv[2] ?? 100_000);
  const dir = mkdtempSync(join(tmpdir(), 'objcheck-bench-report-'));
  try {
    let t = performance.now();
    await writeSyntheticRun(dir, { ops, processes: 10, keys: 20, seed: 1, visibilityDelayMs: 1 }, `bench-${ops}`);
    console.log(`synthetic run of ${ops.toLocaleString('en-US')} ops written and checked in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    t = performance.now();
    const file = await writeReport(dir, { renderer: { version: 'bench', commit: null } });
    const writeS = (performance.now() - t) / 1000;
    const mb = statSync(file).size / 1e6;
    console.log(`report.html: ${mb.toFixed(2)} MB, written in ${writeS.toFixed(1)} s`);
    const missing = chromiumMissing();
    if (missing) {
      console.log(`render time not measured: ${missing}`);
      return;
    }
    const runs: number[] = [];
    const all: number[] = [];
    for (let i = 0; i < 5; i++) {
      const v = await visitReport(file, { timeoutMs: 120_000 });
      if (v.problems.length > 0) console.log(`console problems: ${v.problems.join('; ')}`);
      const bad = v.charts.filter((c) => c.rendered !== 'true' || c.inked === 0);
      if (bad.length > 0) console.log(`charts not drawn: ${bad.map((c) => c.id).join(', ')}`);
      runs.push(v.renderMs);
      all.push(v.allMs!);
    }
    const says = (what: string, ms: number[]) => `${what} in ${ms.map((r) => (r / 1000).toFixed(2)).join(', ')} s; best ${(Math.min(...ms) / 1000).toFixed(2)} s, median ${(ms.sort((a, b) => a - b)[Math.floor(ms.length / 2)]! / 1000).toFixed(2)} s`;
    console.log(says('first two screens drawn (load to data-charts="done")', runs));
    console.log(says('every chart drawn (then objcheck.drawAll())', all));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
