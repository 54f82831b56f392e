// Wing & Gong's linearizability search with Lowe's improvements (just-in-time linearization and
// a cache of configurations), iterative, over typed arrays.
//
// The history is a doubly linked list of entries in event order: a call entry per op and a
// return entry per ok op. Indeterminate ops (info, open) have no return entry: their return is at
// +infinity and, being optional, they need never be linearized. The search walks the list from
// the head: at a call entry it tries to linearize that op now (the model accepts it and the
// configuration (set of linearized ops, state) is new), lifting the op's entries out of the list
// and starting again from the head; at a return entry (an op that must have taken effect by now
// but was not linearized) it backtracks. It succeeds when no return entry is left.

import type { Op } from '../../src/history/event.js';
import { ConfigCache } from './config-cache.js';
import { CALL, EntryList, HEAD } from './entry-list.js';
import type { Model, SearchHints } from './model.js';
import { StateTable } from './state-table.js';

export interface SearchBudget {
  /** Give up (unknown) at this time, in performance.now() milliseconds. */
  deadline: number;
  /** Give up (unknown) when the cache holds this many configurations. */
  maxStates: number;
  /** Give up (unknown) when the cache's memory would pass this many bytes. */
  maxCacheBytes: number;
}

export interface SearchResult {
  valid: boolean | 'unknown';
  reason?: string;
  /** Configurations cached. */
  states: number;
  /** The deepest sequence of ops linearized (indices into the input ops), when not valid. */
  bestPrefix?: number[];
  /** The model state after bestPrefix. */
  bestState?: unknown;
  /** The op whose return the search reached, unlinearized, right after bestPrefix. */
  stuck?: number;
  /** A linearization (indices into the input ops), when valid and asked for. */
  linearization?: number[];
}

/**
 * Searches for a linearization of `ops` under `model`. `ops` must be prepared: every op is
 * either ok (completeIndex set) or an info/open write (no return); failed ops and indeterminate
 * reads removed. `hints` only narrow the search: without them the verdict is the same. Never
 * throws on budget exhaustion: the verdict is then 'unknown'.
 */
