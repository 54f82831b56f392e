// Small random histories for comparing the checker with the brute-force reference: ops of a few
// keys, crashed (info) and failed ops, duplicate values, and ops of other workloads ("foreign")
// carrying every value shape our workloads record (refusals, corrupt-read records, null). Half
// are recorded from a real sequential object of the model (a register, a lock, a set, a queue…:
// mostly linearizable, so both verdicts occur), half carry random values.

import { historyOf } from '../../src/history/build.js';
import type { History } from '../../src/history/event.js';
import { Random } from '../../src/util/random.js';
import type { ReferenceModel } from './reference.js';

export interface Part {
  model: ReferenceModel;
  /** Prepended to the part's keys: `register/` and `cas/` as the mixed workload writes them. */
  prefix: string;
}

export interface HistorySpec {
  parts: readonly Part[];
  ops: number;
  keys: number;
  /** Values from a sequential execution at each op's linearization point, rather than random. */
  truthful: boolean;
  /** Share of ops that belong to another workload. */
  foreign: number;
}

const REFUSAL = { refused: 'PreconditionFailed (HTTP 412)' };
const CORRUPT = { corrupt: 'truncated: 3 of 40 bytes', bytes: 3 };
/** The value shapes a foreign op may complete with (undefined: no value). */
const FOREIGN_VALUES: readonly unknown[] = [REFUSAL, CORRUPT, null, undefined, 7];
/** Operations of our other workloads, and of the other models. */
const FOREIGN_FS: Record<ReferenceModel, readonly string[]> = {
  register: ['acquire', 'release', 'read', 'cas', 'append', 'head', 'list'],
  'cas-register': ['acquire', 'release', 'get', 'put', 'append', 'create'],
  kv: ['acquire', 'read', 'cas', 'delete', 'probe'],
  mutex: ['read', 'write', 'cas', 'get', 'put', 'enqueue', 'txn'],
  'multi-register': ['read', 'write', 'acquire', 'add', 'get'],
  set: ['enqueue', 'dequeue', 'get', 'acquire', 'txn'],
  'unordered-queue': ['add', 'read', 'acquire', 'txn', 'put'],
  'fifo-queue': ['add', 'read', 'release', 'txn', 'get'],
};

interface Planned {
  model: ReferenceModel;
  key: string;
  f: string;
  invokeValue?: unknown;
  value?: unknown;
  type: 'ok' | 'info' | 'fail';
  start: number;
  end: number;
}

const sameValue = (a: unknown, b: unknown): boolean => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

type Own = Omit<Planned, 'model' | 'key' | 'start' | 'end'>;

/** What an op of Knossos's models is drawn from: `applies` when it takes effect (ok, or info half the time). */
interface Draw {
  r: Random;
  state: { v: unknown };
  truthful: boolean;
  type: Planned['type'];
  applies: boolean;
}

/** A lock, held or not. An ok acquire of a held lock took nothing: refused or busy; an ok release of a free one was refused. */
function mutexOp({ r, state, truthful, type, applies }: Draw): Own {
  const held = state.v as boolean;
  if (r.next() < 0.55) {
    if (truthful ? held : r.next() < 0.25) {
      return { f: 'acquire', invokeValue: 1, ...(type === 'ok' ? { value: r.next() < 0.5 ? REFUSAL : { busy: 3 } } : {}), type };
    }
    if (applies) state.v = true;
    return { f: 'acquire', invokeValue: 1, ...(type === 'ok' && r.next() < 0.3 ? { value: { acquired: '"e1"' } } : {}), type };
  }
  if (truthful ? !held : r.next() < 0.2) return { f: 'release', ...(type === 'ok' ? { value: REFUSAL } : {}), type };
  if (applies) state.v = false;
  return { f: 'release', type };
}

/** A txn of 1 to 3 reads and writes of x and y; random ones now and then malformed. */
function txnOp({ r, state, truthful, type, applies }: Draw): Own {
  const regs = { ...(state.v as Record<string, number>) };
  const micro: unknown[][] = [];
  for (let n = 1 + r.int(3); n > 0; n--) {
    const k = 'xy'[r.int(2)]!;
    if (!truthful && r.next() < 0.04) micro.push(r.next() < 0.5 ? ['append', k, 1] : ['read', k]);
    else if (r.next() < 0.5) {
      regs[k] = r.int(3);
      micro.push(['write', k, regs[k]]);
    } else micro.push(['read', k, truthful ? (regs[k] ?? null) : r.next() < 0.2 ? null : r.int(3)]);
  }
  if (applies) state.v = regs;
  const invokeValue = micro.map((m) => (m.length === 3 && m[0] === 'read' ? ['read', m[1], null] : m));
  return { f: 'txn', invokeValue, ...(type === 'ok' ? { value: micro } : {}), type };
}

