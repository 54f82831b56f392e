// Δ-atomicity (Golab, Li & Shah, "Analyzing consistency properties for fun and profit", PODC
// 2011): the smallest Δ such that starting every read Δ earlier makes a key's history
// linearizable. It is how stale the key's reads were, measured against real time alone.
//
// With unique values a linearization is a sequence of clusters, one per written value: the
// write, then the reads of its value (Gibbons & Korach). A cluster with write start ws, latest
// read start rs and earliest finish f "starts" at s = max(ws, rs); two clusters u, v conflict iff
// f_v < s_u and f_u < s_v, and the history is linearizable iff no pair conflicts. Moving reads
// Δ earlier turns s_u into max(ws_u, rs_u − Δ) and touches nothing else, and only ever removes
// conflicts, so Δ is the maximum over conflicting pairs of the least Δ that separates that pair:
// min(rs_u − f_v, rs_v − f_u), a side counting as impossible when its write starts too late.
//
// Deletes write null, which is not unique: a null read is put in the cluster of one possible
// source (see nullSource). That is exact when the read has
// one possible source, and otherwise an upper bound (the best assignment is a search problem).
// Times here are the events' times (ns): Δ is a duration, and equal times count as concurrent.

import type { Op } from '../../src/history/event.js';
import { INITIAL, upperBound, type KeyWrites, type ReadFacts, type RegisterIndex, type Source, type Write } from './register-index.js';

export interface KeyDelta {
  key: string;
  /** ns; Infinity when no shift of reads can make the key linearizable (a write ordered against itself). */
  delta: number;
  /** True when some null read had more than one possible source, so delta is an upper bound. */
  approximate: boolean;
  reads: number;
  /** The read that must start `delta` earlier, and the op whose completion it must precede. */
  read?: Op;
  before?: Op;
}

/**
 * The key's clusters, one a write (by Write.at + 1: slot 0 is the initial state's), as columns:
 * a key's clusters are made and swept in one go, and a million of them as objects cost the
 * thread that runs the other checkers more to make and collect than to sweep.
 */
class Clusters {
  /** Which slots hold a cluster, in the order made. */
  readonly made: number[] = [];
  readonly ws: Float64Array;
  readonly rs: Float64Array;
  readonly rsOp: (Op | null)[];
  readonly f: Float64Array;
  readonly fOp: (Op | null)[];
  /** max(ws, rs): where the cluster starts before any shift. */
  readonly s: Float64Array;
  private readonly has: Uint8Array;

  constructor(kw: KeyWrites) {
    const n = kw.writes.length + 1;
    this.ws = new Float64Array(n);
    this.rs = new Float64Array(n);
    this.f = new Float64Array(n);
    this.s = new Float64Array(n);
    this.rsOp = new Array<Op | null>(n).fill(null);
    this.fOp = new Array<Op | null>(n).fill(null);
    this.has = new Uint8Array(n);
  }

  /** w's cluster's slot, made (the write alone) on first use. */
  of(w: Write): number {
    const c = w.at + 1;
    if (this.has[c]) return c;
    this.has[c] = 1;
    this.made.push(c);
    const op = w.op;
    this.ws[c] = op ? op.invokeTime : -Infinity;
    this.rs[c] = -Infinity;
    this.f[c] = !op ? -Infinity : op.type !== 'ok' ? Infinity : (op.completeTime ?? Infinity);
    this.fOp[c] = op && op.type === 'ok' ? op : null;
    this.s[c] = this.ws[c]!;
    return c;
  }
}

/**
 * Δ for one key, its ok reads given one at a time in history order, with their sources
 * (readFacts; undefined: a read nothing explains, left out). A read at a time, so that a
 * caller feeds every key's reads in one pass over the history rather than gather each key's
 * reads, scattered over it, and walk them again key by key.
 */
export class KeyDeltaMeasure {
  private readonly c: Clusters;
  private approximate = false;
  private readonly firstRead = new Map<Write, number>();
  private counted = 0;