export function wglSearch<S>(model: Model<S>, ops: readonly Op[], budget: SearchBudget, hints: SearchHints<S> = {}, wantLinearization = false): SearchResult {
  const n = ops.length;
  if (n === 0) return { valid: true, states: 0, ...(wantLinearization ? { linearization: [] } : {}) };

  const list = new EntryList(ops);
  const { nxt, prv, eOp, eKind, retOf } = list;
  const table = new StateTable(model, ops);
  const { states, memoFrom, memoTo } = table;
  const cache = new ConfigCache(n);
  const maxEntries = Math.max(1, Math.min(budget.maxStates, Math.floor(budget.maxCacheBytes / cache.bytesPerEntry)));
  // Distinct model states are bounded too (and a JS Map holds at most 2^24 entries).
  const maxModelStates = Math.min(budget.maxStates, 8_000_000);
  const { isRead, isOpt, isBlind, prevTwin, placed, unreachable } = prunings(model, hints, ops, list, table);

  // ---- the search: the configuration is (ops placed, state sid, flag); a stack of the entries placed ----
  const stackEntry = new Int32Array(n + 1);
  const stackState = new Int32Array(n + 1);
  let depth = 0;
  let sid = table.intern(model.init());
  /** Whether the last op placed was optional (part of the configuration: see prunings). */
  let flag = 0;
  let remaining = list.returns;
  let entry = nxt[HEAD]!;
  let iter = 0;

  // Deepest configuration seen, recorded when the search first backtracks from a new depth.
  const bestOps = new Int32Array(n);
  let bestDepth = -1;
  let bestState = sid;
  let stuck = -1;
  let lowWater = 0;
  /** Notes a dead end: op o cannot be placed after the current prefix. */
  const deadEnd = (o: number): void => {
    if (depth > bestDepth) {
      for (let d = lowWater; d < depth; d++) bestOps[d] = eOp[stackEntry[d]!]!;
      bestDepth = depth;
      bestState = sid;
      stuck = o;
      lowWater = depth;
    }
  };

  const unknown = (reason: string): SearchResult => ({ valid: 'unknown', reason, states: cache.count });

  /**
   * On entering a configuration, looks at the reads that could be placed now, before any write:
   * the index of a read's entry to place first (reads are never choices), -1 for none, or -2
   * when a read can never be placed any more (the configuration fails).
   */
  const scanReads = (from: number): number => {
    for (let e = nxt[from]!; eKind[e] === CALL; e = nxt[e]!) {
      const o = eOp[e]!;
      if (isRead[o] === 0) continue;
      const next = memoFrom[o] === sid ? memoTo[o]! : table.transition(sid, o);
      if (next >= 0) return e;
      if (unreachable !== undefined && unreachable(o, sid)) {
        deadEnd(o);
        return -2;
      }
    }
    return -1;
  };
  let fresh = true;
  // Where the scan starts: the head, or, after placing a read (same state, same blind ops placed),
  // the entry before that read: the reads before it were looked at in this state already.
  let scanFrom = HEAD;

  for (;;) {
    if (remaining === 0) {
      const res: SearchResult = { valid: true, states: cache.count };
      if (wantLinearization) res.linearization = Array.from(stackEntry.subarray(0, depth), (e) => eOp[e]!);
      return res;
    }
    if ((++iter & 0xfff) === 0) {
      if (performance.now() > budget.deadline) return unknown(`time budget exhausted after ${cache.count} configurations`);
      if (states.length > maxModelStates) return unknown(`state budget exhausted (${states.length} distinct model states)`);
    }
    let scanned = -1;
    if (fresh) {
      fresh = false;
      scanned = scanReads(scanFrom);
      if (scanned >= 0) entry = scanned;
    }
    if (scanned === -2) {
      // fall through to backtracking
    } else if (eKind[entry] === CALL) {
      // ---- try to place the op of this call entry now ----
      const o = eOp[entry]!;
      if (flag === 1 && isBlind[o] === 1) {
        entry = nxt[entry]!;
        continue;
      }
      const next = memoFrom[o] === sid ? memoTo[o]! : table.transition(sid, o);
      // Twins are optional ops, so their test sits behind isOpt: the ops of models without twins,
      // and every required op, pay nothing for it in this, the search's hottest branch.
      if (next >= 0 && (isOpt[o] === 0 || (next !== sid && (prevTwin === undefined || prevTwin[o]! < 0 || placed[prevTwin[o]!] === 1)))) {
        cache.flip(o);
        if (cache.add(next * 2 + isOpt[o]!, table.hashes[next]!)) {
          if (cache.count >= maxEntries) {
            return unknown(
              cache.count >= budget.maxStates
                ? `state budget exhausted (${cache.count} configurations cached)`
                : `memory budget exhausted (${cache.count} configurations, ${Math.round((cache.count * cache.bytesPerEntry) / 1048576)} MB)`,
            );
          }
          // A new configuration: push it, lift the op out of the list, start again from the head.
          stackEntry[depth] = entry;
          stackState[depth] = sid * 2 + flag;
          depth++;
          sid = next;
          flag = isOpt[o]!;
          placed[o] = 1;
          scanFrom = isRead[o] === 1 ? prv[entry]! : HEAD;
          list.lift(entry);
          if (retOf[o]! >= 0) remaining--;
          entry = nxt[HEAD]!;
          fresh = true;
          continue;
        }
        cache.flip(o);
        // A placeable read whose configuration failed before: this one fails too.
        if (isRead[o] === 0) {
          entry = nxt[entry]!;
          continue;
        }
      } else {
        entry = nxt[entry]!;
        continue;
      }
    } else {
      // A return entry (the tail cannot be reached while a return entry remains).
      if (entry === list.tail) throw new Error('wgl: reached the end of the entry list with returns left');
      deadEnd(eOp[entry]!);
    }
    // ---- backtrack: undo the last op placed and try the next entry after it; past a read, keep undoing ----
    for (;;) {
      if (depth === 0) {
        return {
          valid: false,
          states: cache.count,
          bestPrefix: Array.from(bestOps.subarray(0, bestDepth)),
          bestState: states[bestState],
          stuck,
        };
      }
      depth--;
      if (depth < lowWater) lowWater = depth;
      const e = stackEntry[depth]!;
      const o = eOp[e]!;
      placed[o] = 0;
      cache.flip(o);
      list.unlift(e);
      if (retOf[o]! >= 0) remaining++;
      sid = stackState[depth]! >> 1;
      flag = stackState[depth]! & 1;
      entry = nxt[e]!;
      if (isRead[o] === 0) break;
    }
  }
}

interface Prunings {
  /** Per op: 1 for a read (never changes the state), placed greedily. */
  isRead: Uint8Array;
  /** Per op: 1 for an optional op (info/open: no return entry). */
  isOpt: Uint8Array;
  /** Per op: 1 for a blind write (hints.blind). */
  isBlind: Uint8Array;
  /** Per optional op: its previous twin, or -1; undefined when no op has a twin. */
  prevTwin: Int32Array | undefined;
  /** Per op: 1 while it is placed (the search keeps it). */
  placed: Uint8Array;
  /** Whether read o can never be placed from state sid (hints.mayBecome); undefined without that hint. */
  unreachable: ((o: number, sid: number) => boolean) | undefined;
}

