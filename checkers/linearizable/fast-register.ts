// Polynomial-time linearizability for a register whose every written value is unique (Gibbons &
// Korach 1997; the "zones" of Golab, Li & Shah 2011).
//
// With unique values each read names the write it read from, so a linearization is a sequence of
// *clusters*, one per written value: the write, then the reads of its value, back to back. A
// cluster's ops span at least the points f (the earliest completion among them: that op took
// effect by f) and s (the latest invocation: that op took effect after s). Two clusters u and v
// cannot be put one after the other iff f_v < s_u and f_u < s_v (forward zones that overlap, or a
// backward zone inside a forward zone); and each read must not complete before its write is
// invoked. The history is linearizable iff neither happens (the zone theorem).
//
// Our extensions, each a reduction to that case:
// - delete writes a fresh "tombstone" value. A read of null must read from the initial state or
//   from one delete. Necessary conditions give each null read its candidate sources (below); when
//   every null read has exactly one, the mapping is forced and the theorem applies. When some
//   null read has two or more, we guess the likeliest source; if the theorem then holds the
//   history is linearizable, and if not an exact search between quiescent points decides
//   (register-segments.ts); when that gives up, the caller searches.
// - an info/open write that no read observed is dropped (it may never have happened); one that
//   was observed did happen, at some time after its invocation: its completion is +infinity.
//
// Times are event indices (unique integers), so there are no ties.

import type { Op } from '../../src/history/event.js';
import { segmentedRegisterCheck } from './register-segments.js';

export type FastOutcome =
  | { applies: false; reason: string }
  | { applies: true; valid: true }
  | {
      applies: true;
      valid: false;
      kind: FastViolationKind;
      /** Indices into the input ops; the clusters' ops that show the violation, in the order named. */
      witness: number[];
      /** Roles for the evidence (partition.ts): indices into the input ops, -1 for the initial state. */
      roles: FastRoles;
    }
  /** Exact, but with no story of its own: the search tells the violation's (partition.ts). */
  | { applies: true; valid: false; kind: 'no-order' };

export type FastViolationKind = 'unwritten-value' | 'read-before-write' | 'null-without-source' | 'cluster-conflict';

export interface FastRoles {
  /** For cluster-conflict: value v's earliest-completing op (A) and latest-invoked op (B);
   *  value u's earliest-completing op (C) and latest-invoked op (D); the writes of v and u. */
  a?: number;
  b?: number;
  c?: number;
  d?: number;
  writeV?: number;
  writeU?: number;
  /** For the other kinds: the read and the write involved. */
  read?: number;
  write?: number;
}

const NULL_KEY = '\u0000null';

function valueKey(v: unknown): unknown {
  if (v === null || v === undefined) return NULL_KEY;
  if (typeof v === 'object') return `\u0000json:${JSON.stringify(v)}`;
  return v;
}

const INF = Number.MAX_SAFE_INTEGER;
const INITIAL = -1;

/**
 * Drops what cannot matter before any check: info/open puts whose value no read returned, and
 * info/open deletes when no read returned null. Sound for any register history (unique values
 * or not): such a write can always be "never happened". Returns the kept ops (same objects).
 */
export function reduceRegisterOps(ops: readonly Op[]): { ops: Op[]; dropped: number } {
  const seen = new Set<unknown>();
  for (const op of ops) if (op.f === 'get' && op.type === 'ok') seen.add(valueKey(op.value));
  const out: Op[] = [];
  let dropped = 0;
  for (const op of ops) {
    if (op.type !== 'ok' && (op.f === 'put' || op.f === 'delete')) {
      const k = op.f === 'delete' ? NULL_KEY : valueKey(op.invokeValue);
      if (!seen.has(k)) {
        dropped++;
        continue;
      }
    }
    out.push(op);
  }
  return { ops: out, dropped };
}

/**
 * When the likeliest sources of the reads of null did not linearize: the exact search between
 * quiescent points (register-segments.ts) decides, both ways; a violation's story (the stuck op,
 * the longest linearizable prefix) is then the search's, on the shortest failing prefix.
 */
function settleNullSources(ops: readonly Op[]): FastOutcome {
  const seg = segmentedRegisterCheck(ops);
  if (seg.decided) return seg.valid ? { applies: true, valid: true } : { applies: true, valid: false, kind: 'no-order' };
  return { applies: false, reason: `a read of null could come from more than one delete, and the likeliest sources did not linearize (${seg.reason})` };
}

interface Cluster {
  /** The write (index into ops), or INITIAL. */
  write: number;
  reads: number[];
}

/**
 * Decides a prepared register partition (fail ops and indeterminate gets removed; unobserved
 * info writes may or may not have been removed) when its written values are unique.
 */
