// npm run conformance [-- --update] [-k SELECTION]: the peer suite ceph/s3-tests against the
// emulator, compared with test/conformance/expected-pass.txt. Exit 0 when every listed test
// passed, 1 when one did not (a regression), 3 when the suite cannot run here. --update
// rewrites the list with the tests that passed (after a change that makes more of them pass).
import { writeFileSync } from 'node:fs';
import { compare, EXPECTED_FILE, readExpected, runSuite, SELECTION, unavailable } from './s3-tests.js';

const args = process.argv.slice(2);
const update = args.includes('--update');
const k = args.indexOf('-k');
const selection = k >= 0 ? args[k + 1]! : SELECTION;

const why = unavailable();
if (why) {
  process.stderr.write(`conformance: ${why}\n`);
  process.exit(3);
}
const started = Date.now();
const { outcomes } = await runSuite(selection);
const c = compare(outcomes, update ? new Set() : readExpected(EXPECTED_FILE));
process.stdout.write(`ceph/s3-tests -k "${selection}": ${c.counts.passed} passed, ${c.counts.failed} failed, ${c.counts.error} errors, ${c.counts.skipped} skipped in ${Math.round((Date.now() - started) / 1000)} s\n`);
if (update) {
  const passed = [...outcomes].filter(([, o]) => o === 'passed').map(([n]) => n).sort();
  writeFileSync(EXPECTED_FILE, `# ceph/s3-tests that pass against the emulator (--consistency strong), -k "${selection}".\n# Written by \`npm run conformance -- --update\`; a test here that stops passing fails npm test.\n${passed.join('\n')}\n`);
  process.stdout.write(`wrote ${passed.length} tests to ${EXPECTED_FILE}\n`);
  process.exit(0);
}
for (const r of c.regressed) process.stdout.write(`REGRESSED ${r.name}: ${r.outcome}\n`);
if (c.newlyPassing.length > 0) process.stdout.write(`passing but not listed (npm run conformance -- --update adds them): ${c.newlyPassing.join(', ')}\n`);
process.exit(c.regressed.length > 0 ? 1 : 0);
