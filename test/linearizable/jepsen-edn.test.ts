import { describe, expect, it } from 'vitest';
import { linearizable } from '../../checkers/linearizable/index.js';
import { createLinearizableChecker } from '../../checkers/linearizable/index.js';
import { parseJepsenEdn } from '../../checkers/linearizable/import/jepsen-edn.js';

const casRegister = createLinearizableChecker({ model: 'cas-register' });

describe('Jepsen EDN import', () => {
  it('reads a history.edn vector with nemesis ops, times and cas values', async () => {
    const text = [
      '[{:type :invoke, :f :write, :value 1, :process 0, :time 100, :index 0}',
      ' {:type :info, :f :start, :value nil, :process :nemesis, :time 150, :index 1}',
      ' {:type :ok, :f :write, :value 1, :process 0, :time 200, :index 2}',
      ' {:type :invoke, :f :cas, :value [1 2], :process 1, :time 300, :index 3}',
      ' {:type :invoke, :f :read, :value nil, :process 0, :time 310, :index 4}',
      ' {:type :ok, :f :read, :value 2, :process 0, :time 400, :index 5}',
      ' {:type :info, :f :cas, :value [1 2], :process 1, :time 500, :error :timeout, :index 6}]',
    ].join('\n');
    const h = parseJepsenEdn(text, 'history.edn');
    expect(h.nemesis.map((e) => e.f)).toEqual(['start']);
    expect(h.ops.map((o) => [o.process, o.f, o.type, o.invokeValue, o.value, o.invokeTime])).toEqual([
      [0, 'write', 'ok', 1, 1, 100],
      [1, 'cas', 'info', [1, 2], undefined, 300],
      [0, 'read', 'ok', undefined, 2, 310],
    ]);
    expect(h.ops[1]!.error).toBe('timeout');
    // The crashed cas may have happened: reading 2 is linearizable.
    expect(await casRegister.check(h)).toMatchObject({ valid: true });
  });

  it('finds a read of a value the register never held', async () => {
    const text = [
      '{:process 0, :type :invoke, :f :write, :value 1}',
      '{:process 0, :type :ok, :f :write, :value 1}',
      '{:process 1, :type :invoke, :f :read, :value nil}',
      '{:process 1, :type :ok, :f :read, :value 3}',
    ].join('\n');
    const r = await casRegister.check(parseJepsenEdn(text, 'h.edn'));
    expect(r.valid).toBe(false);
  });

  it('names the line of a bad op', () => {
    const text = ['[{:process 0, :type :invoke, :f :write, :value 1}', ' {:process 0, :type :done, :f :write, :value 1}]'].join('\n');
    expect(() => parseJepsenEdn(text, 'h.edn')).toThrow(/^h\.edn:2: :type must be one of :invoke, :ok, :fail, :info, found "done"$/);
    expect(() => parseJepsenEdn('{:process 0, :type :invoke, :f :write, :value 1\n', 'h.edn')).toThrow(/^h\.edn:1: not an EDN value/);
  });

  it('keeps the register model for our own histories', () => {
    expect(linearizable.name).toBe('linearizable');
  });
});
