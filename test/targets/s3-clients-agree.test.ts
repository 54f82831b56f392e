// The lean client and the SDK's must record the same history: the same seeded workload, one
// worker (so the history depends on the seed alone, not on timing), through each client against
// the emulator, op by op: the same outcome class (ok / fail / info), value and error.
import { describe, expect, it } from 'vitest';
import type { History } from '../../src/history/event.js';
import { emulatorTarget } from '../../src/targets/emulator.js';
import type { S3ClientKind } from '../../src/targets/target.js';
import { workloadFor } from '../../workloads/registry.js';
import { recordRun } from '../helpers/run.js';

/** What a history records of each op, without its times. */
function outcomes(h: History) {
  return h.ops.map((o) => ({ process: o.process, f: o.f, key: o.key, invoked: o.invokeValue, type: o.type, value: o.value, error: o.error }));
}

const run = (client: S3ClientKind, workload: string, seed: number, ops: number) =>
  recordRun({ target: emulatorTarget, workload: workloadFor(workload), limits: { ops }, concurrency: 1, keys: 3, seed, targetOptions: { client } });

describe('the lean client and the SDK record the same history', () => {
  it('mixed workload (GET, HEAD, PUT, conditional PUTs, DELETE, LIST, CopyObject): every op alike, over two seeds', async () => {
    for (const seed of [11, 12]) {
      const lean = await run('lean', 'mixed', seed, 500);
      const sdk = await run('sdk', 'mixed', seed, 500);
      expect(lean.ops.length).toBe(500);
      const a = outcomes(lean);
      const b = outcomes(sdk);
      for (let i = 0; i < a.length; i++) expect(a[i], `op ${i}`).toEqual(b[i]);
      // The comparison means something only if the refusals and failures are in it.
      const fs = new Set(a.map((o) => o.f));
      for (const f of ['get', 'put', 'delete', 'list', 'cas', 'read']) expect(fs.has(f), f).toBe(true);
      expect(a.some((o) => typeof o.value === 'object' && o.value !== null && 'refused' in o.value)).toBe(true);
    }
  }, 120_000);

  it('every workload that runs alone on the emulator, one seed each', async () => {
    for (const workload of ['register', 'new-object', 'list', 'cas', 'metadata', 'lock']) {
      const lean = outcomes(await run('lean', workload, 5, 200));
      const sdk = outcomes(await run('sdk', workload, 5, 200));
      expect(lean.length, workload).toBe(200);
      expect(lean, workload).toEqual(sdk);
    }
  }, 120_000);
});
