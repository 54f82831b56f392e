// Knossos's models (issue 18): small histories written from each model's definition, each with
// its verdict and why; how ops and states read; the counterexample sentence for each model.
import { describe, expect, it } from 'vitest';
import { referenceCheck, type ReferenceModel } from '../../bench/brute-force/reference.js';
import { createLinearizableChecker, getModel, loadModels } from '../../checkers/linearizable/index.js';
import { parseJepsenEdn } from '../../checkers/linearizable/import/jepsen-edn.js';
import type { Counterexample } from '../../checkers/linearizable/partition.js';
import { historyOf } from '../../src/history/build.js';
import type { History } from '../../src/history/event.js';

// Knossos's models load when asked for (registry.ts).
await loadModels();

type Type = 'invoke' | 'ok' | 'fail' | 'info';
/** An event: process, type, f, value (omitted when undefined); times 1 ms apart. */
type Ev = [process: number, type: Type, f: string, value?: unknown, key?: string];

function history(...evs: (Ev | Ev[])[]): History {
  const flat = evs.flatMap((e) => (Array.isArray(e[0]) ? (e as Ev[]) : [e as Ev]));
  return historyOf(
    flat.map(([process, type, f, value, key], index) => ({
      index,
      time: (index + 1) * 1_000_000,
      process,
      type,
      f,
      ...(key !== undefined ? { key } : {}),
      ...(value !== undefined ? { value } : {}),
      ...(type === 'info' ? { error: 'timed out' } : type === 'fail' ? { error: 'failed' } : {}),
    })),
  );
}

/** An op that completes ok before the next begins: its invocation's value and its completion's. */
const ok = (p: number, f: string, inv?: unknown, out?: unknown): Ev[] => [
  [p, 'invoke', f, inv],
  [p, 'ok', f, out],
];
/** An op that crashes before the next begins (its process is not used again). */
const info = (p: number, f: string, inv?: unknown): Ev[] => [
  [p, 'invoke', f, inv],
  [p, 'info', f],
];
const fail = (p: number, f: string, inv?: unknown): Ev[] => [
  [p, 'invoke', f, inv],
  [p, 'fail', f],
];

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const check = (model: string, h: History) => createLinearizableChecker({ model }).check(h) as Record<string, any>;
/** The checker's verdict, which the brute-force reference must share. */
function verdict(model: ReferenceModel, ...evs: (Ev | Ev[])[]): unknown {
  const h = history(...evs);
  const got = check(model, h).valid;
  expect(referenceCheck(model, h).valid, 'the brute-force reference').toBe(got);
  return got;
}

const REFUSED = { refused: 'PreconditionFailed (HTTP 412)' };

