// PUT+GET operations a second through the AWS SDK, 16 workers, against S3-compatible targets
// that run on this machine, in one process and one run so the figures compare.
// rgw is a Ceph cluster the bench starts (1 OSD; skipped where Ceph is not installed); its
// start time is printed too.
// Usage: npm run bench:s3 [-- --targets emulator,s3rver,rgw --seconds 10 --concurrency 16 --runs 3]
import { parseArgs } from 'node:util';
import { missingCephTools } from '../src/targets/ceph/cluster.js';
import { targets } from '../src/targets/registry.js';
import type { OpenTarget } from '../src/targets/target.js';

delete process.env.AWS_CA_BUNDLE;

const { values } = parseArgs({
  options: {
    targets: { type: 'string', default: missingCephTools().length === 0 ? 'emulator,s3rver,rgw' : 'emulator,s3rver' },
    seconds: { type: 'string', default: '10' },
    concurrency: { type: 'string', default: '16' },
    runs: { type: 'string', default: '3' },
  },
});
const seconds = Number(values.seconds);
const concurrency = Number(values.concurrency);

async function measure(name: string, opened: OpenTarget): Promise<number> {
  const body = new TextEncoder().encode('x'.repeat(64));
  let ops = 0;
  let errors = 0;
  const end = performance.now() + seconds * 1000;
  const worker = async (w: number) => {
    // Each worker its own keys: the figure is the server's throughput, not contention's.
    for (let i = 0; performance.now() < end; i++) {
      const key = `w${w}/k${i % 8}`;
      try {
        await opened.client.put(key, body);
        await opened.client.get(key);
        ops += 2;
      } catch {
        errors++;
      }
    }
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: concurrency }, (_, w) => worker(w)));
  const rate = ops / ((performance.now() - start) / 1000);
  if (errors > 0) console.log(`  ${name}: ${errors} errors`);
  return rate;
}

const medians: string[] = [];
for (const name of values.targets!.split(',')) {
  const target = targets.get(name);
  if (!target) throw new Error(`no target ${name}`);
  const began = performance.now();
  // One store for all runs of a target: rgw's cluster takes seconds to start.
  const opened = await target.open({ prefix: `objcheck/bench-${Date.now()}/`, seed: 1, opTimeoutMs: 5000, concurrency, latencyMs: 0, start: name === 'rgw' });
  console.log(`${name}: open (start, preflight) ${((performance.now() - began) / 1000).toFixed(1)} s`);
  const rates: number[] = [];
  try {
    for (let r = 0; r < Number(values.runs); r++) {
      const rate = await measure(name, opened);
      rates.push(rate);
      console.log(`${name} run ${r + 1}: ${Math.round(rate).toLocaleString('en-US')} ops/s`);
    }
  } finally {
    await opened.close();
  }
  const median = [...rates].sort((a, b) => a - b)[Math.floor(rates.length / 2)]!;
  medians.push(`${name} ${Math.round(median).toLocaleString('en-US')} ops/s`);
}
console.log(`median PUT+GET ops/s, ${concurrency} workers, ${seconds} s: ${medians.join('; ')}`);
