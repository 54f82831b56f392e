// Checks one history file and prints the verdict, wall time and peak RSS:
//   node dist/bench/check/check-file.js <history.jsonl> [model=register]

import { createLinearizableChecker } from '../../checkers/linearizable/index.js';
import { readHistory } from '../../src/history/read.js';

const [file, model = 'register'] = process.argv.slice(2);
if (!file) {
  console.error('usage: node dist/bench/check/check-file.js <history.jsonl> [model]');
  process.exit(3);
}
const t0 = performance.now();
const h = await readHistory(file);
const t1 = performance.now();
const r = await createLinearizableChecker({ model }).check(h);
const t2 = performance.now();
const rssMb = process.resourceUsage().maxRSS / 1024;
console.log(
  JSON.stringify({ valid: r.valid, partitions: r.partitions, fastPath: r.fastPath, dropped: r.dropped, anomalies: r.anomalies.length, reason: r.reason }),
);
console.log(
  `${file}: ${h.ops.length} ops; read ${((t1 - t0) / 1000).toFixed(2)} s, check ${((t2 - t1) / 1000).toFixed(2)} s, wall ${((t2 - t0) / 1000).toFixed(2)} s, peak RSS ${rssMb.toFixed(0)} MB`,
);