describe('mutex', () => {
  const m = 'mutex';
  it('valid: taken, freed, taken again', () => {
    expect(verdict(m, ok(0, 'acquire'), ok(0, 'release'), ok(1, 'acquire'))).toBe(true);
  });
  it('not valid: a second acquire while the lock is held', () => {
    expect(verdict(m, ok(0, 'acquire'), ok(1, 'acquire'))).toBe(false);
  });
  it('not valid: a release of a free lock', () => {
    expect(verdict(m, ok(0, 'release'))).toBe(false);
  });
  it('valid: an acquire that overlaps the holder\'s release takes effect after it', () => {
    expect(verdict(m, ok(0, 'acquire'), [1, 'invoke', 'acquire'], ok(0, 'release'), [1, 'ok', 'acquire'])).toBe(true);
  });
  it('valid: a crashed acquire must not be linearized, or the later ok acquire could not be', () => {
    expect(verdict(m, info(0, 'acquire'), ok(1, 'acquire'))).toBe(true);
  });
  it('valid: a crashed acquire must be linearized, or the release could not be', () => {
    expect(verdict(m, info(0, 'acquire'), ok(1, 'release'))).toBe(true);
  });
  it('not valid: a crashed release does not help a second acquire that came before it', () => {
    expect(verdict(m, ok(0, 'acquire'), ok(1, 'acquire'), info(0, 'release'))).toBe(false);
  });
  it('valid: a failed release (Knossos :not-held) is dropped, so the lock stays free for the acquire', () => {
    expect(verdict(m, fail(0, 'release'), ok(1, 'acquire'))).toBe(true);
  });
  it('not valid: a failed release did not free the lock', () => {
    expect(verdict(m, ok(0, 'acquire'), fail(0, 'release'), ok(1, 'acquire'))).toBe(false);
  });
  it('valid: a refused or busy acquire while the lock is held (it observed the lock held)', () => {
    expect(verdict(m, ok(0, 'acquire', 1, { acquired: '"e1"' }), ok(1, 'acquire', 3, REFUSED), ok(2, 'acquire', 5, { busy: 1 }), ok(0, 'release'))).toBe(true);
  });
  it('not valid: a refused acquire of a lock nobody held', () => {
    expect(verdict(m, ok(1, 'acquire', 3, REFUSED))).toBe(false);
  });
  it('not valid: a busy acquire after the only holder released', () => {
    expect(verdict(m, ok(0, 'acquire'), ok(0, 'release'), ok(1, 'acquire', 3, { busy: 1 }))).toBe(false);
  });
  it('valid: a refused release observed nothing, in any state', () => {
    expect(verdict(m, ok(0, 'release', undefined, REFUSED), ok(1, 'acquire'), ok(2, 'release', undefined, REFUSED))).toBe(true);
  });
  it('valid: locks with different keys are independent', () => {
    expect(verdict(m, [0, 'invoke', 'acquire', undefined, 'lock0'], [0, 'ok', 'acquire', undefined, 'lock0'], [1, 'invoke', 'acquire', undefined, 'lock1'], [1, 'ok', 'acquire', undefined, 'lock1'])).toBe(true);
  });
});

const r = (k: string, v: unknown = null) => ['read', k, v];
const w = (k: string, v: unknown) => ['write', k, v];
/** A txn whose invocation carries the writes and null reads, and whose completion the values read. */
const txnInv = (ms: unknown[][]) => ms.map((x) => (x[0] === 'read' ? r(x[1] as string) : x));

