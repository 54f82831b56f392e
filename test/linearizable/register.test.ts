import { describe, expect, it } from 'vitest';
import type { Anomaly } from '../../checkers/checker.js';
import { createLinearizableChecker, checkPartition } from '../../checkers/linearizable/index.js';
import { registerModel } from '../../checkers/linearizable/models/register.js';
import type { Counterexample } from '../../checkers/linearizable/partition.js';
import { H } from './helpers.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const check = (h: H) => createLinearizableChecker().check(h.history()) as { valid: unknown; anomalies: Anomaly[]; [extra: string]: any };

describe('register model', () => {
  it('describes ops for people', () => {
    const h = new H().put(0, 'k3', 19).get(0, 'k3', 17).del(0, 'k3').get(0, 'k3', null).history();
    expect(h.ops.map((o) => registerModel.describe(o))).toEqual(['put(k3, 19)', 'get(k3) → 17', 'delete(k3)', 'get(k3) → null']);
  });

  it('accepts sequential put/get/delete and null before any put and after delete', () => {
    const r = check(new H().get(0, 'a', null).put(0, 'a', 1).get(1, 'a', 1).del(0, 'a').get(1, 'a', null).put(2, 'a', 2).get(0, 'a', 2));
    expect(r.valid).toBe(true);
    expect(r.fastPath.decided).toBe(1);
  });

  it('rejects a read of null after a delete was overwritten', () => {
    const r = check(new H().put(0, 'a', 1).del(0, 'a').put(0, 'a', 2).get(1, 'a', null));
    expect(r.valid).toBe(false);
  });

  it('rejects a stale read and explains it in words', () => {
    const r = check(new H().put(0, 'k3', 17).put(1, 'k3', 19).get(2, 'k3', 17));
    expect(r.valid).toBe(false);
    expect(r.anomalies).toHaveLength(1);
    const a = r.anomalies[0]!;
    expect(a.key).toBe('k3');
    expect(a.explanation).toMatch(/^get\(k3\) → 17 invoked at 0\.00\d s, but put\(k3, 19\) had completed at 0\.00\d s, after 17 was written/);
    const cx = (r.counterexamples as Counterexample[])[0]!;
    expect(cx.window!.ops.map((o) => o.text)).toEqual(['put(k3, 17)', 'put(k3, 19)', 'get(k3) → 17']);
    expect(cx.prefix!.length).toBe(2);
    expect(cx.prefix!.state).toBe('19');
    expect(cx.stuck.map((o) => o.text)).toEqual(['get(k3) → 17']);
  });

  it('accepts concurrent puts read in either order', () => {
    // put 1 and put 2 overlap; reads see 2 then 1: 2 before 1 is a legal order.
    const h = new H().invoke(0, 'put', 'a', 1).invoke(1, 'put', 'a', 2).ok(0).ok(1).get(2, 'a', 1);
    expect(check(h).valid).toBe(true);
    const h2 = new H().invoke(0, 'put', 'a', 1).invoke(1, 'put', 'a', 2).get(2, 'a', 2).ok(0).ok(1).get(2, 'a', 1);
    expect(check(h2).valid).toBe(true);
    // But once 1 is seen after 2, 2 cannot come back.
    const h3 = new H().invoke(0, 'put', 'a', 1).invoke(1, 'put', 'a', 2).ok(0).ok(1).get(2, 'a', 2).get(2, 'a', 1).get(2, 'a', 2);
    expect(check(h3).valid).toBe(false);
  });

  it('accepts a read of an info write (it may have happened), even long after', () => {
    const h = new H().invoke(0, 'put', 'a', 5).info(0).get(1, 'a', null).get(1, 'a', 5).get(1, 'a', 5);
    const r = check(h);
    expect(r.valid).toBe(true);
  });

  it('rejects a read of an info write once the value was overwritten and then read again', () => {
    const h = new H().invoke(0, 'put', 'a', 5).info(0).get(1, 'a', 5).put(1, 'a', 6).get(1, 'a', 5);
    expect(check(h).valid).toBe(false);
  });

  it('drops an info write that nobody read, and an open one', () => {
    const h = new H().invoke(0, 'put', 'a', 5).info(0).get(1, 'a', null).put(1, 'a', 6).invoke(3, 'put', 'a', 7).get(1, 'a', 6);
    const r = check(h);
    expect(r.valid).toBe(true);
    expect(r.dropped.unobservedInfoWrites).toBe(2);
  });

  it('rejects a read of a value whose put failed, and of a value never written', () => {
    expect(check(new H().invoke(0, 'put', 'a', 5).fail(0).get(1, 'a', 5)).valid).toBe(false);
    const r = check(new H().put(0, 'a', 1).get(1, 'a', 42));
    expect(r.valid).toBe(false);
    expect(r.anomalies[0]!.explanation).toContain('no put wrote');
  });

  it('rejects a read that completed before its write was invoked', () => {
    const r = check(new H().get(1, 'a', 5).put(0, 'a', 5));
    expect(r.valid).toBe(false);
    expect(r.anomalies[0]!.explanation).toMatch(/get\(a\) → 5 completed at .* before put\(a, 5\) was invoked/);
  });

  it('ignores failed and crashed reads, and nemesis events', () => {
    const h = new H().put(0, 'a', 1).invoke(1, 'get', 'a').fail(1).nemesis('partition').invoke(2, 'get', 'a').info(2).get(3, 'a', 1);
    const r = check(h);
    expect(r.valid).toBe(true);
    expect(r.dropped).toMatchObject({ failed: 1, indeterminateReads: 1 });
  });

  it('guesses the source of a null read that could come from two deletes, and searches when the guess fails', () => {
    // Two concurrent deletes, both overlapping the null read: the fast path guesses one, which linearizes.
    const ok = new H().put(0, 'a', 1).invoke(0, 'delete', 'a').invoke(1, 'delete', 'a').get(2, 'a', null).ok(0).ok(1);
    const r = check(ok);
    expect(r.valid).toBe(true);
    expect(r.fastPath.decided).toBe(1);
    const bad = new H().put(0, 'a', 1).invoke(0, 'delete', 'a').invoke(1, 'delete', 'a').get(2, 'a', null).ok(0).ok(1).put(0, 'a', 2).get(2, 'a', null);
    expect(check(bad).valid).toBe(false);
  });

  it('maps a null read to its only possible delete (fast path) and finds no source when none fits', () => {
    const ok = new H().put(0, 'a', 1).del(0, 'a').put(0, 'a', 2).del(1, 'a').get(2, 'a', null);
    const r = check(ok);
    expect(r.valid).toBe(true);
    expect(r.fastPath.decided).toBe(1);
    const bad = new H().del(0, 'a').put(0, 'a', 2).get(2, 'a', null);
    const rb = check(bad);
    expect(rb.valid).toBe(false);
    expect(rb.anomalies[0]!.explanation).toMatch(/get\(a\) → null invoked at .*, but put\(a, 2\) had completed/);
  });

  it('an info delete observed by a null read took effect', () => {
    const h = new H().put(0, 'a', 1).invoke(1, 'delete', 'a').info(1).get(2, 'a', null).get(2, 'a', 1);
    expect(check(h).valid).toBe(false);
    const h2 = new H().put(0, 'a', 1).invoke(1, 'delete', 'a').info(1).get(2, 'a', 1).get(2, 'a', null).get(2, 'a', null);
    expect(check(h2).valid).toBe(true);
  });

  it('checks keys independently and counts partitions', () => {
    const h = new H().put(0, 'a', 1).put(0, 'b', 2).get(1, 'a', 1).get(1, 'b', 1).put(0, 'c', 3);
    const r = check(h);
    expect(r.valid).toBe(false);
    expect(r.partitions).toEqual({ total: 3, linearizable: 2, notLinearizable: 1, unknown: 0 });
    expect(r.anomalies.map((a) => a.key)).toEqual(['b']);
  });

  it('checkPartition takes and returns plain data', () => {
    const h = new H().put(0, 'a', 1).get(1, 'a', 2).history();
    const res = checkPartition('register', JSON.parse(JSON.stringify(h.ops)));
    expect(JSON.parse(JSON.stringify(res))).toEqual(res);
    expect(res.valid).toBe(false);
  });

  it('puts of a value written twice fall back to the search', () => {
    const h = new H().put(0, 'a', 1).put(0, 'a', 2).put(0, 'a', 1).get(1, 'a', 1);
    const r = check(h);
    expect(r.valid).toBe(true);
    expect(r.fastPath.skippedReasons).toEqual({ 'a value is written more than once': 1 });
  });
});

describe('register counterexamples', () => {
  it('explain a read of the initial state after a write took effect (no crash on the initial state)', () => {
    const bad = new H().put(0, 'k', 1).get(1, 'k', null).get(1, 'k', 1);
    const rb = check(bad);
    expect(rb.valid).toBe(false);
    expect(rb.anomalies[0]!.explanation).toMatch(/get\(k\) → null invoked at .* still saw the initial state \(no object\), but put\(k, 1\) had completed at/);
  });
});