/** Adds of 0 to 3; a read returns the set in any order, an element now and then twice. */
function setOp({ r, state, truthful, type, applies }: Draw): Own {
  const xs = state.v as number[];
  if (r.next() < 0.5) {
    const v = r.int(4);
    if (applies && !xs.includes(v)) state.v = [...xs, v];
    return { f: 'add', invokeValue: v, type };
  }
  let value: unknown;
  if (truthful) {
    const shown = [...xs, ...(xs.length > 0 && r.next() < 0.2 ? [xs[0]!] : [])];
    value = shown.map((x) => [r.next(), x] as const).sort((a, b) => a[0] - b[0]).map(([, x]) => x);
  } else value = r.next() < 0.05 ? null : [0, 1, 2, 3].filter(() => r.next() < 0.5);
  return { f: 'read', value, type: readType(r, type) };
}

/** Enqueues of 0 to 2 (repeated); a dequeue takes the front (fifo) or any element, or finds the queue empty. */
function queueOp(fifo: boolean, { r, state, truthful, type, applies }: Draw): Own {
  const xs = state.v as number[];
  if (r.next() < 0.5) {
    const v = r.int(3);
    if (applies) state.v = [...xs, v];
    return { f: 'enqueue', invokeValue: v, type };
  }
  const i = fifo ? 0 : r.int(xs.length);
  const value = truthful ? (xs[i] ?? null) : r.next() < 0.25 ? null : r.int(3);
  if (applies && xs.length > 0) state.v = xs.toSpliced(i, 1);
  return { f: 'dequeue', ...(type === 'ok' ? { value } : {}), type };
}

/** Knossos's models: their initial state and ops. */
const KNOSSOS: Partial<Record<ReferenceModel, { init: unknown; op: (d: Draw) => Own }>> = {
  mutex: { init: false, op: mutexOp },
  'multi-register': { init: {}, op: txnOp },
  set: { init: [], op: setOp },
  'unordered-queue': { init: [], op: (d) => queueOp(false, d) },
  'fifo-queue': { init: [], op: (d) => queueOp(true, d) },
};

/** One op of the model's own, at linearization point `at`, applied to `state` when truthful. */
function ownOp(model: ReferenceModel, r: Random, state: { v: unknown }, truthful: boolean, type: Planned['type']): Own {
  const small = (): number => r.int(3);
  const x = r.next();
  // Crashed ops took effect half the time; failed ones never did.
  const applies = type === 'ok' || (type === 'info' && r.next() < 0.5);
  const knossos = KNOSSOS[model];
  if (knossos) return knossos.op({ r, state, truthful, type, applies });
  if (model === 'register') {
    if (x < 0.35) {
      const v = small();
      if (applies) state.v = v;
      return { f: 'put', invokeValue: v, type };
    }
    if (x < 0.5) {
      if (applies) state.v = null;
      return { f: 'delete', type };
    }
    return { f: 'get', value: truthful ? state.v : r.next() < 0.3 ? null : small(), type: readType(r, type) };
  }
  if (model === 'cas-register') {
    if (x < 0.3) {
      const v = small();
      if (applies) state.v = v;
      return { f: 'write', invokeValue: v, type };
    }
    if (x < 0.65) {
      const args = [r.next() < 0.2 ? null : small(), small()];
      const holds = sameValue(state.v, args[0]);
      if (truthful) {
        if (holds && applies) state.v = args[1];
        if (!holds && type === 'ok') return { f: 'cas', invokeValue: args, value: REFUSAL, type };
        return { f: 'cas', invokeValue: args, type };
      }
      return { f: 'cas', invokeValue: args, ...(type === 'ok' && r.next() < 0.4 ? { value: REFUSAL } : {}), type };
    }
    return { f: 'read', value: truthful ? state.v : r.next() < 0.3 ? null : small(), type: readType(r, type) };
  }
  const tok = 'ab'[r.int(2)]!;
  if (x < 0.3) {
    if (applies) state.v = `${(state.v as string | null) ?? ''}${tok}`;
    return { f: 'append', invokeValue: tok, type };
  }
  if (x < 0.5) {
    if (applies) state.v = tok;
    return { f: 'put', invokeValue: tok, type };
  }
  return { f: 'get', value: truthful ? ((state.v as string | null) ?? '') : ['', 'a', 'b', 'ab', 'ba', 'aa'][r.int(6)], type: readType(r, type) };
}

