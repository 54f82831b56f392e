import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseChronyTracking, parseClockBound, wallNs } from '../../src/history/clock.js';
import { clockRecord, readClockBound, takeAnchor } from '../../src/runner/clock.js';

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

/**
 * A ClockBound segment as its daemon writes it (docs/PROTOCOL.md of aws/clock-bound): magic,
 * size, version, generation, as-of and void-after (timespecs of CLOCK_MONOTONIC), bound (ns),
 * then in version 2 the disruption marker, drift (ppb), status; in version 1 drift, reserved, status.
 */
function segment(o: { version?: 1 | 2; generation?: number; asOfNs: bigint; voidAfterNs: bigint; boundNs: bigint; driftPpb: number; status: number }): Uint8Array {
  const version = o.version ?? 2;
  const b = new Uint8Array(version === 2 ? 80 : 72);
  const v = new DataView(b.buffer);
  b.set([0x41, 0x4d, 0x5a, 0x4e, 0x43, 0x42, 0x02, 0x00], 0);
  v.setUint32(8, b.byteLength, true);
  v.setUint16(12, version, true);
  v.setUint16(14, o.generation ?? 2, true);
  const timespec = (at: number, ns: bigint) => {
    v.setBigInt64(at, ns / 1_000_000_000n, true);
    v.setBigInt64(at + 8, ns % 1_000_000_000n, true);
  };
  timespec(16, o.asOfNs);
  timespec(32, o.voidAfterNs);
  v.setBigInt64(48, o.boundNs, true);
  if (version === 2) {
    v.setUint32(64, o.driftPpb, true);
    v.setInt32(68, o.status, true);
  } else {
    v.setUint32(56, o.driftPpb, true);
    v.setInt32(64, o.status, true);
  }
  return b;
}

describe('AWS ClockBound', () => {
  const base = { asOfNs: 100_000_000_000n, voidAfterNs: 110_000_000_000n, boundNs: 250_000n, driftPpb: 15_000, status: 1 };
  it('bounds the clock error by its bound grown by the drift since it was taken (versions 1 and 2)', () => {
    // 2 s after: 0.25 ms + 2 s * 15 ppm = 0.28 ms.
    for (const version of [1, 2] as const) {
      const b = parseClockBound(segment({ ...base, version }), 102_000_000_000n);
      expect(b).toMatchObject({ epsilonMs: expect.closeTo(0.28, 9), detail: expect.stringMatching(/^ClockBound: bound 0\.250 ms as of 2000 ms ago, drift 15000 ppb$/) });
    }
  });

  it('gives no bound for a clock not synchronized, a void bound or a segment it does not know; asks again mid-update', () => {
    expect(parseClockBound(segment({ ...base, status: 2 }), 101_000_000_000n)).toMatchObject({ epsilonMs: null, detail: expect.stringMatching(/free-running, not synchronized/) });
    expect(parseClockBound(segment(base), 111_000_000_000n)).toMatchObject({ epsilonMs: null, detail: expect.stringMatching(/void since 1 s/) });
    expect(parseClockBound(new Uint8Array(80), 0n)).toMatchObject({ epsilonMs: null, detail: expect.stringMatching(/magic/) });
    expect(parseClockBound(segment({ ...base, generation: 3 }), 101_000_000_000n)).toEqual({ retry: true });
  });

  it('is read from its segment when its daemon runs, and comes before chrony', () => {
    const dir = mkdtempSync(join(tmpdir(), 'objcheck-clockbound-'));
    const path = join(dir, 'shm0');
    const now = process.hrtime.bigint();
    writeFileSync(path, segment({ ...base, asOfNs: now, voidAfterNs: now + 60_000_000_000n }));
    const bound = readClockBound(path)!;
    expect(bound.epsilonMs).toBeGreaterThanOrEqual(0.25);
    expect(readClockBound(join(dir, 'absent'))).toBeUndefined();
    expect(clockRecord(0n, {}, parseChronyTracking(SYNCED), bound)).toMatchObject({ source: 'clockbound', epsilonMs: bound.epsilonMs });
    expect(clockRecord(0n, { clockErrorMs: 5 }, parseChronyTracking(SYNCED), bound)).toMatchObject({ source: 'flag', epsilonMs: 5 });
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
