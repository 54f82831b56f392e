// The linearizability checker, whole (partitioning, dropping, the fast path, the search, the
// mixed workload's per-part checkers), against an independent brute-force reference
// (bench/brute-force/reference.ts) on small random histories with fixed seeds (issues 16, 27), for
// every model, Knossos's included (issue 18).
// `npm run bench:brute` runs thousands a model; this runs a few hundred.
import { describe, expect, it } from 'vitest';
import { mixedSpec, randomHistory, singleModelSpec } from '../../bench/brute-force/histories.js';
import { referenceCheck, type ReferenceModel } from '../../bench/brute-force/reference.js';
import { createLinearizableChecker, loadModels } from '../../checkers/linearizable/index.js';
import { selectCheckers } from '../../src/check/select-checkers.js';
import { historyOf } from '../../src/history/build.js';
import type { History } from '../../src/history/event.js';
import { partHistory } from '../../src/history/parts.js';

// Knossos's models load when asked for (registry.ts).
await loadModels();

const SEEDS = 300;

async function ours(model: ReferenceModel, h: History): Promise<{ valid: unknown; ignored: number }> {
  const r = await createLinearizableChecker({ model }).check(h);
  return { valid: r.valid, ignored: (r.dropped as { ignored: number }).ignored };
}

const MODELS = ['register', 'cas-register', 'kv', 'mutex', 'multi-register', 'set', 'unordered-queue', 'fifo-queue'] as const satisfies readonly ReferenceModel[];

describe('the checker agrees with the brute-force reference', () => {
  for (const model of MODELS) {
    it(`${model}: ${SEEDS} random histories with crashed, failed and foreign ops`, async () => {
      const tally = { valid: 0, invalid: 0, ignored: 0 };
      for (let seed = 1; seed <= SEEDS; seed++) {
        const h = randomHistory(seed, singleModelSpec(model, seed));
        const want = referenceCheck(model, h);
        expect(await ours(model, h), `seed ${seed}`).toEqual({ valid: want.valid, ignored: want.ignored });
        tally[want.valid ? 'valid' : 'invalid']++;
        tally.ignored += want.ignored;
      }
      // Both verdicts and foreign ops occur, or the comparison proves little.
      console.log(model, tally);
      expect(tally.valid).toBeGreaterThan(SEEDS / 5);
      expect(tally.invalid).toBeGreaterThan(SEEDS / 10);
      expect(tally.ignored).toBeGreaterThan(SEEDS / 4);
    });
  }

  it(`mixed workload: register/… and cas/… parts, each by its part's checker, ${SEEDS} histories`, async () => {
    const checkers = selectCheckers(['register:linearizable', 'cas:linearizable']);
    const tally = { agreeInvalid: 0 };
    for (let seed = 1; seed <= SEEDS; seed++) {
      const h = randomHistory(seed, mixedSpec(seed));
      const [reg, cas] = await Promise.all(checkers.map((c) => c.check(h)));
      const wantReg = referenceCheck('register', partHistory(h, 'register'));
      const wantCas = referenceCheck('cas-register', partHistory(h, 'cas'));
      expect({ register: reg!.valid, cas: cas!.valid }, `seed ${seed}`).toEqual({ register: wantReg.valid, cas: wantCas.valid });
      if (!wantReg.valid || !wantCas.valid) tally.agreeInvalid++;
    }
    expect(tally.agreeInvalid).toBeGreaterThan(SEEDS / 10);
  });

  it('issue 27: a refused acquire is foreign to cas-register: valid, counted as ignored', async () => {
    const events = [
      { index: 0, time: 1000, process: 0, type: 'invoke', f: 'acquire', key: 'r0' },
      { index: 1, time: 2000, process: 0, type: 'ok', f: 'acquire', key: 'r0', value: { refused: 'PreconditionFailed (HTTP 412)' } },
    ];
    const r = await createLinearizableChecker({ model: 'cas-register' }).check(historyOf(events));
    expect(r.valid).toBe(true);
    expect(r.dropped).toMatchObject({ ignored: 1 });
    expect(r.summary).toBe('1 op that the cas-register model does not know ignored');
  });

  // Every value shape our workloads record, on an op each model does not know: ignored and counted.
  const shapes: Record<string, unknown> = { refusal: { refused: 'PreconditionFailed (HTTP 412)' }, 'corrupt read': { corrupt: 'truncated: 3 of 40 bytes', bytes: 3 }, null: null };
  const foreign: Record<ReferenceModel, string[]> = {
    register: ['acquire', 'release', 'cas', 'read'],
    'cas-register': ['acquire', 'release', 'get', 'put'],
    kv: ['acquire', 'cas', 'delete'],
    mutex: ['read', 'cas', 'put', 'enqueue'],
    'multi-register': ['read', 'write', 'acquire'],
    set: ['enqueue', 'get', 'txn'],
    'unordered-queue': ['add', 'read', 'acquire'],
    'fifo-queue': ['add', 'release', 'txn'],
  };
  for (const model of MODELS) {
    for (const [shape, value] of Object.entries(shapes)) {
      it(`${model}: foreign ops completing with a ${shape} are ignored, whatever their f`, async () => {
        const events = foreign[model].flatMap((f, i) => [
          { index: 2 * i, time: (2 * i + 1) * 1000, process: i, type: 'invoke', f, key: 'k0' },
          { index: 2 * i + 1, time: (2 * i + 2) * 1000, process: i, type: 'ok', f, key: 'k0', value },
        ]);
        const h = historyOf(events);
        expect(referenceCheck(model, h)).toMatchObject({ valid: true, ignored: foreign[model].length });
        expect(await ours(model, h)).toEqual({ valid: true, ignored: foreign[model].length });
      });
    }
  }
});
