// Every checker's anomalies carry evidence: of their own kind and key, naming real ops of the
// history as they were, and the anomaly's sentence is the one checkers/explain.ts makes of it.
import { describe, expect, it } from 'vitest';
import type { Anomaly, CheckResult } from '../../checkers/checker.js';
import type { Evidence, EvidenceOp } from '../../checkers/evidence.js';
import { explain } from '../../checkers/explain.js';
import { checkers } from '../../checkers/registry.js';
import { refusal } from '../../src/history/conditional.js';
import type { History, Op } from '../../src/history/event.js';
import { H } from '../linearizable/helpers.js';

const granted = (etag: string) => ({ acquired: etag });

/** Small histories that, between them, show every kind of anomaly. */
const histories: Record<string, History> = {
  'stale read': new H().put(0, 'k', 1).put(0, 'k', 2).get(1, 'k', 1).history(),
  'read your writes': new H().put(0, 'k', 1).put(0, 'k', 2).get(0, 'k', 1).history(),
  'monotonic reads': new H().put(1, 'k', 1).put(1, 'k', 2).get(0, 'k', 2).get(0, 'k', 1).history(),
  'monotonic writes': new H().put(0, 'x', 1).put(0, 'y', 2).get(1, 'y', 2).get(1, 'x', null).history(),
  'writes follow reads': new H().put(0, 'x', 1).put(0, 'x', 2).get(1, 'x', 2).put(1, 'y', 3).get(2, 'y', 3).get(2, 'x', 1).history(),
  'same value twice': new H().put(0, 's', 1).put(0, 's', 2).put(0, 's', 1).get(1, 's', 2).history(),
  'null without source': new H().del(0, 'a').put(0, 'a', 2).get(2, 'a', null).history(),
  phantom: new H().put(0, 'k', 1).get(1, 'k', 99).history(),
  'other key': new H().put(0, 'a', 1).get(1, 'b', 1).history(),
  'failed write': new H().invoke(0, 'put', 'k', 1).fail(0).get(1, 'k', 1).history(),
  future: new H().invoke(1, 'get', 'k').ok(1, 1).put(0, 'k', 1).history(),
  corrupt: new H().put(0, 'k', 1).invoke(1, 'get', 'k').ok(1, { corrupt: 'truncated: 1 of 2 bytes', bytes: 1, id: 1 }).history(),
  'final phase': new H()
    .put(0, 'k', 1).put(0, 'k', 2).put(0, 'j', 1).put(0, 'j', 2)
    .invoke(10, 'final-get', 'k').ok(10, 1).invoke(11, 'final-get', 'k').ok(11, 1)
    .invoke(10, 'final-get', 'j').ok(10, 1).invoke(11, 'final-get', 'j').ok(11, 2)
    .history(),
  'read after create': new H().invoke(1, 'probe', 'n1').ok(1, null).put(0, 'n1', 1).get(1, 'n1', null).put(0, 'n2', 1).get(1, 'n2', null).history(),
  list: new H()
    .put(0, 'l/a', 1).put(0, 'l/b', 1).del(0, 'l/b')
    .invoke(1, 'list', 'l/').ok(1, ['l/b', 'l/c', 'l/x', 'l/x'])
    .history(),
  'create once': new H()
    .invoke(0, 'cas', 'c1', [null, 1]).ok(0).invoke(1, 'cas', 'c1', [null, 2]).ok(1)
    .invoke(0, 'cas', 'c2', [null, 1]).ok(0, refusal('PreconditionFailed (HTTP 412)'))
    .invoke(0, 'cas', 'c3', [null, 1]).ok(0).get(1, 'c3', null)
    .invoke(0, 'cas', 'c4', [null, 1]).ok(0).invoke(1, 'cas', 'c4', [null, 2]).ok(1, refusal('PreconditionFailed (HTTP 412)')).get(2, 'c4', 2)
    .invoke(0, 'cas', 'c5', [null, 1]).ok(0).invoke(1, 'cas', 'c5', [null, 2]).info(1).get(2, 'c5', 1).get(3, 'c5', 2)
    .history(),
  locks: new H()
    .invoke(0, 'acquire', 'lock0', 1).invoke(1, 'acquire', 'lock0', 3).ok(0, granted('"a"')).ok(1, granted('"b"'))
    .invoke(0, 'release', 'lock0', { token: 1, etag: '"a"' }).ok(0)
    .invoke(2, 'acquire', 'lock1', 5).ok(2, granted('"c"'))
    .invoke(2, 'release', 'lock1', { token: 5, etag: '"c"' }).ok(2, refusal('PreconditionFailed (HTTP 412)'))
    .history(),
  cache: new H()
    .invoke(0, 'create', 'c', { body: 1, cacheControl: 'max-age=0' }).ok(0)
    .invoke(1, 'read', 'c').ok(1, 1)
    .invoke(0, 'put', 'c', { body: 2, cacheControl: 'max-age=60' }).ok(0)
    .invoke(1, 'read', 'c').ok(1, 1)
    .invoke(1, 'read', 'c').ok(1, 2)
    .history(),
};

