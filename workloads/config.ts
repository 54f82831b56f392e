import { phasedGenerator } from './phases.js';
import { encodeValue } from './values.js';
import type { Workload } from './workload.js';

/** What the probe writes say once each change governs them. */
const SHOWN: Record<string, string> = { 'enable-versioning': 'versioned', 'suspend-versioning': 'unversioned' };

/**
 * Bucket configuration: versioning is enabled, then suspended, again and again, and every other
 * op is a write that acts on it at once. A write's answer says which configuration governed it
 * (a version id, or none / "null"), so the `config` checker measures how long after each change
 * returned success writes were still governed by the old one.
 */
export const configWorkload: Workload = {
  name: 'config',
  description: 'enables and suspends bucket versioning while writes act on it at once: how long until the new configuration governs writes',
  fs: new Set(['put', 'enable-versioning', 'suspend-versioning']),
  reads: new Set(),
  checkers: ['config'],

  unsupported(client) {
    return client.setVersioning
      ? undefined
      : 'it changes a bucket-wide setting (versioning), and a run may change only a bucket it owns: use --target emulator (its --config-delay MS sets the propagation delay)';
  },

  generator() {
    let n = 0;
    return phasedGenerator({
      setup: [],
      change: (i) => ({ f: i % 2 === 0 ? 'enable-versioning' : 'suspend-versioning' }),
      probe: () => ({ f: 'put', key: 'probe', value: ++n }),
      shows: (change, outcome) => outcome.value === SHOWN[change.f],
      holdMs: 50,
      maxPhaseMs: 600_000,
    });
  },

  async execute(client, op, options) {
    switch (op.f) {
      case 'enable-versioning':
        return client.setVersioning!(true, options);
      case 'suspend-versioning':
        return client.setVersioning!(false, options);
      case 'put': {
        const r = await client.put(op.key!, encodeValue(op.value as number), options);
        return r.versionId ? 'versioned' : 'unversioned';
      }
      default:
        throw new Error(`config workload has no operation ${op.f}`);
    }
  },
};
