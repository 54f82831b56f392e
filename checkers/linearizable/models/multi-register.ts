import type { Op } from '../../../src/history/event.js';
import { byId, byKey, outcomeSuffix, reduceUnobserved, showValue, type Model, type ModelEntry, type OpKind, type SearchHints } from '../model.js';

/**
 * The registers: the JSON text of each register's key to the JSON text of its value; a register
 * that is unset (or was written null) has no entry. `id` is the canonical text of the whole.
 */
export interface MultiRegisterState {
  readonly regs: ReadonlyMap<string, string>;
  readonly id: string;
}

/** A micro-op: k and v as JSON text; v undefined for a read whose value is unknown. */
interface Micro {
  readonly f: 'read' | 'write';
  readonly k: string;
  readonly v: string | undefined;
}

const EMPTY: MultiRegisterState = { regs: new Map(), id: '[]' };
const NULL = 'null';

function sorted(regs: ReadonlyMap<string, string>): [string, string][] {
  return [...regs].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

function stateOf(regs: Map<string, string>): MultiRegisterState {
  return { regs, id: JSON.stringify(sorted(regs)) };
}

/** The value that says what the txn did: the completion's for an ok txn, else the invocation's. */
function txnValue(op: Op): unknown {
  return op.type === 'ok' ? (op.value ?? op.invokeValue) : op.invokeValue;
}

function microOf(m: unknown, unknownReads: boolean): Micro | undefined {
  if (!Array.isArray(m) || m.length !== 3 || (m[0] !== 'read' && m[0] !== 'write') || m[1] === null || m[1] === undefined) return undefined;
  const v = m[0] === 'read' && (unknownReads || m[2] === null || m[2] === undefined) ? undefined : JSON.stringify(m[2] ?? null);
  return { f: m[0], k: JSON.stringify(m[1]), v };
}

// Micro-ops parsed once per op; null: the txn is malformed (not a list of [f k v]).
const parsed = new WeakMap<Op, readonly Micro[] | null>();
function txnOf(op: Op): readonly Micro[] | null {
  let t = parsed.get(op);
  if (t === undefined) {
    const v = txnValue(op);
    const ms = Array.isArray(v) ? v.map((m) => microOf(m, op.type !== 'ok')) : [undefined];
    t = ms.every((m) => m !== undefined) ? (ms as Micro[]) : null;
    parsed.set(op, t);
  }
  return t;
}

function showKey(k: unknown): string {
  return typeof k === 'string' ? k : showValue(k);
}

function showMicro(m: unknown, unknownReads: boolean): string {
  const micro = microOf(m, unknownReads);
  if (!micro) return `${showValue(m)} (malformed)`;
  const [f, k, v] = m as unknown[];
  return `${f === 'read' ? 'r' : 'w'} ${showKey(k)} ${micro.f === 'read' && micro.v === undefined ? '?' : showValue(v)}`;
}

/**
 * Knossos's multi-register: registers named by keys, all unset (null) at first; the only op is
 * `txn`, whose value is a list of micro-ops [f k v], f `read` or `write`, applied atomically in
 * order: a read must see the register's current value, a write sets it. As in Knossos, a read
 * whose value is null is unknown and matches anything (so an unset register cannot be told from
 * one written null). An ok txn is taken from its completion's value; an info/open one from its
 * invocation's, its reads unknown. A txn with no write never changes the state (kind read: when it
 * crashed, it is dropped). A malformed txn (not a list of [read|write, key, value]) can take effect
 * nowhere: an ok one makes the history not linearizable, and its description says malformed.
 */
export const multiRegisterModel: Model<MultiRegisterState> = {
  name: 'multi-register',
  description: 'registers by key, read and written by atomic txns of [read|write, key, value]; a null read matches anything',
  init: () => EMPTY,
  step(state, op) {
    if (op.f !== 'txn') return undefined;
    const t = txnOf(op);
    if (!t) return undefined;
    let regs: Map<string, string> | undefined;
    for (const m of t) {
      const cur = (regs ?? state.regs).get(m.k) ?? NULL;
      if (m.f === 'read') {
        if (m.v !== undefined && m.v !== cur) return undefined;
        continue;
      }
      if (m.v === cur) continue;
      regs ??= new Map(state.regs);
      if (m.v === NULL) regs.delete(m.k);
      else regs.set(m.k, m.v!);
    }
    return regs ? stateOf(regs) : state;
  },
  ...byId,
  kind(op): OpKind | undefined {
    if (op.f !== 'txn') return undefined;
    const t = txnOf(op);
    return t && t.every((m) => m.f === 'read') ? 'read' : 'write';
  },
  describe(op: Op) {
    const v = txnValue(op);
    const body = Array.isArray(v) ? `[${v.map((m) => showMicro(m, op.type !== 'ok')).join(', ')}]` : ` ${showValue(v)} (malformed)`;
    return `${op.f}${body}${outcomeSuffix(op)}`;
  },
  describeState(s) {
    const shown = sorted(s.regs).slice(0, 20).map(([k, v]) => `${showKey(JSON.parse(k))}: ${showValue(JSON.parse(v))}`);
    return `{${shown.join(', ')}${s.regs.size > 20 ? `, …${s.regs.size - 20} more` : ''}}`;
  },
};

export const multiRegisterHints: SearchHints<MultiRegisterState> = {
  partition: byKey,
  // An info/open txn none of whose writes (key, value) an ok txn's read saw can be dropped: had it
  // taken effect, every read of a key it wrote, until the next write of that key, would have seen
  // its value or been unknown; none saw it, so they were all unknown, and would match without it.
  // (A write of null is never seen: a null read is unknown.)
  reduce(ops) {
    const pairs = (op: Op, f: Micro['f']): string[] | undefined => txnOf(op)?.flatMap((m) => (m.f === f && m.v !== undefined ? [`${m.k}=${m.v}`] : []));
    return reduceUnobserved(
      ops,
      (op) => pairs(op, 'read'),
      (op) => pairs(op, 'write'),
    );
  },
};

/** The model and its hints, as the registry loads them. */
export const multiRegisterEntry: ModelEntry<MultiRegisterState> = { model: multiRegisterModel, hints: multiRegisterHints };
