import { describe, expect, it } from 'vitest';
import { readValidity } from '../../checkers/read-validity.js';
import { memoryTarget } from '../../src/targets/memory.js';
import type { Target } from '../../src/targets/target.js';
import { faultyTarget } from '../helpers/faulty.js';
import { decodeValue, encodeValue } from '../../workloads/values.js';
import { recordRun } from '../helpers/run.js';

const text = (b: Uint8Array) => new TextDecoder().decode(b);

describe('self-verifying values', () => {
  it('round-trip at every size; a body is exactly --value-size bytes, or its header when that is longer', () => {
    for (const size of [1, 40, 64, 1000, 65_536, 1_048_576]) {
      for (const id of [1, 17, 123_456_789]) {
        const body = encodeValue(id, size);
        expect(decodeValue(body)).toBe(id);
        const header = text(body).split('\n')[0]!.length + 1;
        expect(body.byteLength).toBe(Math.max(size, header));
      }
    }
    expect(text(encodeValue(17, 1))).toMatch(/^objcheck:17:1:[0-9a-f]{16}\n$/);
    // Two values of one size differ in their padding too, not only in their headers.
    const a = encodeValue(1, 256);
    const b = encodeValue(2, 256);
    expect(text(a.subarray(200))).not.toBe(text(b.subarray(200)));
  });

  it('tells truncated, too long, torn, flipped and mangled bodies apart from foreign ones', () => {
    const a = encodeValue(5, 1000);
    const b = encodeValue(6, 1000);
    expect(decodeValue(a.subarray(0, 700))).toEqual({ corrupt: 'truncated: 700 of 1000 bytes', bytes: 700, id: 5 });
    const longer = new Uint8Array(1001);
    longer.set(a);
    expect(decodeValue(longer)).toMatchObject({ corrupt: 'too long: 1001 of 1000 bytes', id: 5 });
    // Torn: the first half of one write, the second half of another (same length).
    const torn = new Uint8Array(1000);
    torn.set(a.subarray(0, 500));
    torn.set(b.subarray(500), 500);
    expect(decodeValue(torn)).toMatchObject({ corrupt: expect.stringMatching(/^checksum mismatch/), id: 5 });
    const flipped = Uint8Array.from(a);
    flipped[900] ^= 1;
    expect(decodeValue(flipped)).toMatchObject({ corrupt: expect.stringMatching(/^checksum mismatch/), bytes: 1000 });
    expect(decodeValue(a.subarray(0, 12))).toEqual({ corrupt: 'its header is mangled or cut short', bytes: 12 });
    // No header at all: the text, as other tools' bodies and s3rver's empty ones always were.
    expect(decodeValue(new Uint8Array())).toBe('');
    expect(decodeValue(new TextEncoder().encode('hello'))).toBe('hello');
    expect(decodeValue(new Uint8Array(5000).fill(120))).toMatchObject({ corrupt: expect.stringMatching(/^not a value of objcheck's: "x{64}"…$/), bytes: 5000 });
  });
});

/** The store, with every read of one key cut to half its bytes (a truncating proxy, say). */
const truncatingReads = (target: Target) =>
  faultyTarget(target, (c) => ({
    get: async (key, o) => {
      const got = await c.get(key, o);
      return got && key === 'k0' ? { ...got, body: got.body.subarray(0, got.body.byteLength >> 1) } : got;
    },
  }));

describe('corrupt reads in a run', () => {
  it('read-validity reports each read of a truncated body as a corrupt read, and only those', async () => {
    const h = await recordRun({ target: truncatingReads(memoryTarget), limits: { ops: 300 }, keys: 3, valueSize: 4096 });
    const r = readValidity.check(h);
    const corruptReads = h.ops.filter((o) => o.f === 'get' && o.key === 'k0' && o.type === 'ok' && o.value !== null);
    expect(corruptReads.length).toBeGreaterThan(10);
    expect(r).toMatchObject({ valid: false, corruptReads: corruptReads.length, invalidReads: corruptReads.length });
    expect(new Set(r.anomalies.map((a) => a.kind))).toEqual(new Set(['corrupt-read']));
    expect(r.anomalies[0]!.explanation).toMatch(/^get\(k0\) at \d+\.\d{3} s returned a body that fails its own verification \(its header names value \d+\): truncated: 2048 of 4096 bytes$/);
  });

  it('a clean run with large values stays valid', async () => {
    const h = await recordRun({ target: memoryTarget, limits: { ops: 200 }, keys: 3, valueSize: 256 * 1024 });
    expect(readValidity.check(h)).toMatchObject({ valid: true, corruptReads: 0 });
    expect(h.ops.some((o) => o.f === 'get' && typeof o.value === 'number')).toBe(true);
  });
});
