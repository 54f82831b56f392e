// Throughput of the harness itself: the register workload against the memory target with no
// simulated latency, 16 workers, 10 s, recorder and checkers included, as a user runs it.
// Usage: npm run bench [-- --runs 3 --time-limit 10 --concurrency 16]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    'time-limit': { type: 'string', default: '10' },
    concurrency: { type: 'string', default: '16' },
  },
});
const cli = resolve(import.meta.dirname, '../src/cli/main.js');
const results = mkdtempSync(join(tmpdir(), 'objcheck-bench-'));
const rates: number[] = [];
try {
  for (let i = 0; i < Number(values.runs); i++) {
    const name = `run${i}`;
    const args = [cli, 'workload', '--latency', '0', '--concurrency', values.concurrency!, '--time-limit', values['time-limit']!, '--results', results, '--name', name];
    const child = spawnSync(process.execPath, args, { encoding: 'utf8' });
    if (child.status !== 0) {
      process.stderr.write(child.stdout + child.stderr);
      throw new Error(`run ${i} exited ${child.status}`);
    }
    const stats = JSON.parse(readFileSync(join(results, name, 'results.json'), 'utf8')).stats as { total: number; opsPerS: number };
    rates.push(stats.opsPerS);
    console.log(`run ${i + 1}: ${stats.total.toLocaleString('en-US')} ops, ${Math.round(stats.opsPerS).toLocaleString('en-US')} ops/s`);
    rmSync(join(results, name), { recursive: true });
  }
} finally {
  rmSync(results, { recursive: true, force: true });
}
const sorted = [...rates].sort((a, b) => a - b);
const median = sorted[Math.floor(sorted.length / 2)]!;
console.log(`median of ${rates.length}: ${Math.round(median).toLocaleString('en-US')} ops/s (memory target, latency 0, ${values.concurrency} workers, ${values['time-limit']} s)`);
