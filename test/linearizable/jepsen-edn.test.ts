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
    expect(() => parseJepsenEdn(text, 'h.edn')).toThrow(/^h\.edn:2: :type must be one of :invoke, :ok, :fail, :info, found :done$/);
    // An op over several lines is named by the line it starts on.
    const spread = '(\n{:process 0, :type :invoke,\n :f :write, :value 1}\n{:process 0,\n :type :ok}\n)';
    expect(() => parseJepsenEdn(spread, 'h.edn')).toThrow(/^h\.edn:4: :f must be a keyword, found nothing$/);
    expect(() => parseJepsenEdn('[{:process 0, :f :read}]', 'h.edn')).toThrow(/^h\.edn:1: :type must be one of .*, found nothing$/);
  });

  it('names line and column of an EDN syntax error', () => {
    const cases: [string, RegExp][] = [
      ['{:process 0, :type :invoke, :f :write, :value 1\n', /^h\.edn:1:1: EDN syntax: unterminated map$/],
      ['[{:process 0, :type :invoke, :f :read}\n {:process 0, :type :ok, :f :read, :value "x}]\n', /^h\.edn:2:43: EDN syntax: unterminated string$/],
      ['[{:process 0, :type :invoke, :f :read}\n  {:process 0, :type :ok, :f :read, :value 1)\n]', /^h\.edn:2:45: EDN syntax: unexpected "\)"$/],
      ['[{:process 0, :type :invoke, :f :read}\n', /^h\.edn:1:1: EDN syntax: the history's \[ is never closed by \]$/],
      ['({:process 0, :type :invoke, :f :read})\n{:process 0}', /^h\.edn:2:1: EDN syntax: unexpected "\{" after the history's closing \)$/],
      ['{:process 0 :type}', /^h\.edn:1:1: EDN syntax: a map with a key but no value$/],
      ['\n\n  {:process 0, :value 12abc}', /^h\.edn:3:23: EDN syntax: malformed number "12abc"$/],
    ];
    for (const [text, want] of cases) expect(() => parseJepsenEdn(text, 'h.edn'), text).toThrow(want);
  });

  it('reads a list, ops over many lines, comments inside, discards, records, big times, no :time or :index', () => {
    const text = [
      '; leading comment',
      '(',
      ' #jepsen.history.Op{:index 0, :time 9007199254740993000, :type :invoke, :process 0, :f :write, :value #{1}',
      '   :jepsen/extra {"k" [1 2]}} ; end of line',
      ' ;; own line',
      ' #_ {:process 5, :type :invoke, :f :write, :value 5}',
      ' #jepsen.history.Op{:index 1, :time 9007199254740993001, :type :ok, :process 0, :f :write, :value #{1}}',
      ' {:index 2, :time 9007199254740993500, :type :invoke, :process 1, :f :read, :value 12345678901234567890}',
      ' {:index 3, :time 9007199254740994000, :type :ok, :process 1, :f :read, :value "a\\"b\\u00e9"}',
      ')',
    ].join('\n');
    const h = parseJepsenEdn(text, 'h.edn');
    expect(h.ops.map((o) => [o.f, o.invokeValue, o.value, o.invokeTime, o.completeTime])).toEqual([
      ['write', [1], [1], 0, 1],
      // Past 2^53: exact, as text; times rebased to the first so nanoseconds survive.
      ['read', '12345678901234567890', 'a"bé', 500, 1000],
    ]);
    expect(h.lines).toEqual([3, 7, 8, 9]);
    const noTimes = parseJepsenEdn('{:process 0 :type :invoke :f :read}\n\n{:process 0 :type :ok :f :read :value nil}', 'h.edn');
    expect(noTimes.ops.map((o) => [o.invokeTime, o.completeTime])).toEqual([[1, 3]]);
  });

  it('keeps the register model for our own histories', () => {
    expect(linearizable.name).toBe('linearizable');
  });
});
