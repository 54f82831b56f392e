// The linearizability checker against the brute-force reference on many small random histories
// (a soak of what test/linearizable/checker-vs-reference.test.ts runs a few hundred of):
//   npm run bench:brute [-- histories-per-model]
// Prints each model's tally and exits 1 on the first disagreement, with its seed.
import { createLinearizableChecker, loadModels } from '../../checkers/linearizable/index.js';
import { selectCheckers } from '../../src/check/select-checkers.js';
import { partHistory } from '../../src/history/parts.js';
import { mixedSpec, randomHistory, singleModelSpec } from './histories.js';
import { referenceCheck, type ReferenceModel } from './reference.js';

const perModel = Number(process.argv[2] ?? 20_000);
await loadModels();

function disagree(what: string, seed: number, ours: unknown, reference: unknown): never {
  console.error(`${what}, seed ${seed}: the checker says ${JSON.stringify(ours)}, the reference ${JSON.stringify(reference)}`);
  process.exit(1);
}

for (const model of ['register', 'cas-register', 'kv', 'mutex', 'multi-register', 'set', 'unordered-queue', 'fifo-queue'] as const satisfies readonly ReferenceModel[]) {
  const checker = createLinearizableChecker({ model });
  const tally = { valid: 0, invalid: 0, ignored: 0, largestKey: 0 };
  const t = performance.now();
  for (let seed = 1; seed <= perModel; seed++) {
    const h = randomHistory(seed, singleModelSpec(model, seed, 18));
    const want = referenceCheck(model, h);
    const got = await checker.check(h);
    const ignored = (got.dropped as { ignored: number }).ignored;
    if (got.valid !== want.valid || ignored !== want.ignored) disagree(model, seed, { valid: got.valid, ignored }, { valid: want.valid, ignored: want.ignored });
    tally[want.valid ? 'valid' : 'invalid']++;
    tally.ignored += want.ignored;
    tally.largestKey = Math.max(tally.largestKey, want.largest);
  }
  console.log(`${model}: ${perModel} histories agree (${tally.valid} valid, ${tally.invalid} not; ${tally.ignored} foreign ops ignored; up to ${tally.largestKey} ops a key) in ${((performance.now() - t) / 1000).toFixed(1)} s`);
}

const [reg, cas] = selectCheckers(['register:linearizable', 'cas:linearizable']);
for (let seed = 1; seed <= perModel; seed++) {
  const h = randomHistory(seed, mixedSpec(seed));
  const got = { register: (await reg!.check(h)).valid, cas: (await cas!.check(h)).valid };
  const want = { register: referenceCheck('register', partHistory(h, 'register')).valid, cas: referenceCheck('cas-register', partHistory(h, 'cas')).valid };
  if (got.register !== want.register || got.cas !== want.cas) disagree('mixed', seed, got, want);
}
console.log(`mixed (register/… and cas/… parts): ${perModel} histories agree`);
