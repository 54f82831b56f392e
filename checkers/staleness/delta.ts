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

interface Cluster {
  write: Write;
  ws: number;
  rs: number;
  rsOp: Op | null;
  f: number;
  fOp: Op | null;
  /** max(ws, rs): where the cluster starts before any shift. */
  s: number;
}

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

/** Δ for one key's ok reads, with their sources (readFacts; undefined: a read nothing explains, left out). */
export function keyDelta(index: RegisterIndex, kw: KeyWrites, reads: readonly (Pick<ReadFacts, 'op' | 'source'> | undefined)[]): KeyDelta {
  const clusters = new Map<Write, Cluster>();
  const cluster = (w: Write): Cluster => {
    let c = clusters.get(w);
    if (!c) {
      const ws = w.op ? w.op.invokeTime : -Infinity;
      const f = w.op ? (w.op.completeTime ?? Infinity) : -Infinity;
      const fOp = w.op && w.op.type === 'ok' ? w.op : null;
      c = { write: w, ws, rs: -Infinity, rsOp: null, f: w.op && w.op.type !== 'ok' ? Infinity : f, fOp, s: ws };
      clusters.set(w, c);
    }
    return c;
  };
  // Every acknowledged write took effect; an indeterminate one only matters if someone read it.
  for (const w of kw.writes) if (w.op!.type === 'ok') cluster(w);
  let approximate = false;
  const firstRead = new Map<Write, number>();
  let counted = 0;
  for (const facts of reads) {
    if (!facts) continue;
    const { op: r, source: src } = facts;
    counted++;
    if (r.value === null && src.newest !== src.oldest) approximate = true;
    const c = cluster(r.value === null ? nullSource(index, kw, r, src, firstRead) : src.newest);
    if (r.invokeTime > c.rs) {
      c.rs = r.invokeTime;
      c.rsOp = r;
    }
    if (r.completeTime! < c.f) {
      c.f = r.completeTime!;
      c.fOp = r;
    }
  }
  const out: KeyDelta = { key: kw.key, delta: 0, approximate, reads: counted };
  const list = [...clusters.values()];
  for (const c of list) c.s = Math.max(c.ws, c.rs);
  list.sort((a, b) => a.f - b.f);
  // Sweep by finish: the clusters that can conflict with v are the forward zones still open at f_v.
  const active: Cluster[] = [];
  for (const v of list) {
    let n = 0;
    for (const u of active) {
      if (u.s <= v.f) continue;
      active[n++] = u;
      if (!(u.f < v.s)) continue;
      const uv = separation(u, v);
      const vu = separation(v, u);
      const chi = Math.min(uv, vu);
      if (chi > out.delta) {
        out.delta = chi;
        const [moved, fixed] = uv <= vu ? [u, v] : [v, u];
        out.read = moved.rsOp ?? undefined;
        out.before = fixed.fOp ?? undefined;
      }
    }
    active.length = n;
    if (v.s > v.f) active.push(v);
  }
  return out;
}

/** The least shift of reads that puts all of u before v's earliest finish (Infinity if u's write starts after it). */
function separation(u: Cluster, v: Cluster): number {
  if (u.ws > v.f) return Infinity;
  return Math.max(0, u.rs - v.f);
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