  constructor(
    private readonly index: RegisterIndex,
    private readonly kw: KeyWrites,
  ) {
    this.c = new Clusters(kw);
    // Every acknowledged write took effect; an indeterminate one only matters if someone read it.
    for (const w of kw.writes) if (w.op!.type === 'ok') this.c.of(w);
  }

  /** The key's next ok read (undefined: one nothing explains, left out). */
  add(facts: Pick<ReadFacts, 'op' | 'source'> | undefined): void {
    if (!facts) return;
    const { op: r, source: src } = facts;
    const c = this.c;
    this.counted++;
    if (r.value === null && src.newest !== src.oldest) this.approximate = true;
    const at = c.of(r.value === null ? nullSource(this.index, this.kw, r, src, this.firstRead) : src.newest);
    if (r.invokeTime > c.rs[at]!) {
      c.rs[at] = r.invokeTime;
      c.rsOp[at] = r;
    }
    if (r.completeTime! < c.f[at]!) {
      c.f[at] = r.completeTime!;
      c.fOp[at] = r;
    }
  }

  finish(): KeyDelta {
    const c = this.c;
    const out: KeyDelta = { key: this.kw.key, delta: 0, approximate: this.approximate, reads: this.counted };
    const { ws, rs, f, s, made } = c;
    for (const x of made) s[x] = Math.max(ws[x]!, rs[x]!);
    // Stable, as the list of clusters in the order made was sorted before.
    const list = made.sort((a, b) => f[a]! - f[b]!);
    // Sweep by finish: the clusters that can conflict with v are the forward zones still open at f_v.
    const active: number[] = [];
    for (const v of list) {
      let n = 0;
      for (const u of active) {
        if (s[u]! <= f[v]!) continue;
        active[n++] = u;
        if (!(f[u]! < s[v]!)) continue;
        const uv = separation(ws[u]!, rs[u]!, f[v]!);
        const vu = separation(ws[v]!, rs[v]!, f[u]!);
        const chi = Math.min(uv, vu);
        if (chi > out.delta) {
          out.delta = chi;
          const [moved, fixed] = uv <= vu ? [u, v] : [v, u];
          out.read = c.rsOp[moved] ?? undefined;
          out.before = c.fOp[fixed] ?? undefined;
        }
      }
      active.length = n;
      if (s[v]! > f[v]!) active.push(v);
    }
    return out;
  }
}

/** The least shift of reads that puts all of u before v's earliest finish (Infinity if u's write starts after it). */
function separation(uws: number, urs: number, vf: number): number {
  if (uws > vf) return Infinity;
  return Math.max(0, urs - vf);
}

/**
 * The null read's cluster: the source that makes the read least stale, i.e. superseded last
 * (not at all, best), and among equals the most recently invoked. An indeterminate delete is
 * never superseded by itself, as it may land any time, but it lands only once: after its first
 * null read it is superseded like a write that completed then.
 */
function nullSource(index: RegisterIndex, kw: KeyWrites, read: Op, src: Source, firstRead: Map<Write, number>): Write {
  const cost = (superseder: Write | undefined): number =>
    superseder && superseder.cmp < read.invokeIndex ? read.invokeTime - superseder.op!.completeTime! : 0;
  if (cost(index.supersederOf(kw, src.newest)) > 0) return src.newest;
  let best = INITIAL;
  let bestCost = Infinity;
  for (let i = upperBound(kw.deletes, read.completeIndex!, (w) => w.inv) - 1; i >= 0 && bestCost > 0; i--) {
    const d = kw.deletes[i]!;
    const first = firstRead.get(d);
    const c = d.cmp !== Infinity ? cost(index.supersederOf(kw, d)) : first === undefined ? 0 : cost(index.supersederAfter(kw, first));
    if (c < bestCost) {
      best = d;
      bestCost = c;
    }
  }
  if (cost(index.supersederOf(kw, INITIAL)) < bestCost) best = INITIAL;
  if (best.cmp === Infinity && !firstRead.has(best)) firstRead.set(best, read.completeIndex!);
  return best;
}
