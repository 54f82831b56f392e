import { describe, expect, it } from 'vitest';
import { parseChronyTracking, wallNs } from '../../src/history/clock.js';
import { clockRecord, takeAnchor } from '../../src/runner/clock.js';

// `chronyc -c tracking` as chrony 4 prints it (fields: reference ID, name, stratum, reference
// time, system time offset, last offset, RMS offset, frequency, residual frequency, skew, root
// delay, root dispersion, update interval, leap status).
const SYNCED = 'A9FEA97B,169.254.169.123,4,1765085400.123456789,-0.000012345,0.000001000,0.000020000,-12.345,0.001,0.023,0.000456000,0.000123000,64.2,Normal\n';

describe('chrony', () => {
  it('bounds the clock error by |offset| + root dispersion + root delay / 2', () => {
    const b = parseChronyTracking(SYNCED);
    // 0.012345 ms + 0.123 ms + 0.456 / 2 ms
    expect(b.epsilonMs).toBeCloseTo(0.012345 + 0.123 + 0.228, 9);
    expect(b.detail).toMatch(/^chrony \(reference 169\.254\.169\.123, stratum 4\): offset 0\.0123 ms \+ root dispersion 0\.123 ms \+ root delay 0\.456 ms \/ 2$/);
  });

  it('gives no bound for an unsynchronised clock or output it does not know', () => {
    expect(parseChronyTracking('7F7F0101,,10,0.000000000,0.000000000,0.000000000,0.000000000,0.000,0.000,0.000,0.000000000,0.000000000,0.0,Not synchronised\n')).toMatchObject({ epsilonMs: null, detail: expect.stringMatching(/not synchronised/) });
    expect(parseChronyTracking('506 Cannot talk to daemon\n')).toMatchObject({ epsilonMs: null, detail: expect.stringMatching(/not its 14 fields/) });
    expect(parseChronyTracking(SYNCED.replace('0.000456000', 'x'))).toMatchObject({ epsilonMs: null });
  });
});

describe('the clock record', () => {
  it('takes --clock-error-ms first, then chrony, else says ε is unknown', () => {
    const chrony = parseChronyTracking(SYNCED);
    expect(clockRecord(0n, { clockErrorMs: 5 }, chrony)).toMatchObject({ epsilonMs: 5, source: 'flag', detail: expect.stringMatching(/^--clock-error-ms 5; chrony/) });
    expect(clockRecord(0n, {}, chrony)).toMatchObject({ epsilonMs: chrony.epsilonMs, source: 'chrony' });
    expect(clockRecord(0n, {}, undefined)).toMatchObject({ epsilonMs: null, source: 'none', detail: expect.stringMatching(/unknown/) });
  });

  it('anchors the wall clock to the history clock at one instant, shifted by the test offset', () => {
    const origin = process.hrtime.bigint();
    const a = takeAnchor(origin);
    const now = Date.now();
    expect(a.monoNs).toBeGreaterThanOrEqual(0);
    // The history time of "now" through the anchor is now, to within the few ms this took.
    const t = Number(process.hrtime.bigint() - origin);
    expect(Math.abs(wallNs({ anchor: a, epsilonMs: 0, source: 'flag', detail: '' }, t) / 1e6 - now)).toBeLessThan(1000);
    // The two clocks' reads are close: the anchor's error is what the merge adds to ε.
    expect(a.errorMs).toBeGreaterThanOrEqual(0);
    expect(a.errorMs).toBeLessThan(50);
    const shifted = clockRecord(origin, { clockErrorMs: 1, clockOffsetMs: 250 }, undefined);
    expect(shifted.offsetMs).toBe(250);
    expect(shifted.anchor.wallMs - (Date.now() - (Number(process.hrtime.bigint() - origin) - shifted.anchor.monoNs) / 1e6)).toBeGreaterThan(200);
  });
});

describe("the report header's clock bound", () => {
  it('says ε for a merged run and each shard, for a shard its own, and nothing for a lone run', async () => {
    const { clockWords } = await import('../../src/report/header.js');
    const merged = clockWords({
      merge: { keysMode: 'shared', epsilonMs: 2, shards: [{ folder: '/r/t/shard-0', complete: true, epsilonMs: 2, source: 'chrony' }, { folder: '/r/t/shard-1', complete: false, epsilonMs: 1, source: 'flag', offsetMs: 30 }] },
    });
    expect(merged).toMatch(/^ε = 2 ms across 2 shards on shared keys \(shard-0: 2 ms \(chrony\); shard-1: 1 ms \(flag, test offset 30 ms\), incomplete\): every op widened/);
    expect(merged).toContain('not decidable at this clock bound');
    expect(clockWords({ clock: { epsilonMs: null, source: 'none', detail: 'no chronyc' }, shard: { index: 1, count: 3 } })).toBe('ε = unknown (no chronyc), shard 1 of 3');
    expect(clockWords({ clock: { epsilonMs: 1, source: 'flag', detail: '--clock-error-ms 1' } })).toBeUndefined();
    expect(clockWords(null)).toBeUndefined();
    const { counterexampleClockNote } = await import('../../src/report/header.js');
    expect(counterexampleClockNote({ merge: { keysMode: 'shared', epsilonMs: 120, shards: [] } })).toMatch(/^Merged from 0 shards at clock bound ε = 120 ms: each op's bar is widened/);
    expect(counterexampleClockNote({ clock: { epsilonMs: 1, source: 'flag', detail: '--clock-error-ms 1' } })).toBeUndefined();
  });
});