/** What lets the search skip branches that another branch covers (docs/checkers.md, "four prunings"). */
function prunings<S>(model: Model<S>, hints: SearchHints<S>, ops: readonly Op[], list: EntryList, table: StateTable<S>): Prunings {
  const n = ops.length;
  // Reads (ops that never change the state) are linearized greedily: if a read can be placed now
  // (its call is reached before any unlinearized return, and the state holds what it read), then
  // the configuration has a linearization iff the one with the read placed now has. (Take any
  // linearization from here and move the read to the front: the ops that must precede it are all
  // linearized already, and no state changes.) So a read is never a choice point: when the
  // configuration after it fails, or is already in the cache (so failed before), the search
  // backtracks past the read's parent too.
  const isRead = new Uint8Array(n);
  for (let i = 0; i < n; i++) if (model.kind(ops[i]!) === 'read') isRead[i] = 1;

  // Optional ops (info/open: no return) are placed only where they can matter. Dropping one from a
  // linearization leaves a linearization when it did not change the state, or when the next op
  // is blind (its effect does not depend on the state: a plain write), which hides its effect.
  // So every linearizable history has one where neither happens, and the search looks only for
  // those: it never places an optional op that leaves the state as it is, nor a blind op right
  // after an optional one. Whether the last op placed was optional (the flag) is then part of
  // the configuration, for the cache.
  const isOpt = new Uint8Array(n);
  const isBlind = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    if (list.retOf[i]! < 0) isOpt[i] = 1;
    if (hints.blind?.(ops[i]!)) isBlind[i] = 1;
  }
  const placed = new Uint8Array(n);

  // Optional ops that are the same op (same f, key, type and values: a crashed dequeue, a crashed
  // acquire…) are interchangeable, and the earlier invoked may stand wherever a later one does (it
  // has fewer ops to follow). So every linearizable history has a linearization in which the twins
  // placed are the earliest invoked, in order of invocation, and the search places an optional op
  // only when its previous twin is placed: k crashed dequeues are k choices, not 2^k subsets.
  // Undefined when no op has a twin (the common case): the hot loop then tests nothing more.
  const prevTwin = hints.twins === true ? previousTwins(ops, isOpt, list.byInvoke) : undefined;

  // A read that cannot be placed now may be unreachable for good: when the model says no op that
  // is not blind can bring the state to one the read accepts (kv: the state is not a prefix of
  // the string read; appends only extend it), neither from the state now nor from the state
  // after any blind op not yet placed that was invoked before the read completed, nothing can
  // ever place the read, and the configuration fails at once instead of when the search reaches
  // the read's return.
  const mayBecome = hints.mayBecome?.bind(hints);
  let unreachable: Prunings['unreachable'];
  if (mayBecome) {
    const blindByInvoke = Array.from({ length: n }, (_, i) => i)
      .filter((i) => isBlind[i] === 1)
      .sort((a, b) => ops[a]!.invokeIndex - ops[b]!.invokeIndex);
    const deadFrom = new Int32Array(n).fill(-1);
    const deadVal = new Uint8Array(n);
    // Whether the read o may be reached after the blind op b (whose state does not depend on the
    // state before it), by (b, o).
    const afterBlind = new Map<number, boolean>();
    const afterBlindMayBecome = (b: number, o: number): boolean => {
      const k = b * n + o;
      let r = afterBlind.get(k);
      if (r === undefined) {
        const st = model.step(model.init(), ops[b]!);
        r = st !== undefined && mayBecome(st, ops[o]!);
        afterBlind.set(k, r);
      }
      return r;
    };
    unreachable = (o: number, sid: number): boolean => {
      if (deadFrom[o] !== sid) {
        deadFrom[o] = sid;
        deadVal[o] = mayBecome(table.states[sid]!, ops[o]!) ? 0 : 1;
      }
      if (deadVal[o] === 0) return false;
      // A blind op still to place could set the state from which the read is reached instead.
      const c = ops[o]!.completeIndex!;
      for (const b of blindByInvoke) {
        if (ops[b]!.invokeIndex > c) break;
        if (placed[b] === 0 && afterBlindMayBecome(b, o)) return false;
      }
      return true;
    };
  }
  return { isRead, isOpt, isBlind, prevTwin, placed, unreachable };
}

/** For each optional op, the optional op before it (by invocation) that is its twin, or -1; undefined when none has one. */
function previousTwins(ops: readonly Op[], isOpt: Uint8Array, byInvoke: readonly number[]): Int32Array | undefined {
  let prev: Int32Array | undefined;
  const last = new Map<string, number>();
  for (const i of byInvoke) {
    if (isOpt[i] === 0) continue;
    const sig = twinSignature(ops[i]!);
    const p = last.get(sig);
    if (p !== undefined) (prev ??= new Int32Array(ops.length).fill(-1))[i] = p;
    last.set(sig, i);
  }
  return prev;
}

/**
 * What makes two ops twins, once an op: a failing history's counterexample runs hundreds of
 * searches over its prefixes, which must not build it again each time.
 */
const signatures = new WeakMap<Op, string>();
function twinSignature(o: Op): string {
  let sig = signatures.get(o);
  if (sig === undefined) {
    sig = `${o.f}\u0000${o.key ?? ''}\u0000${o.type}\u0000${twinValue(o.invokeValue)}\u0000${twinValue(o.value)}`;
    signatures.set(o, sig);
  }
  return sig;
}

/** A value's identity in a twin signature: primitives by type and text (cheap), others as JSON. */
function twinValue(v: unknown): string {
  if (v === undefined || v === null) return 'n';
  return typeof v === 'object' ? `j${JSON.stringify(v)}` : `${typeof v}${String(v)}`;
}
