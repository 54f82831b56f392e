import { describe, expect, it } from 'vitest';
import { revocation } from '../../checkers/revocation.js';
import { historyStats } from '../../src/history/stats.js';
import { windowsSection } from '../../src/report/windows-section.js';
import { emulatorTarget } from '../../src/targets/emulator.js';
import { revocationWorkload } from '../../workloads/revocation.js';
import { recordRun } from '../helpers/run.js';
import { H } from '../linearizable/helpers.js';
import { expectNearTruth, expectZero, objcheckWorkload, recordWithTruth, trueWindows, windowsOf } from './helpers.js';

describe('revocation checker', () => {
  it('measures from the change completing to the middle of [last read in the old state begins, next read in the new one ends]', () => {
    // Events are 1 ms apart: revoke completes at 2 ms; the reads starting at 3 and 5 ms are still
    // allowed, the one from 7 to 8 ms denied: between 3 and 6 ms, a window of 4.5 ms. The grant
    // is never seen in force.
    const h = new H()
      .invoke(0, 'revoke').ok(0)
      .invoke(1, 'read', 'g').ok(1, 'allowed')
      .invoke(1, 'read', 'g').ok(1, 'allowed')
      .invoke(1, 'read', 'g').ok(1, 'denied')
      .invoke(0, 'grant').ok(0)
      .invoke(1, 'read', 'g').ok(1, 'denied')
      .history();
    const w = windowsOf(revocation.check(h));
    expect(w.revoke).toMatchObject({ samples: 1, ms: 4.5, maxMs: 4.5, censored: 0, enough: false });
    expect(w.grant).toMatchObject({ samples: 0, ms: null, censored: 1, atLeastMs: 1 });

    // A read still in flight when the next change began may show that one: it is no evidence.
    const overlapping = new H()
      .invoke(0, 'revoke').ok(0)
      .invoke(1, 'read', 'g')
      .invoke(0, 'grant').ok(0)
      .ok(1, 'allowed')
      .history();
    expect(windowsOf(revocation.check(overlapping)).revoke).toMatchObject({ samples: 0, censored: 0 });
    expect(w.revoke!.promise.google).toMatch(/about a minute/);

    // The report leads with it: a security callout, and each window beside the vendors' promises.
    const html = windowsSection({ valid: true, complete: true, checkers: { revocation: revocation.check(h) }, stats: historyStats(h) });
    expect(html).toContain('<b>Security</b>: still readable after a revocation returned: up to 4.5 ms (median 4.5 ms, 1 changes)');
    expect(html).toMatch(/<tr id="window-revoke">.*<b>4\.5 ms<\/b>.*about a minute.*eventually consistent/);
    expect(html).toContain('1 not yet in force at the next change or the end (≥ 1.0 ms)');
  });
});

describe('revocation workload against the emulator', () => {
  it('estimates the configured policy and key-state delays within 20%, on the emulator\'s clock', async () => {
    const { history, controls } = await recordWithTruth({
      target: emulatorTarget,
      workload: revocationWorkload,
      concurrency: 3,
      // Five cycles of four changes, each about its delay plus a 50 ms hold, with room for a loaded machine.
      limits: { timeLimitMs: 8500 },
      targetOptions: { emulatorFlags: ['--policy-delay', '250', '--key-state-delay', '200'] },
    });
    const w = windowsOf(revocation.check(history));
    const policy = trueWindows(history, controls, ['grant', 'revoke'], 'policy');
    const keys = trueWindows(history, controls, ['disable-key', 'enable-key'], 'key-state');
    expectNearTruth(w.revoke, policy.get('revoke')!, 250);
    expectNearTruth(w.grant, policy.get('grant')!, 250);
    expectNearTruth(w['key-disable'], keys.get('disable-key')!, 200);
    expectNearTruth(w['key-enable'], keys.get('enable-key')!, 200);
  }, 20_000);

  it('finds a window of zero when changes take effect at once', async () => {
    const history = await recordRun({
      target: emulatorTarget,
      workload: revocationWorkload,
      concurrency: 3,
      limits: { timeLimitMs: 3500 },
      targetOptions: { emulatorFlags: ['--policy-delay', '0'] },
    });
    const w = windowsOf(revocation.check(history));
    for (const name of ['revoke', 'grant', 'key-disable', 'key-enable']) expectZero(w[name]);
  }, 20_000);
});

describe('revocation on targets that cannot do it', () => {
  it('memory: not supported by this target, exit 3, naming what can', async () => {
    const r = await objcheckWorkload(['--workload', 'revocation', '--time-limit', '1', '--target', 'memory']);
    expect(r.code).toBe(3);
    expect(r.stderr.trim().split('\n').at(-1)).toBe(
      'error: the revocation workload is not supported by this target (memory): it needs a second principal whose read access the run can grant, revoke and disable: use --target emulator (its --policy-delay MS)',
    );
  });
});
