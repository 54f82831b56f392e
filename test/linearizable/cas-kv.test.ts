import { describe, expect, it } from 'vitest';
import { createLinearizableChecker } from '../../checkers/linearizable/index.js';
import { casRegisterModel } from '../../checkers/linearizable/models/cas-register.js';
import { kvModel } from '../../checkers/linearizable/models/kv.js';
import { H } from './helpers.js';

const cas = (h: H) => createLinearizableChecker({ model: 'cas-register' }).check(h.history()) as Record<string, any>;
const kv = (h: H) => createLinearizableChecker({ model: 'kv' }).check(h.history()) as Record<string, any>;

describe('cas-register model', () => {
  it('describes ops', () => {
    const h = new H().invoke(0, 'cas', undefined, [1, 2]).ok(0).invoke(0, 'read').ok(0, 3).invoke(0, 'write', undefined, 4).ok(0).history();
    expect(h.ops.map((o) => casRegisterModel.describe(o))).toEqual(['cas(1 → 2)', 'read → 3', 'write(4)']);
  });

  it('starts empty, writes and cas-es', () => {
    const h = new H().invoke(0, 'read').ok(0, null).invoke(0, 'write', undefined, 1).ok(0).invoke(1, 'cas', undefined, [1, 2]).ok(1).invoke(0, 'read').ok(0, 2);
    expect(cas(h).valid).toBe(true);
  });

  it('drops a failed cas, and rejects an ok cas whose expected value was not there', () => {
    const h = new H().invoke(0, 'write', undefined, 1).ok(0).invoke(1, 'cas', undefined, [3, 2]).fail(1).invoke(0, 'read').ok(0, 1);
    expect(cas(h).valid).toBe(true);
    const bad = new H().invoke(0, 'write', undefined, 1).ok(0).invoke(1, 'cas', undefined, [3, 2]).ok(1);
    expect(cas(bad).valid).toBe(false);
  });

  it('an info cas may have taken effect, or not', () => {
    const base = () => new H().invoke(0, 'write', undefined, 1).ok(0).invoke(1, 'cas', undefined, [1, 2]).info(1);
    expect(cas(base().invoke(2, 'read').ok(2, 2)).valid).toBe(true);
    expect(cas(base().invoke(2, 'read').ok(2, 1)).valid).toBe(true);
    expect(cas(base().invoke(2, 'read').ok(2, 2).invoke(2, 'read').ok(2, 1)).valid).toBe(false);
  });

  it('explains a failure with the longest prefix and the op that could not be placed', () => {
    const r = cas(new H().invoke(0, 'write', undefined, 1).ok(0).invoke(0, 'write', undefined, 2).ok(0).invoke(1, 'read').ok(1, 1));
    expect(r.valid).toBe(false);
    const cx = r.counterexamples[0];
    expect(cx.prefix.length).toBe(2);
    expect(cx.prefix.state).toBe('2');
    expect(cx.stuck[0].text).toBe('read → 1');
    expect(cx.explanation).toMatch(/^read → 1 \(invoked at .*\) cannot take effect/);
    expect(cx.window.ops.map((o: { text: string }) => o.text)).toContain('read → 1');
  });
});

describe('kv model', () => {
  it('get is "" when unset; put replaces; append concatenates', () => {
    const h = new H()
      .invoke(0, 'get', 'x').ok(0, '')
      .invoke(0, 'append', 'x', 'a').ok(0, 'a')
      .invoke(0, 'append', 'x', 'b').ok(0, 'b')
      .invoke(1, 'get', 'x').ok(1, 'ab')
      .invoke(0, 'put', 'x', 'z').ok(0, 'z')
      .invoke(1, 'get', 'x').ok(1, 'z');
    expect(kv(h).valid).toBe(true);
  });

  it('concurrent appends may land in either order, but reads must agree', () => {
    const h = new H().invoke(0, 'append', 'x', 'a').invoke(1, 'append', 'x', 'b').ok(0, 'a').ok(1, 'b').invoke(2, 'get', 'x').ok(2, 'ba');
    expect(kv(h).valid).toBe(true);
    const bad = new H().invoke(0, 'append', 'x', 'a').invoke(1, 'append', 'x', 'b').ok(0, 'a').ok(1, 'b').invoke(2, 'get', 'x').ok(2, 'ba').invoke(2, 'get', 'x').ok(2, 'ab');
    expect(kv(bad).valid).toBe(false);
  });

  it('state equality and hashing follow the string', () => {
    const a = kvModel.step(kvModel.step(kvModel.init(), { f: 'append', invokeValue: 'ab' } as never)!, { f: 'append', invokeValue: 'c' } as never)!;
    const b = kvModel.step(kvModel.init(), { f: 'put', invokeValue: 'abc' } as never)!;
    expect(kvModel.equal(a, b)).toBe(true);
    expect(kvModel.hash(a)).toBe(kvModel.hash(b));
  });
});
