import { phasedGenerator } from './phases.js';
import { encodeValue } from './values.js';
import type { OpSpec, Workload } from './workload.js';

const KEY = 'guarded';
/** After the first grant, this cycle: each change undoes the one before it. */
const CYCLE = ['revoke', 'grant', 'disable-key', 'enable-key'] as const;
/** What the second principal's reads should say once each change is in force. */
const SHOWN: Record<string, 'allowed' | 'denied'> = { grant: 'allowed', revoke: 'denied', 'disable-key': 'denied', 'enable-key': 'allowed' };

/**
 * Access revocation. The owner writes one object, then grants a second principal read access,
 * and from then on cycles revoke → grant → disable the principal's key → enable it, each change
 * waiting until the principal's reads (every other op, by every worker) show it in force. The
 * `revocation` checker turns the reads after each change into windows: how long a revoked
 * principal or a disabled key could still read, and a granted one could not yet.
 */
export const revocationWorkload: Workload = {
  name: 'revocation',
  description: 'a second principal reads while the owner grants, revokes, disables and enables its access: revocation and key-disable windows',
  fs: new Set(['put', 'read', 'grant', 'revoke', 'disable-key', 'enable-key']),
  reads: new Set(['read']),
  checkers: ['revocation'],

  unsupported(client) {
    return client.access ? undefined : 'it needs a second principal whose read access the run can grant, revoke and disable: use --target emulator (its --policy-delay MS)';
  },
  emulatorDefaults: { flags: { 'policy-delay': '1000', 'key-state-delay': '500' } },

  generator() {
    return phasedGenerator({
      setup: [{ f: 'put', key: KEY, value: 1 }],
      change: (i): OpSpec => ({ f: i === 0 ? 'grant' : CYCLE[(i - 1) % CYCLE.length]! }),
      probe: () => ({ f: 'read', key: KEY }),
      shows: (change, outcome) => outcome.value === SHOWN[change.f],
      holdMs: 50,
      maxPhaseMs: 600_000,
    });
  },

  async execute(client, op, options) {
    const access = client.access!;
    switch (op.f) {
      case 'put':
        await client.put(op.key!, encodeValue(op.value as number), options);
        return undefined;
      case 'grant':
        return access.grantRead(options);
      case 'revoke':
        return access.revokeRead(options);
      case 'disable-key':
        return access.setKeyActive(false, options);
      case 'enable-key':
        return access.setKeyActive(true, options);
      case 'read':
        return access.readAsPrincipal(op.key!, options);
      default:
        throw new Error(`revocation workload has no operation ${op.f}`);
    }
  },
};
