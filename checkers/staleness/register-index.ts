// What the staleness checkers share: each key's writes, indexed so that "which writes could a
// read have read from" and "when was that value first definitely superseded" are answered in
// O(log n). Order is by event index, not time: the recorder writes events in the order they
// happened, so indices are a total order with no ties, while times may tie at ns resolution.

import { casArgs, isRefused } from '../../src/history/conditional.js';
import type { History, Op } from '../../src/history/event.js';

/**
 * Reads: the register workload's get, the final phase's final-get (see lost-writes), and the
 * metadata workload's head (which reads the metadata version its put and set-meta write).
 */
export const READ_FS: ReadonlySet<string> = new Set(['get', 'read', 'final-get', 'head']);
const PUT_FS: ReadonlySet<string> = new Set(['put', 'write', 'set-meta']);
const DELETE_F = 'delete';

/**
 * A write that may have taken effect: ok, info or open. Failed writes definitely did not happen
 * and are not writes here. A delete writes null; a cas its new value, unless it was refused.
 */
export interface Write {
  /** null for the initial state, which "wrote" null before the history began. */
  op: Op | null;
  value: unknown;
  /** Invocation event index (-1 for the initial state). */
  inv: number;
  /** Completion event index; Infinity for info/open writes, which may take effect at any later time. */
  cmp: number;
  /** Its place in its key's writes (-1 for the initial state): checkers keep figures a write in arrays by it. */
  at: number;
}

/** The initial state: every key starts as "no object", definitely before every write. */
export const INITIAL: Write = { op: null, value: null, inv: -1, cmp: -1, at: -1 };
const INITIAL_SOURCE: Source = { newest: INITIAL, oldest: INITIAL };

/**
 * Write a definitely precedes write b when a completed before b was invoked. Writes that
 * overlap are concurrent: a legal execution may order them either way.
 */
export function precedes(a: Write, b: Write): boolean {
  return a.cmp < b.inv;
}

/**
 * The writes that could explain a read: those of the value it returned, to its key, invoked
 * before it completed (the initial state too, for null). Only two of them matter: the one that
 * completed last (the read is "at least this new") and the one invoked first ("at most this new").
 */
export interface Source {
  newest: Write;
  oldest: Write;
}

export interface KeyWrites {
  key: string;
  /** Non-failed puts and deletes in invocation order. */
  writes: Write[];
  /** The writes' inv and cmp, as columns: searched in place, not through the write objects, scattered over the heap. */
  inv: Float64Array;
  cmp: Float64Array;
  /** sufMin[i]: index in writes of the earliest-completing write among writes[i..]. */
  sufMin: Int32Array;
  /** The writes of each value (valueKey): one Write, or several in invocation order (values are mostly written once). */
  byValue: Map<unknown, Write | Write[]>;
  /** Non-failed deletes in invocation order, and the index of the latest-completing one of each prefix. */
  deletes: Write[];
  delMax: Int32Array;
  /** Ok writes by completion index. */
  okByCmp: Write[];
}

const NULL_KEY = '\u0000null';

/** A Map key for a value: numbers as themselves, anything else by its JSON. */
export function valueKey(v: unknown): unknown {
  if (v === null) return NULL_KEY;
  if (typeof v === 'object') return `\u0000json:${JSON.stringify(v)}`;
  return v;
}

export function isRead(op: Op): boolean {
  return op.type === 'ok' && READ_FS.has(op.f) && op.key !== undefined;
}

/** What writtenValue says of an op that is no write. */
export const NOT_A_WRITE: unique symbol = Symbol('not a write');

/** The value `op` wrote (null for a delete), or NOT_A_WRITE: writeOf without making the Write. */
export function writtenValue(op: Op): unknown {
  if (op.type === 'fail' || op.key === undefined) return NOT_A_WRITE;
  if (op.f === DELETE_F) return null;
  if (PUT_FS.has(op.f) && op.invokeValue !== undefined) return op.invokeValue;
  // Only a cas has arguments to read: the others are no writes, and cost nothing more to say so.
  const cas = op.f === 'cas' ? casArgs(op) : undefined;
  return cas !== undefined && !isRefused(op) ? cas[1] : NOT_A_WRITE;
}

/** upperBound of a sorted column of numbers (or its part [from, to)): the first index whose number is > x; `to` when none. */
export function upperBoundOf(a: Float64Array, x: number, from = 0, to = a.length): number {
  return upperBound(a, x, itself, from, to);
}

