import { phasedGenerator } from './phases.js';
import { decodeValue, encodeValue } from './values.js';
import type { Workload } from './workload.js';

const KEY = 'replicated';

/**
 * Replication lag: the owner overwrites one object through the target, and every other op reads
 * it through the second endpoint (--read-target); the next write comes once a read there showed
 * the current one. The `replication` checker gives the lag distribution: per write, how long
 * after it completed the other endpoint still served the older value (on the emulator, from its
 * ground truth: from the primary's acknowledgement to the replica's copy).
 */
export const replicationWorkload: Workload = {
  name: 'replication',
  description: 'writes through the target, reads through a second endpoint (--read-target): the replication-lag distribution',
  fs: new Set(['put', 'read']),
  reads: new Set(['read']),
  checkers: ['replication'],

  unsupported(client) {
    return client.replica
      ? undefined
      : 'it needs a second endpoint to read through: --read-target URL (an endpoint serving the same bucket), or use --target emulator (its --replica-lag SPEC and --read-target replica)';
  },
  // Ground truth: the lag at the store, which a loaded client's late answers would hide.
  emulatorDefaults: { flags: { 'replica-lag': '300' }, readTarget: 'replica', groundTruth: true },

  generator() {
    return phasedGenerator({
      setup: [],
      change: (i) => ({ f: 'put', key: KEY, value: i + 1 }),
      probe: () => ({ f: 'read', key: KEY }),
      shows: (change, outcome) => outcome.value === change.value,
      holdMs: 20,
      maxPhaseMs: 600_000,
    });
  },

  async execute(client, op, options) {
    switch (op.f) {
      case 'put':
        await client.put(op.key!, encodeValue(op.value as number), options);
        return undefined;
      case 'read': {
        const o = await client.replica!.get(op.key!, options);
        return o === null ? null : decodeValue(o.body);
      }
      default:
        throw new Error(`replication workload has no operation ${op.f}`);
    }
  },
};
