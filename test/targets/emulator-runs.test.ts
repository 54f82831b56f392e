import { describe, expect, it } from 'vitest';
import { linearizable } from '../../checkers/linearizable/index.js';
import { readValidity } from '../../checkers/read-validity.js';
import { sessionGuarantees } from '../../checkers/session-guarantees.js';
import { selectCheckers } from '../../src/check/select-checkers.js';
import { registerWorkload } from '../../workloads/register.js';
import { emulatorTarget } from '../../src/targets/emulator.js';
import { recordRun } from '../helpers/run.js';

describe.each(['lean', 'sdk'] as const)('the register workload against the emulator over HTTP, %s client', (client) => {
  const run = (flags: string[], seed: number, ops = 600) =>
    recordRun({ target: emulatorTarget, limits: { ops }, concurrency: 6, keys: 2, seed, targetOptions: { emulatorFlags: flags, client } });

  it('strong: every checker of the register workload finds nothing, over several seeds', async () => {
    for (const seed of [1, 2, 3]) {
      const h = await run(['--consistency', 'strong'], seed);
      expect(h.ops.filter((o) => o.type === 'ok').length).toBe(600);
      for (const checker of selectCheckers(registerWorkload.checkers)) {
        const r = await checker.check(h);
        expect([checker.name, r.valid, r.anomalies.length]).toEqual([checker.name, true, 0]);
      }
    }
  });

  it('reads from one random replica break monotonic reads, and session-guarantees says so', async () => {
    const h = await run(['--consistency', 'quorum', '--replicas', '3', '--write-quorum', '1', '--read-quorum', '1', '--write-delay', 'exp:40', '--single-replica-reads'], 7, 800);
    const r = await sessionGuarantees.check(h);
    expect(r.valid).toBe(false);
    expect((r.guarantees as Record<string, { valid: boolean; violations: number }>)['monotonic-reads']).toMatchObject({ valid: false });
    expect(r.anomalies.some((a) => a.kind === 'monotonic-reads')).toBe(true);
  });

  it('s3-legacy: stale reads after overwrites and deletes make it not linearizable, with no corrupt values', async () => {
    const h = await run(['--consistency', 's3-legacy', '--stale-window', '50:200', '--stale-probability', '0.8'], 4);
    expect(readValidity.check(h).valid).toBe(true);
    const r = await linearizable.check(h);
    expect(r.valid).toBe(false);
    expect(r.anomalies[0]!.kind).toBe('not-linearizable');
  });

  it('quorum N=3 R=W=1 with exponential propagation delays: not linearizable', async () => {
    const h = await run(['--consistency', 'quorum', '--replicas', '3', '--write-quorum', '1', '--read-quorum', '1', '--write-delay', 'exp:30'], 5);
    expect(readValidity.check(h).valid).toBe(true);
    expect((await linearizable.check(h)).valid).toBe(false);
  });

  it('quorum N=3 R=W=2 (overlapping quorums), one client at a time: every read sees the last write', async () => {
    // Concurrent clients could still see a new value and then an old one while a write is in
    // flight (quorums alone do not make a register linearizable); one client cannot.
    const h = await recordRun({
      target: emulatorTarget,
      limits: { ops: 200 },
      concurrency: 1,
      keys: 2,
      seed: 6,
      targetOptions: { emulatorFlags: ['--consistency', 'quorum', '--replicas', '3', '--write-quorum', '2', '--read-quorum', '2', '--write-delay', 'exp:5'], client },
    });
    expect((await linearizable.check(h)).valid).toBe(true);
  });
});