const itself = (x: number): number => x;

/** The first index in a sorted-by-`at` array (or its part [from, to)) whose element's `at` is > x; `to` when none. */
export function upperBound<T>(a: ArrayLike<T>, x: number, at: (t: T) => number, from = 0, to = a.length): number {
  let lo = from;
  let hi = to;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (at(a[mid]!) <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The Source of a read only `w` explains; a delete's oldest is the initial state, which reads
 * null too. Made a read (not kept on the write): it then lies beside the read's facts, which the
 * checkers walk in op order, rather than where the write's first read left it.
 */
function aloneOf(w: Write): Source {
  return { newest: w, oldest: w.value === null ? INITIAL : w };
}

const emptyKeyWrites = (key: string): KeyWrites => ({ key, writes: [], inv: new Float64Array(0), cmp: new Float64Array(0), sufMin: new Int32Array(0), byValue: new Map(), deletes: [], delMax: new Int32Array(0), okByCmp: [] });

const byInv = (w: Write): number => w.inv;

/** The index of each history already indexed: every staleness checker of one check builds it once. */
const built = new WeakMap<History, RegisterIndex>();

export class RegisterIndex {
  /** The keys written (not those only read: what lost-writes counts must not depend on who asked before). */
  readonly keys = new Map<string, KeyWrites>();
  /** By place in history.ops: the op's Write's `at` in its key's writes; -1 for an op that is no write. */
  readonly writeAt: Int32Array;
  /** Empty records of keys nobody wrote, one a key (callers may key maps by them). */
  private readonly unwritten = new Map<string, KeyWrites>();

  /**
   * The index of `history`, built on the first call and shared by later ones: it is never
   * changed once built, and a history is not changed once read.
   */
  static of(history: History): RegisterIndex {
    let index = built.get(history);
    if (!index) built.set(history, (index = new RegisterIndex(history)));
    return index;
  }

  constructor(history: History) {
    const ops = history.ops;
    this.writeAt = new Int32Array(ops.length).fill(-1);
    for (let i = 0; i < ops.length; i++) {
      const op = ops[i]!;
      const value = writtenValue(op);
      if (value === NOT_A_WRITE) continue;
      let kw = this.keys.get(op.key!);
      if (!kw) this.keys.set(op.key!, (kw = emptyKeyWrites(op.key!)));
      this.writeAt[i] = kw.writes.length;
      const w: Write = { op, value, inv: op.invokeIndex, cmp: op.type === 'ok' ? op.completeIndex! : Infinity, at: kw.writes.length };
      kw.writes.push(w);
      if (value === null) kw.deletes.push(w);
      else {
        const vk = valueKey(value);
        const had = kw.byValue.get(vk);
        if (had === undefined) kw.byValue.set(vk, w);
        else if (Array.isArray(had)) had.push(w);
        else kw.byValue.set(vk, [had, w]);
      }
      if (op.type === 'ok') kw.okByCmp.push(w);
    }
    for (const kw of this.keys.values()) {
      // history.ops is in invocation order already; completions are not.
      kw.okByCmp.sort((a, b) => a.cmp - b.cmp);
      const n = kw.writes.length;
      kw.inv = new Float64Array(n);
      kw.cmp = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const w = kw.writes[i]!;
        kw.inv[i] = w.inv;
        kw.cmp[i] = w.cmp;
      }
      kw.sufMin = new Int32Array(n);
      for (let i = n - 1; i >= 0; i--) {
        kw.sufMin[i] = i === n - 1 || kw.cmp[i]! < kw.cmp[kw.sufMin[i + 1]!]! ? i : kw.sufMin[i + 1]!;
      }
      kw.delMax = new Int32Array(kw.deletes.length);
      for (let i = 0; i < kw.deletes.length; i++) {
        kw.delMax[i] = i === 0 || kw.deletes[i]!.cmp > kw.deletes[kw.delMax[i - 1]!]!.cmp ? i : kw.delMax[i - 1]!;
      }
    }
  }

  /** The key's writes; an empty record for a key nobody wrote. */
  keyWrites(key: string): KeyWrites {
    let kw = this.keys.get(key) ?? this.unwritten.get(key);
    if (!kw) this.unwritten.set(key, (kw = emptyKeyWrites(key)));
    return kw;
  }

  /**
   * The writes that could explain an ok read, or undefined when none can (a value never written
   * to this key, or only by failed writes or writes invoked after the read: read-validity's
   * business, not staleness).
   */
  sourceOf(read: Op): Source | undefined {
    return this.sourceIn(this.keys.get(read.key!), read);
  }

  /** sourceOf, given the read's key's writes (undefined: nobody wrote the key). */
  sourceIn(kw: KeyWrites | undefined, read: Op): Source | undefined {
    const end = read.completeIndex!;
    if (read.value === null) {
      if (!kw || kw.deletes.length === 0) return INITIAL_SOURCE;
      const n = upperBound(kw.deletes, end, byInv);
      return n === 0 ? INITIAL_SOURCE : aloneOf(kw.deletes[kw.delMax[n - 1]!]!);
    }
    if (read.value === undefined || !kw) return undefined;
    const candidates = kw.byValue.get(valueKey(read.value));
    if (candidates === undefined) return undefined;
    if (!Array.isArray(candidates)) return candidates.inv > end ? undefined : aloneOf(candidates);
    let newest: Write | undefined;
    let oldest: Write | undefined;
    for (const w of candidates) {
      if (w.inv > end) break;
      if (!newest || w.cmp > newest.cmp) newest = w;
      oldest ??= w;
    }
    if (!newest || !oldest) return undefined;
    return newest === oldest ? aloneOf(newest) : { newest, oldest };
  }

  /**
   * The write that first definitely superseded `w`: among writes to the key invoked after w
   * completed, the one that completed first. Undefined if none ever completed.
   */
  supersederOf(kw: KeyWrites, w: Write): Write | undefined {
    return w.cmp === Infinity ? undefined : this.supersederAfter(kw, w.cmp);
  }

  /** Among writes to the key invoked after event index `at`, the one that completed first (if any did). */
  supersederAfter(kw: KeyWrites, at: number): Write | undefined {
    const i = upperBoundOf(kw.inv, at);
    if (i >= kw.inv.length) return undefined;
    const j = kw.sufMin[i]!;
    return kw.cmp[j] === Infinity ? undefined : kw.writes[j];
  }

  /** How many writes to the key were invoked after `w` completed and completed before `before`. */
  missedWrites(kw: KeyWrites, w: Write, before: number): number {
    let n = 0;
    for (let i = upperBoundOf(kw.inv, w.cmp); i < kw.inv.length; i++) {
      if (kw.inv[i]! >= before) break;
      if (kw.cmp[i]! < before) n++;
    }
    return n;
  }
}

/** What the stale-read definition says about one ok read. */
export interface ReadFacts {
  op: Op;
  kw: KeyWrites;
  source: Source;
  /** The write that superseded the read's freshest possible source before the read began, if any: then the read is stale. */
  supersededBy?: Write;
}

/**
 * Judges one ok read: stale when even its freshest possible source had been superseded by a
 * write that completed before the read was invoked. Undefined for reads nothing can explain.
 */
export function readFacts(index: RegisterIndex, op: Op): ReadFacts | undefined {
  // The key's writes looked up once: half a million reads in the 1M history.
  const written = index.keys.get(op.key!);
  const source = index.sourceIn(written, op);
  if (!source) return undefined;
  const kw = written ?? index.keyWrites(op.key!);
  const s = index.supersederOf(kw, source.newest);
  // One shape for all (supersededBy undefined when not stale): the checkers read half a million of them.
  return { op, kw, source, supersededBy: s && s.cmp < op.invokeIndex ? s : undefined };
}

/** readFactsOf's, by history: made once, shared by the staleness checkers (never changed). */
const factsBuilt = new WeakMap<History, readonly (ReadFacts | undefined)[]>();

/**
 * readFacts of every read of the history, by its place in history.ops; undefined for an op that
 * is no read (isRead) or a read nothing explains. Made on the first call and shared by later
 * ones: four checkers ask for the same reads' sources.
 */
export function readFactsOf(history: History): readonly (ReadFacts | undefined)[] {
  let all = factsBuilt.get(history);
  if (!all) {
    const index = RegisterIndex.of(history);
    const ops = history.ops;
    const facts = new Array<ReadFacts | undefined>(ops.length).fill(undefined);
    for (let i = 0; i < ops.length; i++) if (isRead(ops[i]!)) facts[i] = readFacts(index, ops[i]!);
    factsBuilt.set(history, (all = facts));
  }
  return all;
}