describe('multi-register', () => {
  const m = 'multi-register';
  const txn = (p: number, ...ms: unknown[][]) => ok(p, 'txn', txnInv(ms), ms);
  it('valid: reads see the writes before them, across keys', () => {
    expect(verdict(m, txn(0, w('x', 1)), txn(1, r('x', 1), w('y', 2)), txn(0, r('y', 2), r('x', 1)))).toBe(true);
  });
  it('not valid: a read of a value never written there', () => {
    expect(verdict(m, txn(0, w('x', 1)), txn(1, r('x', 2)))).toBe(false);
  });
  it('not valid: a torn read sees half of one txn and half of another (txns are atomic)', () => {
    expect(verdict(m, txn(0, w('x', 1), w('y', 1)), txn(0, w('x', 2), w('y', 2)), txn(1, r('x', 1), r('y', 2)))).toBe(false);
  });
  it('valid: a read of null is unknown and matches anything (as in Knossos)', () => {
    expect(verdict(m, txn(0, w('x', 1)), txn(1, r('x', null), r('y', null)))).toBe(true);
  });
  it('valid: a txn reads its own earlier write; not valid: it misses it', () => {
    expect(verdict(m, txn(0, w('x', 1), r('x', 1)))).toBe(true);
    expect(verdict(m, txn(0, w('x', 1)), txn(0, w('x', 2), r('x', 1)))).toBe(false);
  });
  it('valid: a crashed txn must be linearized, or the read of its write could not be', () => {
    expect(verdict(m, info(0, 'txn', [w('x', 1), r('y')]), txn(1, r('x', 1)))).toBe(true);
  });
  it('valid: a crashed txn must not be linearized, or the later read of the old value could not be', () => {
    expect(verdict(m, txn(0, w('x', 1)), info(1, 'txn', [w('x', 2)]), txn(2, r('x', 1)))).toBe(true);
  });
  it('not valid: a crashed txn seen once cannot be undone by a later read of the value it overwrote', () => {
    expect(verdict(m, txn(0, w('x', 1)), info(1, 'txn', [w('x', 2)]), txn(2, r('x', 2)), txn(2, r('x', 1)))).toBe(false);
  });
  it('not valid: an ok txn with a malformed micro-op cannot take effect, and says so', () => {
    const h = history(ok(0, 'txn', [['append', 'x', 1]], [['append', 'x', 1]]));
    const res = check(m, h);
    expect(res.valid).toBe(false);
    expect(res.anomalies[0].explanation).toMatch(/^txn\[\["append","x",1\] \(malformed\)\] \(invoked/);
  });
  it('not valid: an ok txn whose value is no list, described as malformed', () => {
    const res = check(m, history(ok(0, 'txn', 7, 7)));
    expect(res.valid).toBe(false);
    expect(res.anomalies[0].explanation).toMatch(/^txn 7 \(malformed\) \(invoked/);
  });
});

describe('set', () => {
  const m = 'set';
  it('valid: a read returns every element added, in any order and repeated or not', () => {
    expect(verdict(m, ok(0, 'add', 1), ok(0, 'add', 2), ok(1, 'read', undefined, [2, 1]), ok(1, 'read', undefined, [1, 2, 2]))).toBe(true);
  });
  it('not valid: an acknowledged add is missing from a later read', () => {
    expect(verdict(m, ok(0, 'add', 1), ok(1, 'read', undefined, []))).toBe(false);
  });
  it('not valid: a read contains an element added only after it completed', () => {
    expect(verdict(m, ok(1, 'read', undefined, [1]), ok(0, 'add', 1))).toBe(false);
  });
  it('valid: a read concurrent with an add may contain it or not', () => {
    const h = (seen: number[]) => [[0, 'invoke', 'add', 1], ...ok(1, 'read', undefined, seen), [0, 'ok', 'add']] as Ev[];
    expect(verdict(m, h([1]))).toBe(true);
    expect(verdict(m, h([]))).toBe(true);
  });
  it('valid: a crashed add must be linearized, or the read of its element could not be', () => {
    expect(verdict(m, info(0, 'add', 3), ok(1, 'read', undefined, [3]))).toBe(true);
  });
  it('valid: a crashed add nobody saw must not be linearized before the read of the empty set', () => {
    expect(verdict(m, info(0, 'add', 3), ok(1, 'read', undefined, []))).toBe(true);
  });
  it('not valid: a crashed add seen once cannot disappear', () => {
    expect(verdict(m, info(0, 'add', 3), ok(1, 'read', undefined, [3]), ok(1, 'read', undefined, []))).toBe(false);
  });
  it('not valid: a read of nil is no set (as in Knossos)', () => {
    expect(verdict(m, ok(1, 'read', undefined, null))).toBe(false);
  });
});

describe('unordered-queue', () => {
  const m = 'unordered-queue';
  it('valid: elements come out in any order', () => {
    expect(verdict(m, ok(0, 'enqueue', 1), ok(0, 'enqueue', 2), ok(1, 'dequeue', undefined, 2), ok(1, 'dequeue', undefined, 1))).toBe(true);
  });
  it('valid: an element enqueued twice comes out twice (a multiset)', () => {
    expect(verdict(m, ok(0, 'enqueue', 1), ok(0, 'enqueue', 1), ok(1, 'dequeue', undefined, 1), ok(1, 'dequeue', undefined, 1))).toBe(true);
  });
  it('not valid: an element enqueued once comes out twice', () => {
    expect(verdict(m, ok(0, 'enqueue', 1), ok(1, 'dequeue', undefined, 1), ok(1, 'dequeue', undefined, 1))).toBe(false);
  });
  it('not valid: a dequeue of an element never enqueued', () => {
    expect(verdict(m, ok(0, 'enqueue', 1), ok(1, 'dequeue', undefined, 3))).toBe(false);
  });
  it('not valid: a dequeue found the queue empty while it held an element', () => {
    expect(verdict(m, ok(0, 'enqueue', 1), ok(1, 'dequeue', undefined, null))).toBe(false);
  });
  it('valid: a crashed dequeue must be linearized, taking 1, or the queue could not be found empty', () => {
    expect(verdict(m, ok(0, 'enqueue', 1), info(1, 'dequeue'), ok(2, 'dequeue', undefined, null))).toBe(true);
  });
  it('not valid: the crashed dequeue had to take 1 for the empty queue, so 1 cannot come out later', () => {
    expect(verdict(m, ok(0, 'enqueue', 1), info(1, 'dequeue'), ok(2, 'dequeue', undefined, null), ok(0, 'enqueue', 2), ok(2, 'dequeue', undefined, 1))).toBe(false);
  });
  it('valid: a crashed dequeue must not be linearized, or 1 could not come out', () => {
    expect(verdict(m, ok(0, 'enqueue', 1), info(1, 'dequeue'), ok(2, 'dequeue', undefined, 1), ok(2, 'dequeue', undefined, null))).toBe(true);
  });
  it('valid: a crashed dequeue takes one of two elements, the other comes out, then the queue is empty', () => {
    expect(verdict(m, ok(0, 'enqueue', 1), ok(0, 'enqueue', 2), info(1, 'dequeue'), ok(2, 'dequeue', undefined, 1), ok(2, 'dequeue', undefined, null))).toBe(true);
  });
  it('not valid: one crashed dequeue cannot take two elements', () => {
    expect(verdict(m, ok(0, 'enqueue', 1), ok(0, 'enqueue', 2), info(1, 'dequeue'), ok(2, 'dequeue', undefined, null))).toBe(false);
  });
  it('valid: a crashed enqueue must be linearized for its element to come out; left out before an empty queue', () => {
    expect(verdict(m, info(0, 'enqueue', 5), ok(1, 'dequeue', undefined, 5))).toBe(true);
    expect(verdict(m, info(0, 'enqueue', 5), ok(1, 'dequeue', undefined, null))).toBe(true);
  });
});

describe('fifo-queue', () => {
  const m = 'fifo-queue';
  it('valid: elements come out in the order they went in', () => {
    expect(verdict(m, ok(0, 'enqueue', 1), ok(0, 'enqueue', 2), ok(1, 'dequeue', undefined, 1), ok(1, 'dequeue', undefined, 2))).toBe(true);
  });
  it('not valid: the second element comes out first', () => {
    expect(verdict(m, ok(0, 'enqueue', 1), ok(0, 'enqueue', 2), ok(1, 'dequeue', undefined, 2))).toBe(false);
  });
  it('valid: concurrent enqueues may go in in either order', () => {
    expect(verdict(m, [0, 'invoke', 'enqueue', 1], [1, 'invoke', 'enqueue', 2], [0, 'ok', 'enqueue'], [1, 'ok', 'enqueue'], ok(2, 'dequeue', undefined, 2), ok(2, 'dequeue', undefined, 1))).toBe(true);
  });
  it('valid: a crashed dequeue must be linearized, taking the front 1, or 2 could not come out (Knossos says not valid)', () => {
    expect(verdict(m, ok(0, 'enqueue', 1), ok(0, 'enqueue', 2), info(1, 'dequeue'), ok(2, 'dequeue', undefined, 2))).toBe(true);
  });
  it('valid: a crashed dequeue must not be linearized, or the front 1 could not come out', () => {
    expect(verdict(m, ok(0, 'enqueue', 1), info(1, 'dequeue'), ok(2, 'dequeue', undefined, 1))).toBe(true);
  });
  it('valid: a crashed dequeue may take effect long after its invocation, taking an element enqueued later', () => {
    expect(verdict(m, info(1, 'dequeue'), ok(0, 'enqueue', 1), ok(0, 'enqueue', 2), ok(2, 'dequeue', undefined, 2))).toBe(true);
  });
  it('not valid: the crashed dequeue had to take the front 1 for 2 to come out, so 1 cannot come out later', () => {
    expect(verdict(m, ok(0, 'enqueue', 1), ok(0, 'enqueue', 2), info(1, 'dequeue'), ok(2, 'dequeue', undefined, 2), ok(2, 'dequeue', undefined, 1))).toBe(false);
  });
  it('valid: a dequeue of null finds the empty queue; not valid: while it held 1', () => {
    expect(verdict(m, ok(1, 'dequeue', undefined, null))).toBe(true);
    expect(verdict(m, ok(0, 'enqueue', 1), ok(1, 'dequeue', undefined, null))).toBe(false);
  });
  it('valid: a failed enqueue is dropped', () => {
    expect(verdict(m, fail(0, 'enqueue', 1), ok(1, 'dequeue', undefined, null))).toBe(true);
  });
});

describe('how ops and states read', () => {
  it('each model describes its ops and states', () => {
    const desc = (model: string, h: History) => h.ops.map((o) => getModel(model).describe(o));
    expect(desc('mutex', history(ok(0, 'acquire'), info(1, 'release'), ok(2, 'acquire', 3, REFUSED), ok(3, 'acquire', 5, { busy: 1 })))).toEqual([
      'acquire',
      'release (outcome unknown)',
      'acquire refused (PreconditionFailed (HTTP 412))',
      'acquire → busy (held by 1)',
    ]);
    expect(desc('multi-register', history(ok(0, 'txn', [r('x'), w('y', 2)], [r('x', 1), w('y', 2)]), info(1, 'txn', [r('x'), w('y', 'a')])))).toEqual([
      'txn[r x 1, w y 2]',
      'txn[r x ?, w y "a"] (outcome unknown)',
    ]);
    expect(desc('set', history(ok(0, 'add', 3), ok(0, 'read', undefined, [2, 10, 1, 2])))).toEqual(['add(3)', 'read → #{1 2 10}']);
    for (const q of ['unordered-queue', 'fifo-queue']) {
      expect(desc(q, history(ok(0, 'enqueue', 3), ok(0, 'dequeue', undefined, 3), ok(0, 'dequeue', undefined, null), info(0, 'dequeue')))).toEqual([
        'enqueue(3)',
        'dequeue → 3',
        'dequeue → empty',
        'dequeue (outcome unknown)',
      ]);
    }
    const state = (model: string, h: History) => {
      const mod = getModel(model);
      return mod.describeState(h.ops.reduce((s, o) => mod.step(s, o), mod.init()));
    };
    expect(state('mutex', history(ok(0, 'acquire')))).toBe('held');
    expect(state('mutex', history())).toBe('free');
    expect(state('multi-register', history(ok(0, 'txn', [w('y', 2), w('x', 1)], [w('y', 2), w('x', 1)])))).toBe('{x: 1, y: 2}');
    expect(state('set', history(ok(0, 'add', 2), ok(0, 'add', 1), ok(0, 'add', 2)))).toBe('#{1 2}');
    expect(state('fifo-queue', history(ok(0, 'enqueue', 3), ok(0, 'enqueue', 1), ok(0, 'enqueue', 2)))).toBe('[3 1 2]');
    expect(state('unordered-queue', history(ok(0, 'enqueue', 3), ok(0, 'enqueue', 1), ok(0, 'enqueue', 2), info(1, 'dequeue')))).toBe(
      '[1 2 3] less 1 taken by a dequeue of unknown outcome',
    );
  });

  // The counterexample's sentence names the op that cannot take effect and the state it found.
  const sentences: [string, History, string][] = [
    ['mutex', history(ok(0, 'acquire'), ok(1, 'acquire')), 'acquire (invoked at 0.003 s, completed at 0.004 s) cannot take effect: the longest linearizable prefix found has 1 ops and leaves held'],
    [
      'multi-register',
      history(ok(0, 'txn', [w('x', 1), w('y', 1)], [w('x', 1), w('y', 1)]), ok(1, 'txn', [r('x'), r('y')], [r('x', 1), r('y', 2)])),
      'txn[r x 1, r y 2] (invoked at 0.003 s, completed at 0.004 s) cannot take effect: the longest linearizable prefix found has 1 ops and leaves {x: 1, y: 1}',
    ],
    ['set', history(ok(0, 'add', 1), ok(0, 'add', 2), ok(1, 'read', undefined, [2])), 'read → #{2} (invoked at 0.005 s, completed at 0.006 s) cannot take effect: the longest linearizable prefix found has 2 ops and leaves #{1 2}'],
    [
      'unordered-queue',
      history(ok(0, 'enqueue', 1), ok(0, 'enqueue', 2), ok(1, 'dequeue', undefined, 3)),
      'dequeue → 3 (invoked at 0.005 s, completed at 0.006 s) cannot take effect: the longest linearizable prefix found has 2 ops and leaves [1 2]',
    ],
    [
      'fifo-queue',
      history(ok(0, 'enqueue', 1), ok(0, 'enqueue', 2), ok(1, 'dequeue', undefined, 2)),
      'dequeue → 2 (invoked at 0.005 s, completed at 0.006 s) cannot take effect: the longest linearizable prefix found has 2 ops and leaves [1 2]',
    ],
  ];
  for (const [model, h, sentence] of sentences) {
    it(`${model}: the counterexample names the op and the state it found`, () => {
      const res = check(model, h);
      expect(res.valid).toBe(false);
      const cx = (res.counterexamples as Counterexample[])[0]!;
      console.log(`${model}: ${cx.explanation}`);
      expect(cx.explanation).toBe(`${sentence}, and no other order of the ops before its completion lets it take effect.`);
      expect(cx.stuck.map((o) => o.text)).toEqual([sentence.slice(0, sentence.indexOf(' (invoked'))]);
    });
  }
});

describe('Knossos histories as the EDN import gives them', () => {
  it('keywords, sets and nil arrive as strings, arrays and null', () => {
    const edn = (lines: string[]) => parseJepsenEdn(`[${lines.join('\n')}]`, 'history.edn');
    const txn = edn([
      '{:process 0, :type :invoke, :f :txn, :value [[:write :x 1] [:read :y nil]]}',
      '{:process 0, :type :ok, :f :txn, :value [[:write :x 1] [:read :y nil]]}',
      '{:process 1, :type :invoke, :f :txn, :value [[:read :x nil] [:write :y 2]]}',
      '{:process 1, :type :ok, :f :txn, :value [[:read :x 1] [:write :y 2]]}',
      '{:process 0, :type :invoke, :f :txn, :value [[:read :x nil] [:read :y nil]]}',
      '{:process 0, :type :ok, :f :txn, :value [[:read :x 1] [:read :y 3]]}',
    ]);
    expect(check('multi-register', txn).valid).toBe(false);
    expect(check('multi-register', { ...txn, ops: txn.ops.slice(0, 2) }).valid).toBe(true);
    const set = edn([
      '{:process 0, :type :invoke, :f :add, :value 1}',
      '{:process 0, :type :ok, :f :add, :value 1}',
      '{:process 1, :type :invoke, :f :read, :value nil}',
      '{:process 1, :type :ok, :f :read, :value #{1}}',
    ]);
    expect(check('set', set).valid).toBe(true);
    const queue = edn([
      '{:process 0, :type :invoke, :f :enqueue, :value 1}',
      '{:process 0, :type :ok, :f :enqueue, :value 1}',
      '{:process 1, :type :invoke, :f :dequeue, :value nil}',
      '{:process 1, :type :info, :f :dequeue, :value nil}',
      '{:process 2, :type :invoke, :f :dequeue, :value nil}',
      '{:process 2, :type :ok, :f :dequeue, :value nil}',
    ]);
    expect(check('fifo-queue', queue).valid).toBe(true);
    expect(check('unordered-queue', queue).valid).toBe(true);
  });
});
