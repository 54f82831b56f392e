// The prose module: each kind of evidence, and each cause of a linearizability failure, into its sentence.
import { describe, expect, it } from 'vitest';
import type { Evidence, EvidenceKind, EvidenceOp, NotLinearizableEvidence } from '../../checkers/evidence.js';
import { explain, sentence, toAnomaly } from '../../checkers/explain.js';

/** An op as evidence names it, its times in ms (null: never completed). */
function op(index: number, text: string, invokedMs: number, completedMs: number | null, more: Partial<EvidenceOp> = {}): EvidenceOp {
  return { index, process: 0, f: text.slice(0, text.indexOf('(')), type: 'ok', text, invokeTime: invokedMs * 1e6, completeTime: completedMs === null ? null : completedMs * 1e6, ...more };
}

const put1 = op(0, 'put(k, 1)', 0, 1);
const put2 = op(2, 'put(k, 2)', 2, 3);
const get1 = op(4, 'get(k) → 1', 4, 5, { process: 1 });
const getNull = op(4, 'get(k) → null', 4, 5, { process: 1 });
const del = op(2, 'delete(k)', 2, 3);
const list = op(6, 'list(l/)', 6, 7);

const cases: [string, Evidence, string][] = [
  [
    'a stale read',
    { kind: 'stale-read', key: 'k', read: get1, notFound: false, source: put1, supersededBy: put2, ageNs: 1e6, missedWrites: 1 },
    'get(k) → 1 at 0.004 s was 1.000 ms stale: its value came from put(k, 1), completed at 0.001 s, superseded by put(k, 2), which completed at 0.003 s; the read missed 1 completed write',
  ],
  [
    'a stale not-found, from the latest delete',
    { kind: 'stale-read', key: 'k', read: getNull, notFound: true, source: del, supersededBy: op(3, 'put(k, 2)', 3, 3.5), ageNs: 5e5, missedWrites: 2 },
    'get(k) → null at 0.004 s was 0.500 ms stale: not-found came from delete(k), completed at 0.003 s, the latest delete, superseded by put(k, 2), which completed at 0.004 s; the read missed 2 completed writes',
  ],
  [
    'a stale not-found, from the initial state',
    { kind: 'stale-read', key: 'k', read: getNull, notFound: true, source: null, supersededBy: put1, ageNs: 3e6, missedWrites: 1 },
    'get(k) → null at 0.004 s was 3.000 ms stale: not-found came from the initial state (no k), superseded by put(k, 1), which completed at 0.001 s; the read missed 1 completed write',
  ],
  [
    'read-your-writes',
    { kind: 'read-your-writes', key: 'k', read: get1, notFound: false, source: put1, floor: put2 },
    'process 1 wrote put(k, 2), then get(k) → 1 at 0.004 s returned a value definitely older: put(k, 1) completed at 0.001 s, before put(k, 2) was invoked at 0.002 s',
  ],
  [
    'monotonic-reads',
    { kind: 'monotonic-reads', key: 'k', earlierRead: op(3, 'get(k) → 2', 3, 3.5, { process: 1 }), read: get1, notFound: false, source: put1, floor: put2 },
    'process 1 read get(k) → 2 at 0.003 s, then get(k) → 1 at 0.004 s, which is definitely older: put(k, 1) completed at 0.001 s, before put(k, 2) was invoked at 0.002 s',
  ],
  [
    'monotonic-writes, of a not-found no delete explains',
    {
      kind: 'monotonic-writes',
      key: 'x',
      observedWrite: op(2, 'put(y, 2)', 2, 3),
      observerRead: op(4, 'get(y) → 2', 4, 5, { process: 1 }),
      read: op(6, 'get(x) → null', 6, 7, { process: 1 }),
      notFound: true,
      source: null,
      floor: op(0, 'put(x, 1)', 0, 1),
    },
    'process 0 wrote put(x, 1) before put(y, 2); process 1 saw the latter (get(y) → 2 at 0.004 s), then get(x) → null at 0.006 s returned a value definitely older than the former: no delete could explain the null, and put(x, 1) was invoked at 0.000 s',
  ],
  [
    'writes-follow-reads, of a not-found a delete explains',
    {
      kind: 'writes-follow-reads',
      key: 'x',
      writerRead: op(2, 'get(x) → 1', 2, 3, { process: 1 }),
      observedWrite: op(4, 'put(y, 2)', 4, 5, { process: 1 }),
      observerRead: op(6, 'get(y) → 2', 6, 7, { process: 2 }),
      read: op(8, 'get(x) → null', 8, 9, { process: 2 }),
      notFound: true,
      source: op(1, 'delete(x)', 0.5, 0.8),
      floor: op(0, 'put(x, 1)', 1, 1.5),
    },
    'process 1 read get(x) → 1 before writing put(y, 2); process 2 saw that write (get(y) → 2 at 0.006 s), then get(x) → null at 0.008 s returned a value definitely older than the one read: the latest delete it could have read, delete(x), completed at 0.001 s, before put(x, 1) was invoked at 0.001 s',
  ],
  [
    'a lost write',
    { kind: 'lost-write', key: 'k', write: put2, finalReads: [op(4, 'final-get(k) → 1', 4, 5), op(6, 'final-get(k) → 1', 6, 7)], moreReads: 3 },
    'put(k, 2), acknowledged at 0.003 s and never overwritten, is lost: every final read returned a value whose every possible write completed before it was invoked (final-get(k) → 1, final-get(k) → 1 and 3 more)',
  ],
  [
    'workers that disagree at the end',
    { kind: 'not-converged', key: 'k', finalReads: [op(4, 'final-get(k) → 1', 4, 5, { process: 10 }), op(6, 'final-get(k) → 2', 6, 7, { process: 11 })] },
    "the workers' last final reads of k disagree after the quiet pause: process 10 final-get(k) → 1 at 0.004 s; process 11 final-get(k) → 2 at 0.006 s",
  ],
  [
    'a corrupt body',
    { kind: 'corrupt-read', key: 'k0', read: op(3, 'get(k0) → {"corrupt":"truncated: 2048 of 4096 bytes"}', 3, 4), corruption: 'truncated: 2048 of 4096 bytes', headerValue: 7 },
    'get(k0) at 0.003 s returned a body that fails its own verification (its header names value 7): truncated: 2048 of 4096 bytes',
  ],
  ['a phantom value', { kind: 'phantom-value', key: 'k', read: op(2, 'get(k) → 99', 2, 3) }, 'get(k) → 99 at 0.002 s returned a value that no operation ever wrote'],
  [
    'a value from another key',
    { kind: 'value-from-other-key', key: 'b', read: op(2, 'get(b) → 1', 2, 3), write: op(0, 'put(a, 1)', 0, 1), writeKey: 'a' },
    'get(b) → 1 at 0.002 s returned the value written to a by put(a, 1), not one written to b',
  ],
  [
    'the value of a failed write',
    { kind: 'value-of-failed-write', key: 'k', read: op(2, 'get(k) → 1', 2, 3), write: op(0, 'put(k, 1) [fail: PreconditionFailed]', 0, 1, { type: 'fail', error: 'PreconditionFailed' }) },
    'get(k) → 1 at 0.002 s returned the value of put(k, 1) [fail: PreconditionFailed], which definitely failed (PreconditionFailed)',
  ],
  [
    'the value of a refused write',
    { kind: 'value-of-failed-write', key: 'k', read: op(2, 'get(k) → 1', 2, 3), write: op(0, 'cas(k, [null,1]) → {"refused":"412"}', 0, 1) },
    'get(k) → 1 at 0.002 s returned the value of cas(k, [null,1]) → {"refused":"412"}, which definitely was refused',
  ],
  [
    'a value from the future',
    { kind: 'value-from-the-future', key: 'k', read: op(0, 'get(k) → 1', 0, 1), write: op(2, 'put(k, 1)', 2, 3) },
    'get(k) → 1 at 0.000 s returned the value of put(k, 1), which was invoked only at 0.002 s, after the read completed',
  ],
  [
    'not-found after a create, on a probed key',
    { kind: 'not-found-after-create', key: 'n1', read: op(4, 'get(n1) → null', 5, 6), create: op(2, 'put(n1, 1)', 3, 4), windowNs: 1e6, seenAbsent: op(0, 'probe(n1) → null', 1, 2) },
    'get(n1) → null at 0.005 s returned not-found 1.000 ms after put(n1, 1) had completed at 0.004 s; n1 had been seen absent before: probe(n1) → null at 0.001 s (probed)',
  ],
  [
    'not-found after a create, read absent by a read overlapping it',
    { kind: 'not-found-after-create', key: 'n1', read: op(4, 'get(n1) → null', 5, 6), create: op(2, 'put(n1, 1)', 3, 4), windowNs: 1e6, seenAbsent: op(3, 'get(n1) → null', 3.5, 3.8) },
    'get(n1) → null at 0.005 s returned not-found 1.000 ms after put(n1, 1) had completed at 0.004 s; n1 had been seen absent before: get(n1) → null at 0.004 s, overlapping the create',
  ],
  [
    'not-found after a create, never seen absent',
    { kind: 'not-found-after-create', key: 'n1', read: op(4, 'get(n1) → null', 5, 6), create: op(2, 'put(n1, 1)', 3, 4), windowNs: 1e6, seenAbsent: null },
    'get(n1) → null at 0.005 s returned not-found 1.000 ms after put(n1, 1) had completed at 0.004 s; no read had seen n1 absent before (not negative caching)',
  ],
  [
    'several creators won',
    { kind: 'several-creators-won', key: 'c', creators: [op(0, 'cas(c, [null,1])', 0, 2), op(1, 'cas(c, [null,2])', 1, null, { type: 'info' })] },
    '2 creators of c (If-None-Match: *) all succeeded: cas(c, [null,1]) [0.000 s, 0.002 s]; cas(c, [null,2]) [0.001 s, never completed]; at most one may',
  ],
  [
    'a creator refused with nothing there',
    { kind: 'refused-without-object', key: 'c', creator: op(0, 'cas(c, [null,1]) → {"refused":"412"}', 0, 1) },
    'cas(c, [null,1]) → {"refused":"412"} [0.000 s, 0.001 s] was refused, yet no write of c had been invoked before it completed: there was nothing to conflict with',
  ],
  [
    'the winner not seen',
    { kind: 'winner-not-seen', key: 'c', read: op(2, 'get(c) → null', 2, 3), winner: op(0, 'cas(c, [null,1])', 0, 1) },
    'get(c) → null at 0.002 s returned not-found after cas(c, [null,1]) [0.000 s, 0.001 s] had won',
  ],
  [
    'a loser read',
    { kind: 'loser-read', key: 'c', read: op(4, 'get(c) → 2', 4, 5), creator: op(2, 'cas(c, [null,2]) → {"refused":"412"}', 2, 3) },
    'get(c) → 2 at 0.004 s returned the value of cas(c, [null,2]) → {"refused":"412"} [0.002 s, 0.003 s], which the store refused',
  ],
  [
    'readers that disagree',
    { kind: 'readers-disagree', key: 'c', witnesses: [op(0, 'cas(c, [null,1])', 0, 1), op(4, 'get(c) → 2', 4, 5)] },
    'the winner of c is not agreed on: cas(c, [null,1]) at 0.000 s but get(c) → 2 at 0.004 s',
  ],
  [
    'a LIST with duplicates',
    { kind: 'duplicate-key', key: 'l/a', list, prefix: 'l/', duplicates: ['l/a', 'l/b', 'l/c', 'l/d', 'l/e'], duplicateCount: 6 },
    'list(l/) at 0.006 s returned 6 key(s) more than once: l/a, l/b, l/c, l/d, l/e, …',
  ],
  [
    'a LIST with few duplicates',
    { kind: 'duplicate-key', key: 'l/a', list, prefix: 'l/', duplicates: ['l/a'], duplicateCount: 1 },
    'list(l/) at 0.006 s returned 1 key(s) more than once: l/a',
  ],
  ['a phantom key', { kind: 'phantom-key', key: 'l/x', list, prefix: 'l/' }, 'list(l/) at 0.006 s returned l/x, which no PUT invoked before the LIST completed wrote'],
  [
    'a missing key',
    { kind: 'missing-key', key: 'l/a', list, prefix: 'l/', put: op(0, 'put(l/a, 1)', 0, 1), ageNs: 5e6 },
    'list(l/) at 0.006 s did not include l/a, though put(l/a, 1) had completed at 0.001 s, 5.000 ms before the LIST began, and no delete of l/a could explain its absence',
  ],
  [
    'an extra key',
    { kind: 'extra-key', key: 'l/b', list, prefix: 'l/', delete: op(2, 'delete(l/b)', 2, 3), ageNs: 3e6 },
    'list(l/) at 0.006 s included l/b, though delete(l/b) had completed at 0.003 s, 3.000 ms before the LIST began, after every PUT of l/b that could explain it',
  ],
  [
    'a refused release',
    { kind: 'release-refused', key: 'lock0', release: op(2, 'release(lock0, {"token":1,"etag":"\\"a\\""}) → {"refused":"412"}', 2, 3), refusal: 'PreconditionFailed (HTTP 412)' },
    'release(lock0, {"token":1,"etag":"\\"a\\""}) → {"refused":"412"} at 0.002 s was refused (PreconditionFailed (HTTP 412)): the lock was no longer as its holder\'s acquire had left it, though the holder had not released it',
  ],
  [
    'overlapping holds',
    {
      kind: 'overlapping-holds',
      key: 'lock0',
      first: { acquire: op(0, 'acquire(lock0, 1) → {"acquired":"a"}', 1, 3), token: 1, release: op(4, 'release(lock0)', 5, 6) },
      second: { acquire: op(1, 'acquire(lock0, 3) → {"acquired":"b"}', 2, 4, { process: 1 }), token: 3, release: null },
      overlapNs: 1e6,
    },
    'lock0: process 0 held it from 0.003 s (acquire(lock0, 1) acknowledged) until 0.005 s (release invoked), and process 1 from 0.004 s (acquire(lock0, 3) acknowledged) until the end (never released): both acquires were acknowledged, and the holds overlap by 1.000 ms',
  ],
  [
    'a cache stale beyond its max-age',
    { kind: 'stale-beyond-max-age', key: 'c', put: op(4, 'put(c, {"body":2})', 5, 6), body: 2, previous: op(0, 'create(c, {"body":1})', 1, 2), lagNs: 1e6, maxAgeMs: 1500 },
    'reads through the cache still returned an overwritten value 1.000 ms after put(c, 2) completed, beyond the 1.5 s max-age of the copy it replaced',
  ],
  [
    "a key's Δ, with the read and the op that set it",
    { kind: 'needs-delta', key: 'k', deltaNs: 2e6, approximate: false, read: get1, before: put2 },
    'k needs Δ = 2.000 ms: get(k) → 1, started at 0.004 s, is linearizable only if it started before put(k, 2) completed at 0.003 s',
  ],
  [
    "a key's Δ, an upper bound",
    { kind: 'needs-delta', key: 'k', deltaNs: 2e6, approximate: true, read: null, before: null },
    'k needs Δ = 2.000 ms (an upper bound: a null read there had several possible deletes)',
  ],
  ["a key's Δ of 0", { kind: 'needs-delta', key: 'k', deltaNs: 0, approximate: false, read: null, before: null }, 'every key is linearizable as recorded (Δ = 0)'],
  [
    'a key no Δ makes linearizable',
    { kind: 'needs-delta', key: 'k', deltaNs: null, approximate: false, read: null, before: null },
    'no shift of reads makes k linearizable: writes are ordered against each other by what was read',
  ],
];