/** Reads mostly complete: a crashed read is rarer than a crashed write. */
function readType(r: Random, type: Planned['type']): Planned['type'] {
  return type === 'ok' || r.next() < 0.5 ? 'ok' : type;
}

/** The specs the test and the soak use: one model on its own keys, with crashed, failed and foreign ops. */
export function singleModelSpec(model: ReferenceModel, seed: number, maxOps = 14): HistorySpec {
  return { parts: [{ model, prefix: '' }], ops: 1 + (seed % maxOps), keys: 1 + (seed % 2), truthful: seed % 2 === 0, foreign: 0.15 };
}

/** The mixed workload's keys: `register/…` and `cas/…` parts, each for its part's checker. */
export function mixedSpec(seed: number): HistorySpec {
  return {
    parts: [
      { model: 'register', prefix: 'register/' },
      { model: 'cas-register', prefix: 'cas/' },
    ],
    ops: 2 + (seed % 20),
    keys: 1 + (seed % 2),
    truthful: seed % 2 === 0,
    foreign: 0.1,
  };
}

/** A random history: events in time order, processes reused once their op completed (or failed). */
export function randomHistory(seed: number, spec: HistorySpec): History {
  const r = new Random(seed);
  const n = spec.ops;
  const planned: (Planned & { at: number })[] = [];
  for (let i = 0; i < n; i++) {
    const at = r.next() * n * 2;
    const part = spec.parts[r.int(spec.parts.length)]!;
    const key = `${part.prefix}k${r.int(spec.keys)}`;
    const start = at - r.next() * 3;
    const end = at + 0.1 + r.next() * 3;
    const u = r.next();
    const type = u < 0.65 ? 'ok' : u < 0.88 ? 'info' : 'fail';
    if (r.next() < spec.foreign) {
      const fs = FOREIGN_FS[part.model];
      const value = FOREIGN_VALUES[r.int(FOREIGN_VALUES.length)];
      planned.push({ model: part.model, key, f: fs[r.int(fs.length)]!, ...(type === 'ok' && value !== undefined ? { value } : {}), type, start, end, at });
    } else planned.push({ model: part.model, key, type, start, end, at, f: '' });
  }
  // Values as a sequential register would give them, in linearization-point order.
  const states = new Map<string, { v: unknown }>();
  for (const p of [...planned].sort((a, b) => a.at - b.at)) {
    if (p.f !== '') continue;
    let state = states.get(p.key);
    if (!state) states.set(p.key, (state = { v: p.model === 'kv' ? '' : (KNOSSOS[p.model]?.init ?? null) }));
    Object.assign(p, ownOp(p.model, r, state, spec.truthful, p.type));
  }
  type Ev = { t: number; p: Planned; complete: boolean };
  const evs: Ev[] = planned.flatMap((p) => [{ t: p.start, p, complete: false }, { t: p.end, p, complete: true }]);
  evs.sort((a, b) => a.t - b.t);
  const free: number[] = [];
  let next = 0;
  const proc = new Map<Planned, number>();
  const out: Record<string, unknown>[] = [];
  for (const ev of evs) {
    const { p } = ev;
    const base = { index: out.length, time: (out.length + 1) * 1_000_000, f: p.f, key: p.key };
    if (!ev.complete) {
      const process = free.pop() ?? next++;
      proc.set(p, process);
      out.push({ ...base, process, type: 'invoke', ...(p.invokeValue !== undefined ? { value: p.invokeValue } : {}) });
      continue;
    }
    const process = proc.get(p)!;
    // A crashed op's process is never reused (Jepsen: the client is gone).
    if (p.type !== 'info') free.push(process);
    if (p.type === 'ok') out.push({ ...base, process, type: 'ok', ...(p.value !== undefined ? { value: p.value } : {}) });
    else out.push({ ...base, process, type: p.type, error: p.type === 'info' ? 'timed out' : 'failed' });
  }
  return historyOf(out);
}