/** Every EvidenceOp in the evidence, wherever it sits. */
function opsIn(value: unknown): EvidenceOp[] {
  if (Array.isArray(value)) return value.flatMap(opsIn);
  if (typeof value !== 'object' || value === null) return [];
  const o = value as Record<string, unknown>;
  if (typeof o.index === 'number' && typeof o.text === 'string') return [o as unknown as EvidenceOp];
  return Object.values(o).flatMap(opsIn);
}

/** The evidence names ops of the history as they were (a linearizability counterexample's as they were at its cut: open if they completed later). */
function expectRealOps(evidence: Evidence, history: History, what: string): void {
  const byIndex = new Map<number, Op>(history.ops.map((o) => [o.invokeIndex, o]));
  const named = opsIn(evidence);
  expect(named.length, what).toBeGreaterThan(0);
  for (const e of named) {
    const op = byIndex.get(e.index);
    expect(op, `${what}: op ${e.index}`).toBeDefined();
    expect([e.process, e.f, e.invokeTime], `${what}: op ${e.index}`).toEqual([op!.process, op!.f, op!.invokeTime]);
    const cut = e.type === 'open' && e.completeTime === null;
    if (!cut) expect([e.type, e.completeTime], `${what}: op ${e.index}`).toEqual([op!.type, op!.completeTime]);
  }
}

describe('evidence of every checker', () => {
  it('every anomaly carries evidence of its kind and key, naming real ops, and its sentence is the evidence’s', async () => {
    const kinds = new Set<string>();
    const causes = new Set<string>();
    for (const [name, history] of Object.entries(histories)) {
      const indices = new Set(history.ops.map((o) => o.invokeIndex));
      for (const checker of checkers.values()) {
        const r = (await checker.check(history)) as CheckResult;
        const what = `${name}, ${checker.name}`;
        r.anomalies.forEach((a: Anomaly, i) => {
          const e = a.evidence;
          expect(e, `${what}: anomaly ${i}`).toBeDefined();
          expect([e!.kind, e!.key], what).toEqual([a.kind, a.key]);
          expect(a.explanation, what).toBe(explain(e!));
          expect(a.ops.every((ix) => indices.has(ix)), `${what}: ops ${a.ops}`).toBe(true);
          expectRealOps(e!, history, `${what}: ${a.kind}`);
          kinds.add(a.kind);
          if (e!.kind === 'not-linearizable') causes.add(e!.cause);
        });
        // The linearizability counterexamples carry the same evidence as their anomalies.
        if (Array.isArray(r.counterexamples)) {
          const cxs = r.counterexamples as { evidence: Evidence; explanation: string }[];
          expect(cxs.map((c) => c.evidence)).toEqual(r.anomalies.map((a) => a.evidence));
          for (const c of cxs) expect(c.explanation).toBe(explain(c.evidence));
        }
        // Δ-atomicity measures, it does not judge: its worst keys carry evidence too.
        for (const d of checker.name === 'delta-atomicity' ? (r.worstKeys as { ops: number[]; evidence: Evidence; explanation: string }[]) : []) {
          expect(d.explanation).toBe(explain(d.evidence));
          expect(d.ops.every((ix) => indices.has(ix))).toBe(true);
          expectRealOps(d.evidence, history, `${what}: Δ of ${d.evidence.key}`);
          kinds.add(d.evidence.kind);
        }
      }
    }
    expect([...kinds].sort()).toEqual(
      [
        'stale-read',
        'read-your-writes',
        'monotonic-reads',
        'monotonic-writes',
        'writes-follow-reads',
        'lost-write',
        'not-converged',
        'corrupt-read',
        'phantom-value',
        'value-from-other-key',
        'value-of-failed-write',
        'value-from-the-future',
        'not-found-after-create',
        'several-creators-won',
        'refused-without-object',
        'winner-not-seen',
        'loser-read',
        'readers-disagree',
        'duplicate-key',
        'phantom-key',
        'missing-key',
        'extra-key',
        'release-refused',
        'overlapping-holds',
        'stale-beyond-max-age',
        'not-linearizable',
        'needs-delta',
      ].sort(),
    );
    // read-before-write shows only in a whole partition's story (when the shortest failing prefix is out of budget): explain.test.ts has its sentence.
    expect([...causes].sort()).toEqual(['cannot-take-effect', 'cluster-conflict', 'null-without-source', 'unwritten-value']);
  });
});