// Linearizability: our histories' times read in seconds, imported ones' (below 1 ms) as positions.
const lin = (rest: DistributiveOmit<NotLinearizableEvidence, 'kind' | 'key'>): NotLinearizableEvidence => ({ kind: 'not-linearizable', key: 'k', ...rest }) as NotLinearizableEvidence;
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
const getA = op(4, 'get(k) → 17', 4, 5);
const putB = op(2, 'put(k, 19)', 2, 3);

const linearizability: [string, NotLinearizableEvidence, string][] = [
  [
    'a value no put wrote, put later',
    lin({ cause: 'unwritten-value', read: getA, laterPut: op(6, 'put(k, 17)', 6, 7) }),
    'get(k) → 17 completed at 0.005 s, before put(k, 17) was invoked.',
  ],
  [
    'a value no put wrote',
    lin({ cause: 'unwritten-value', read: { ...getA, invokeTime: 4, completeTime: 5 }, laterPut: null }),
    'get(k) → 17 (invoked at 4 ns) returned a value that no put wrote (or whose put failed).',
  ],
  ['a read before its write', lin({ cause: 'read-before-write', read: getA, write: op(6, 'put(k, 17)', 6, 7) }), 'get(k) → 17 completed at 0.005 s, before put(k, 17) was invoked at 0.006 s.'],
  [
    'a null with no source',
    lin({ cause: 'null-without-source', read: op(4, 'get(k) → null', 4, 5), write: putB }),
    'get(k) → null invoked at 0.004 s, but put(k, 19) had completed at 0.003 s and no delete of k was in progress or invoked after that put was invoked, so the object existed.',
  ],
  [
    'two clusters, one op of the other value',
    lin({
      cause: 'cluster-conflict',
      v: { write: op(0, 'put(k, 17)', 0, 1), value: 17, firstDone: op(0, 'put(k, 17)', 0, 1), lastInvoked: getA },
      u: { write: putB, value: 19, firstDone: putB, lastInvoked: putB },
    }),
    'get(k) → 17 invoked at 0.004 s, but put(k, 19) had completed at 0.003 s, after 17 was written (put(k, 17) completed at 0.001 s); put(k, 19) was invoked at 0.002 s.',
  ],
  [
    'two clusters that cannot be ordered',
    lin({
      cause: 'cluster-conflict',
      v: { write: op(0, 'put(k, 17)', 0, 1), value: 17, firstDone: op(1, 'get(k) → 17', 0.5, 1.2), lastInvoked: getA },
      u: { write: putB, value: 19, firstDone: putB, lastInvoked: op(3, 'get(k) → 19', 3.5, 3.8) },
    }),
    'get(k) → 17 invoked at 0.004 s, but put(k, 19) had completed at 0.003 s, and get(k) → 19 was invoked at 0.004 s, after get(k) → 17 had completed at 0.001 s: the ops on these two values cannot be ordered one group after the other.',
  ],
  [
    'a delete, then the other cluster',
    lin({
      cause: 'cluster-conflict',
      v: { write: op(0, 'delete(k)', 0, 1), firstDone: op(0, 'delete(k)', 0, 1), lastInvoked: op(4, 'get(k) → null', 4, 5) },
      u: { write: putB, value: 19, firstDone: putB, lastInvoked: putB },
    }),
    'get(k) → null invoked at 0.004 s, but put(k, 19) had completed at 0.003 s, after the object was deleted by delete(k) (delete(k) completed at 0.001 s); put(k, 19) was invoked at 0.002 s.',
  ],
  [
    'the initial state seen after a write (the other cluster is the initial state)',
    lin({
      cause: 'cluster-conflict',
      v: { write: putB, value: 19, firstDone: putB, lastInvoked: putB },
      u: { write: null, firstDone: null, lastInvoked: op(4, 'get(k) → null', 4, 5) },
    }),
    'get(k) → null invoked at 0.004 s still saw the initial state (no object), but put(k, 19) had completed at 0.003 s; once 19 was written the initial state cannot come back.',
  ],
  [
    'the initial state seen after a write (this cluster is the initial state)',
    lin({
      cause: 'cluster-conflict',
      v: { write: null, firstDone: null, lastInvoked: op(4, 'get(k) → null', 4, 5) },
      u: { write: putB, value: 19, firstDone: op(3, 'get(k) → 19', 2.5, 2.8), lastInvoked: putB },
    }),
    'get(k) → null invoked at 0.004 s still saw the initial state (no object), but get(k) → 19 had completed at 0.003 s (19 was written by put(k, 19)); once another value was written the initial state cannot come back.',
  ],
  [
    'an op that cannot take effect',
    lin({ cause: 'cannot-take-effect', op: op(5, 'cas(k, 1 → 2)', 5, 6), prefixLength: 3, state: '2' }),
    'cas(k, 1 → 2) (invoked at 0.005 s, completed at 0.006 s) cannot take effect: the longest linearizable prefix found has 3 ops and leaves 2, and no other order of the ops before its completion lets it take effect.',
  ],
  ['no order at all', lin({ cause: 'no-order' }), 'No order of the ops respects both real time and the model.'],
];

