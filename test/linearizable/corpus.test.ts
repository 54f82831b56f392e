import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLinearizableChecker } from '../../checkers/linearizable/index.js';
import { importEtcdLog, importKvEdn } from '../../checkers/linearizable/import/index.js';
import { corpusDir } from './helpers.js';

const dir = path.join(corpusDir, 'porcupine');
const tsv = path.join(dir, 'verdicts.tsv');
const present = existsSync(tsv);
if (!present) console.warn(`skipping the Porcupine corpus test: ${tsv} not found (the corpus lives in ../shared/corpus beside the checkout)`);

const rows = present
  ? readFileSync(tsv, 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.split('\t') as [string, string, string])
  : [];

describe.skipIf(!present)('Porcupine corpus (../shared/corpus/porcupine/verdicts.tsv)', () => {
  it('lists 108 histories', () => {
    expect(rows).toHaveLength(108);
  });

  it('gives every history its expected verdict', async () => {
    const wrong: string[] = [];
    for (const [file, model, expected] of rows) {
      const p = path.join(dir, file);
      const h = model === 'kv' ? await importKvEdn(p) : await importEtcdLog(p);
      const r = await createLinearizableChecker({ model }).check(h);
      const got = r.valid === true ? 'linearizable' : r.valid === false ? 'not-linearizable' : 'unknown';
      if (got !== expected) wrong.push(`${file}: expected ${expected}, got ${got} ${r.reason ?? ''}`);
      if (r.valid === false) {
        // Every failing partition comes with a counterexample and an explanation.
        expect(r.anomalies.length).toBeGreaterThan(0);
        for (const a of r.anomalies) {
          expect(a.kind).toBe('not-linearizable');
          expect(a.explanation.length).toBeGreaterThan(20);
        }
      }
    }
    expect(wrong).toEqual([]);
  });

  it('decides every kv history with the full budget for each key too (no early budget cut)', async () => {
    for (const f of ['c01-ok', 'c01-bad', 'c10-ok', 'c10-bad', 'c50-ok']) {
      const h = await importKvEdn(path.join(dir, 'kv', `${f}.txt`));
      const r = await createLinearizableChecker({ model: 'kv', afterFailure: null }).check(h);
      expect(r.valid, f).toBe(f.endsWith('ok'));
    }
  });
});
