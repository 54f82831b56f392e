import { describe, expect, it } from 'vitest';
import { storeSideSamples } from '../../checkers/staleness/store-side.js';
import type { GroundTruthEvent } from '../../src/emulator/ground-truth.js';

const MS = 1e6;
const put = (key: string, writeId: number, startMs: number, commitMs: number, status = 200): GroundTruthEvent => ({
  kind: 'op', op: 'PutObject', bucket: 'b', key, startNs: startMs * MS, endNs: (commitMs + 1) * MS, committedAtNs: commitMs * MS, writeId, status,
});
const del = (key: string, writeId: number, startMs: number, endMs: number): GroundTruthEvent => ({ kind: 'op', op: 'DeleteObject', bucket: 'b', key, startNs: startMs * MS, endNs: endMs * MS, writeId, status: 204 });
const get = (key: string, atMs: number, writeId: number | null, status = writeId === null ? 404 : 200): GroundTruthEvent => ({
  kind: 'op', op: 'GetObject', bucket: 'b', key, startNs: (atMs - 0.5) * MS, startedAtNs: atMs * MS, endNs: (atMs + 1) * MS, writeId, status,
});

describe('store-side visibility samples (ground truth)', () => {
  it('measures t from the commit to the read reaching the store, and judges by the version returned', () => {
    const { samples, leftOut } = storeSideSamples([
      get('run/a', 1, null), // before any write: no sample
      put('run/a', 1, 2, 5),
      get('run/a', 4, null), // before the commit: no sample
      get('run/a', 5.25, null), // stale: found nothing after the commit
      get('run/a', 7, 1),
      put('run/a', 2, 10, 12),
      get('run/a', 13, 1), // stale: the older version
      get('run/a', 14, 2),
      get('run/a', 15, 3), // a newer version (of a write not in the log) is consistent too
      del('run/a', 3, 20, 21),
      get('run/a', 22, null), // after a delete, nothing is the latest state
      get('run/a', 23, 2), // stale: the deleted version
      get('run/a', 24, 2, 503), // an error is no answer
      put('other/x', 9, 0, 1),
      get('other/x', 2, 9), // not the run's prefix
      put('run/.objcheck-preflight', 10, 0, 1),
      get('run/.objcheck-preflight', 2, 10), // the harness's own object
    ], 'run/');
    expect(leftOut).toEqual({});
    expect(samples.map((s) => [s.t / MS, s.consistent, s.writeId])).toEqual([
      [0.25, false, 1],
      [2, true, 1],
      [1, false, 2],
      [2, true, 2],
      [3, true, 2],
      [1, true, 3],
      [2, false, 3],
    ]);
  });

  it('leaves out reads of a write that overlapped another write of its key, and failed writes', () => {
    const { samples, leftOut } = storeSideSamples([
      put('k', 1, 0, 10),
      put('k', 2, 5, 8), // began before write 1 committed: both overlap
      get('k', 9, 2),
      get('k', 11, 1),
      put('k', 3, 20, 22),
      get('k', 23, 3),
      put('k', 4, 30, 31, 503),
      get('k', 32, 3),
    ]);
    expect(leftOut).toEqual({ 'its write overlapped another': 2 });
    expect(samples.map((s) => [s.t / MS, s.consistent, s.writeId])).toEqual([
      [1, true, 3],
      [10, true, 3],
    ]);
  });
});