describe('explain', () => {
  it.each(cases)('%s', (_, evidence, text) => {
    expect(explain(evidence)).toBe(text);
  });

  it.each(linearizability)('not linearizable: %s', (_, evidence, text) => {
    expect(explain(evidence)).toBe(text);
  });

  it('has a sentence for every kind of evidence, and for every cause of a linearizability failure', () => {
    // Records over the unions: a kind or cause added to evidence.ts without a case here does not compile.
    const kinds: Record<EvidenceKind, true> = {
      'stale-read': true,
      'read-your-writes': true,
      'monotonic-reads': true,
      'monotonic-writes': true,
      'writes-follow-reads': true,
      'lost-write': true,
      'not-converged': true,
      'corrupt-read': true,
      'phantom-value': true,
      'value-from-other-key': true,
      'value-of-failed-write': true,
      'value-from-the-future': true,
      'not-found-after-create': true,
      'several-creators-won': true,
      'refused-without-object': true,
      'winner-not-seen': true,
      'loser-read': true,
      'readers-disagree': true,
      'duplicate-key': true,
      'phantom-key': true,
      'missing-key': true,
      'extra-key': true,
      'release-refused': true,
      'overlapping-holds': true,
      'stale-beyond-max-age': true,
      'not-linearizable': true,
      'needs-delta': true,
    };
    const causes: Record<NotLinearizableEvidence['cause'], true> = {
      'unwritten-value': true,
      'read-before-write': true,
      'null-without-source': true,
      'cluster-conflict': true,
      'cannot-take-effect': true,
      'no-order': true,
    };
    expect(new Set([...cases, ...linearizability].map(([, e]) => e.kind))).toEqual(new Set(Object.keys(kinds)));
    expect(new Set(linearizability.map(([, e]) => e.cause))).toEqual(new Set(Object.keys(causes)));
  });

  it('makes the anomaly from the evidence: its kind, key and sentence, the ops as given; evidence and sentence survive JSON', () => {
    const [, evidence, text] = cases[0]!;
    const a = toAnomaly(evidence, [4, 0, 2]);
    expect(a).toEqual({ kind: 'stale-read', key: 'k', ops: [4, 0, 2], explanation: text, evidence });
    const stored = JSON.parse(JSON.stringify(a));
    expect(stored).toEqual(a);
    expect(sentence(stored)).toBe(text);
  });

  it("reads a results.json anomaly from before evidence by its stored sentence", () => {
    expect(sentence({ explanation: 'get(k) → 1 was stale' })).toBe('get(k) → 1 was stale');
  });
});
