// The search's entry list (Wing & Gong, Lowe): a call entry per op and a return entry per ok op,
// in event order, doubly linked so that linearizing an op lifts its pair out of the list and
// backtracking puts it back, each in O(1). Indeterminate ops (info, open) have no return entry:
// their return is at +infinity and, being optional, they need never be linearized.

import type { Op } from '../../src/history/event.js';

/** The list's head sentinel; the tail sentinel is `tail`. */
export const HEAD = 0;
export const CALL = 1;
export const RET = 2;

export class EntryList {
  /** Next and previous entry of each entry (0 = head, tail = m + 1). */
  readonly nxt: Int32Array;
  readonly prv: Int32Array;
  /** The op of each entry (an index into the ops). */
  readonly eOp: Int32Array;
  /** CALL or RET, per entry. */
  readonly eKind: Uint8Array;
  /** Per op: its return entry, or -1 when it has none (info/open). */
  readonly retOf: Int32Array;
  readonly tail: number;
  /** How many return entries there are: the ops that must be linearized. */
  readonly returns: number;
  /** The ops' indices in invocation order. */
  readonly byInvoke: number[];

  constructor(ops: readonly Op[]) {
    const n = ops.length;
    const okOps: number[] = [];
    for (let i = 0; i < n; i++) if (ops[i]!.completeIndex !== null && ops[i]!.type === 'ok') okOps.push(i);
    this.byInvoke = Array.from({ length: n }, (_, i) => i).sort((a, b) => ops[a]!.invokeIndex - ops[b]!.invokeIndex);
    okOps.sort((a, b) => ops[a]!.completeIndex! - ops[b]!.completeIndex!);
    const m = n + okOps.length; // entries 1..m, tail m+1
    this.tail = m + 1;
    this.returns = okOps.length;
    this.nxt = new Int32Array(m + 2);
    this.prv = new Int32Array(m + 2);
    this.eOp = new Int32Array(m + 2);
    this.eKind = new Uint8Array(m + 2);
    this.retOf = new Int32Array(n).fill(-1);
    const { byInvoke, eOp, eKind, retOf, nxt, prv } = this;
    let ci = 0;
    let ri = 0;
    let e = 1;
    while (ci < n || ri < okOps.length) {
      const takeCall = ri >= okOps.length || (ci < n && ops[byInvoke[ci]!]!.invokeIndex < ops[okOps[ri]!]!.completeIndex!);
      if (takeCall) {
        eOp[e] = byInvoke[ci++]!;
        eKind[e] = CALL;
      } else {
        const o = okOps[ri++]!;
        eOp[e] = o;
        eKind[e] = RET;
        retOf[o] = e;
      }
      e++;
    }
    for (let i = 0; i <= m; i++) nxt[i] = i + 1;
    for (let i = 1; i <= m + 1; i++) prv[i] = i - 1;
  }

  /** Takes call entry e, and its op's return entry, out of the list. */
  lift(e: number): void {
    const { nxt, prv } = this;
    nxt[prv[e]!] = nxt[e]!;
    prv[nxt[e]!] = prv[e]!;
    const r = this.retOf[this.eOp[e]!]!;
    if (r >= 0) {
      nxt[prv[r]!] = nxt[r]!;
      prv[nxt[r]!] = prv[r]!;
    }
  }

  /** Puts back what lift(e) took out (the last lift not yet undone). */
  unlift(e: number): void {
    const { nxt, prv } = this;
    const r = this.retOf[this.eOp[e]!]!;
    if (r >= 0) {
      nxt[prv[r]!] = r;
      prv[nxt[r]!] = r;
    }
    nxt[prv[e]!] = e;
    prv[nxt[e]!] = e;
  }
}