export function fastRegisterCheck(ops: readonly Op[]): FastOutcome {
  const n = ops.length;
  const start = (i: number): number => (i === INITIAL ? -2 : ops[i]!.invokeIndex);
  const finish = (i: number): number => {
    if (i === INITIAL) return -1;
    const op = ops[i]!;
    return op.type === 'ok' && op.completeIndex !== null ? op.completeIndex : INF;
  };

  // ---- writes by value ----
  const putOf = new Map<unknown, number>();
  const deletes: number[] = [];
  const okWrites: number[] = [];
  for (let i = 0; i < n; i++) {
    const op = ops[i]!;
    if (op.f === 'put') {
      if (op.invokeValue === null || op.invokeValue === undefined) return { applies: false, reason: 'a put without a value' };
      const k = valueKey(op.invokeValue);
      if (putOf.has(k)) return { applies: false, reason: 'a value is written more than once' };
      putOf.set(k, i);
      if (op.type === 'ok') okWrites.push(i);
    } else if (op.f === 'delete') {
      deletes.push(i);
      if (op.type === 'ok') okWrites.push(i);
    } else if (op.f !== 'get') {
      return { applies: false, reason: `op ${op.f} is not put/get/delete` };
    }
  }

  // ---- reads to clusters ----
  const clusterOfWrite = new Map<number, Cluster>();
  const clusterFor = (w: number): Cluster => {
    let c = clusterOfWrite.get(w);
    if (!c) {
      c = { write: w, reads: [] };
      clusterOfWrite.set(w, c);
    }
    return c;
  };
  const nullReads: number[] = [];
  let unwritten = -1;
  for (let i = 0; i < n; i++) {
    const op = ops[i]!;
    if (op.f !== 'get' || op.type !== 'ok') continue;
    if (op.value === null || op.value === undefined) {
      nullReads.push(i);
      continue;
    }
    const w = putOf.get(valueKey(op.value));
    if (w === undefined) {
      if (unwritten < 0 || finish(i) < finish(unwritten)) unwritten = i;
      continue;
    }
    clusterFor(w).reads.push(i);
  }
  if (unwritten >= 0) {
    return { applies: true, valid: false, kind: 'unwritten-value', witness: [unwritten], roles: { read: unwritten } };
  }

  // ---- null reads to their possible sources ----
  // A guessed mapping that passes the theorem proves linearizability (it exhibits clusters that
  // can be ordered); one that fails proves nothing, and the caller then searches.
  let guessed = false;
  const undecided = (): FastOutcome => settleNullSources(ops);
  if (nullReads.length > 0) {
    if (deletes.length === 0) {
      const c = clusterFor(INITIAL);
      for (const r of nullReads) c.reads.push(r);
    } else {
      // ok writes by completion, with the running maximum of their invocations.
      okWrites.sort((x, y) => finish(x) - finish(y));
      const prefMaxInv = new Float64Array(okWrites.length);
      const prefArg = new Int32Array(okWrites.length);
      let best = -Infinity;
      let arg = -1;
      for (let j = 0; j < okWrites.length; j++) {
        const w = okWrites[j]!;
        if (start(w) > best) {
          best = start(w);
          arg = w;
        }
        prefMaxInv[j] = best;
        prefArg[j] = arg;
      }
      const dels = deletes.slice().sort((x, y) => start(x) - start(y));
      // The latest completion among the deletes invoked so far: below the point where it drops
      // under m, no delete can be a source, so the scan for candidates stops there.
      const prefMaxFinish = new Float64Array(dels.length);
      for (let j = 0, mx = -Infinity; j < dels.length; j++) prefMaxFinish[j] = mx = Math.max(mx, finish(dels[j]!));
      let steps = 0;
      for (const r of nullReads) {
        // ok writes that completed before r was invoked: r reads from none of them unless it is
        // the last; m = the latest invocation among them.
        let lo = 0;
        let hi = okWrites.length;
        while (lo < hi) {
          const mid = (lo + hi) >>> 1;
          if (finish(okWrites[mid]!) < start(r)) lo = mid + 1;
          else hi = mid;
        }
        const before = lo;
        const m = before > 0 ? prefMaxInv[before - 1]! : -Infinity;
        // Candidates, latest-invoked first. With several, guess the likeliest: the latest one
        // invoked before r was (what a store that is linearizable would most often have served).
        let candidates = before === 0 ? 1 : 0;
        let latest = before === 0 ? INITIAL : -2;
        let preferred = -2;
        // From the latest delete invoked before r completed; stop once the guess is made and it
        // is known whether it was a guess (two candidates).
        let top = dels.length;
        for (let lo2 = 0; lo2 < top; ) {
          const mid = (lo2 + top) >>> 1;
          if (start(dels[mid]!) <= finish(r)) lo2 = mid + 1;
          else top = mid;
        }
        for (let j = top - 1; j >= 0 && prefMaxFinish[j]! > m && (preferred === -2 || candidates < 2); j--) {
          if (++steps > 50_000_000) return { applies: false, reason: 'too many null reads and deletes to map cheaply' };
          const d = dels[j]!;
          if (finish(d) <= m) continue;
          candidates++;
          if (latest === -2 || latest === INITIAL) latest = d;
          if (preferred === -2 && start(d) < start(r)) preferred = d;
        }
        if (candidates === 0) {
          const w = prefArg[before - 1]!;
          return { applies: true, valid: false, kind: 'null-without-source', witness: [w, r], roles: { read: r, write: w } };
        }
        if (candidates > 1) guessed = true;
        clusterFor(preferred !== -2 ? preferred : before === 0 ? INITIAL : latest).reads.push(r);
      }
    }
  }

  // ok writes are clusters even when nobody read them; info writes only when observed.
  for (const w of okWrites) clusterFor(w);
  const clusters = [...clusterOfWrite.values()];

  // ---- each read must not complete before its write is invoked ----
  for (const c of clusters) {
    for (const r of c.reads) {
      if (finish(r) < start(c.write)) {
        if (guessed) return undecided();
        return { applies: true, valid: false, kind: 'read-before-write', witness: [c.write, r], roles: { read: r, write: c.write } };
      }
    }
  }

  // ---- zones ----
  const k = clusters.length;
  const f = new Float64Array(k);
  const s = new Float64Array(k);
  const fOp = new Int32Array(k);
  const sOp = new Int32Array(k);
  for (let i = 0; i < k; i++) {
    const c = clusters[i]!;
    let fi = finish(c.write);
    let fo = c.write;
    let si = start(c.write);
    let so = c.write;
    for (const r of c.reads) {
      const rf = finish(r);
      if (rf < fi) {
        fi = rf;
        fo = r;
      }
      const rs = start(r);
      if (rs > si) {
        si = rs;
        so = r;
      }
    }
    f[i] = fi;
    s[i] = si;
    fOp[i] = fo;
    sOp[i] = so;
  }
  // Clusters u != v conflict iff f_v < s_u and f_u < s_v. Sort by f; for each u, among the
  // clusters with f_v < s_u (a prefix), the largest s_v other than u's own must not pass f_u.
  const byF = Array.from({ length: k }, (_, i) => i).sort((x, y) => f[x]! - f[y]!);
  const top1 = new Int32Array(k); // prefix argmax of s
  const top2 = new Int32Array(k); // prefix second argmax
  for (let j = 0; j < k; j++) {
    const c = byF[j]!;
    if (j === 0) {
      top1[0] = c;
      top2[0] = -1;
      continue;
    }
    let t1 = top1[j - 1]!;
    let t2 = top2[j - 1]!;
    if (s[c]! > s[t1]!) {
      t2 = t1;
      t1 = c;
    } else if (t2 < 0 || s[c]! > s[t2]!) {
      t2 = c;
    }
    top1[j] = t1;
    top2[j] = t2;
  }
  const sortedF = Float64Array.from(byF, (c) => f[c]!);
  let bestU = -1;
  let bestV = -1;
  for (let u = 0; u < k; u++) {
    // count of clusters with f < s_u
    let lo = 0;
    let hi = k;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (sortedF[mid]! < s[u]!) lo = mid + 1;
      else hi = mid;
    }
    if (lo === 0) continue;
    let v = top1[lo - 1]!;
    if (v === u) v = top2[lo - 1]!;
    if (v < 0 || !(s[v]! > f[u]!)) continue;
    // Prefer the conflict that shows up earliest, for a readable counterexample.
    if (bestU < 0 || Math.max(s[u]!, s[v]!) < Math.max(s[bestU]!, s[bestV]!)) {
      bestU = u;
      bestV = v;
    }
  }
  if (bestU >= 0 && guessed) return undecided();
  if (bestU >= 0) {
    // Name v the cluster whose latest-invoked op comes last (the "stale" read, usually).
    let v = bestV;
    let u = bestU;
    if (s[u]! > s[v]!) [u, v] = [v, u];
    const roles: FastRoles = {
      a: fOp[v]!,
      b: sOp[v]!,
      c: fOp[u]!,
      d: sOp[u]!,
      writeV: clusters[v]!.write,
      writeU: clusters[u]!.write,
    };
    const witness = [...new Set([roles.writeV!, roles.a!, roles.b!, roles.writeU!, roles.c!, roles.d!])].filter((x) => x !== INITIAL);
    return { applies: true, valid: false, kind: 'cluster-conflict', witness, roles };
  }
  return { applies: true, valid: true };
}
