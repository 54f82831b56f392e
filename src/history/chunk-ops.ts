// A chunk's events made op records where they were scanned (a worker thread), so that the thread
// that puts the chunks together in file order (src/history/keyed-ops.ts addChunk) handles only
// what crosses the chunk's edges: that thread's work per event was the check's critical path.
import { END_OF_HISTORY } from './event.js';
import { NEMESIS, type EventColumns } from './columns.js';
import { completeRecord, invokeRecord, STRIDE } from './op-records.js';

/**
 * The ops invoked in a chunk, paired within it (a process has at most one op open), as records
 * whose strings are numbered in the chunk's table; and what the assembler must still do in file
 * order. Arrays of event numbers are numbers in the chunk's columns, ascending.
 */
export interface ChunkOps {
  /** Records of the ops invoked in the chunk, key by key (keys in order of first invocation), each key's in invocation order. */
  records: Float64Array;
  /** Each key's number in the chunk's table (-1: no key). */
  keys: Int32Array;
  /** Where each key's records start; one more: the end. */
  keyStart: Int32Array;
  /** Ops still open at the chunk's end: their invocation, record and key (its index in `keys`). */
  openEvent: Int32Array;
  openRecord: Int32Array;
  openKey: Int32Array;
  /** Completions whose process has no event before them in the chunk: their invocation is in an earlier chunk. */
  carried: Int32Array;
  /** Invocations that are their process's first event in the chunk: an earlier chunk may have left it open or crashed. */
  firstInvokes: Int32Array;
  /** Processes whose op paired here ended in info: never to be reused. */
  crashed: Float64Array;
  nemesis: Int32Array;
  /** The first invocation of each f, in order, and its completion (-1: open at the chunk's end). */
  fFirst: Int32Array;
  fFirstDone: Int32Array;
  /** The f of the completions, in order of first completion (carried ones too), with the ok, fail, info counts of the ops paired here, three a f. */
  statF: Int32Array;
  statCounts: Int32Array;
  /** Latencies (ms) of the ok and fail ops paired here, f by f (statF's order): f number i's from latencyStart[i]. */
  latency: Float64Array;
  latencyStart: Int32Array;
}

/** Its typed arrays, to transfer rather than copy. */
export const chunkOpsBuffers = (o: ChunkOps): ArrayBuffer[] =>
  [o.records, o.keys, o.keyStart, o.openEvent, o.openRecord, o.openKey, o.carried, o.firstInvokes, o.crashed, o.nemesis, o.fFirst, o.fFirstDone, o.statF, o.statCounts, o.latency, o.latencyStart].map(
    (a) => a.buffer as ArrayBuffer,
  );

/** What a process did last in the chunk, besides an op open (its record, >= 0). */
const CLOSED = -1;
const CRASHED = -2;
const UNSEEN = -3;

/**
 * The chunk's ops, or undefined when something in it breaks (or might break) a rule between
 * events: the assembler then takes the chunk event by event, and the first bad line is named as
 * before. Only what is sure within the chunk is decided here; the edges are the assembler's.
 */
export function pairChunk(c: EventColumns, strings: readonly string[]): ChunkOps | undefined {
  const n = c.length;
  const noKey = strings.length;
  /** Key (noKey: none) -> its index in `keys`, -1 before its first invocation. */
  const keyOf = new Int32Array(strings.length + 1).fill(-1);
  const keys: number[] = [];
  const perKey: number[] = [];
  let invokes = 0;
  // Processes numbered 0, 1, ... in order of appearance: their state is then an array's, not a map's.
  const who = new Int32Array(n);
  const numbered = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    if (i > 0 && (c.index[i] !== c.index[i - 1]! + 1 || c.time[i]! < c.time[i - 1]!)) return undefined;
    const p = c.process[i]!;
    if (p === NEMESIS) {
      if (strings[c.f[i]!] === END_OF_HISTORY) return undefined;
      continue;
    }
    let w = numbered.get(p);
    if (w === undefined) numbered.set(p, (w = numbered.size));
    who[i] = w;
    if (c.type[i] !== 0) continue;
    const k = c.key[i]!;
    const at = k < 0 ? noKey : k;
    let s = keyOf[at]!;
    if (s < 0) {
      keyOf[at] = s = keys.length;
      keys.push(k);
      perKey.push(0);
    }
    perKey[s]!++;
    invokes++;
  }
  // No key and the key "" are one group: their records would not be in invocation order.
  if (keyOf[noKey]! >= 0 && strings.some((s, id) => s === '' && keyOf[id]! >= 0)) return undefined;
  const keyStart = new Int32Array(keys.length + 1);
  for (let s = 0; s < keys.length; s++) keyStart[s + 1] = keyStart[s]! + perKey[s]!;
  const next = keyStart.slice(0, keys.length);
  const records = new Float64Array(invokes * STRIDE);
  const invokedAt = new Int32Array(invokes);
  const doneAt = new Int32Array(invokes).fill(-1);
  const last = new Int32Array(numbered.size).fill(UNSEEN);
  const carried: number[] = [];
  const firstInvokes: number[] = [];
  const crashed: number[] = [];
  const nemesis: number[] = [];
  const fFirst: number[] = [];
  const fFirstRecord: number[] = [];
  const fSeen = new Uint8Array(strings.length);
  const statOf = new Int32Array(strings.length).fill(-1);
  const statF: number[] = [];
  const statCounts: number[] = [];
  const latency = new Float64Array(invokes);
  const latencyF = new Int32Array(invokes);
  let latencies = 0;
  for (let i = 0; i < n; i++) {
    const p = c.process[i]!;
    if (p === NEMESIS) {
      nemesis.push(i);
      continue;
    }
    const w = who[i]!;
    const was = last[w]!;
    const type = c.type[i]!;
    const f = c.f[i]!;
    if (type === 0) {
      if (was === UNSEEN) firstInvokes.push(i);
      else if (was !== CLOSED) return undefined;
      const k = c.key[i]!;
      const r = next[keyOf[k < 0 ? noKey : k]!]!++;
      invokeRecord(records, r, c.index[i]!, c.time[i]!, p, f, k, c.valueTag[i]!, c.value[i]!);
      invokedAt[r] = i;
      last[w] = r;
      if (fSeen[f] === 0) {
        fSeen[f] = 1;
        fFirst.push(i);
        fFirstRecord.push(r);
      }
      continue;
    }
    let s = statOf[f]!;
    if (s < 0) {
      statOf[f] = s = statF.length;
      statF.push(f);
      statCounts.push(0, 0, 0);
    }
    last[w] = type === 3 ? CRASHED : CLOSED;
    if (was === UNSEEN) {
      carried.push(i);
      continue;
    }
    if (was < 0) return undefined;
    const j = invokedAt[was]!;
    if (c.f[j] !== f || c.key[j] !== c.key[i]) return undefined;
    const ok = type === 1;
    completeRecord(records, was, c.index[i]!, c.time[i]!, type, ok ? c.valueTag[i]! : 0, ok ? c.value[i]! : 0, c.error[i]!);
    doneAt[was] = i;
    statCounts[s * 3 + type - 1]!++;
    if (type === 3) crashed.push(p);
    else {
      latency[latencies] = (c.time[i]! - c.time[j]!) / 1e6;
      latencyF[latencies++] = s;
    }
  }
  const open: number[] = [];
  for (const r of last) if (r >= 0) open.push(r);
  open.sort((a, b) => invokedAt[a]! - invokedAt[b]!);
  const openKey = new Int32Array(open.length);
  for (let o = 0; o < open.length; o++) {
    const k = c.key[invokedAt[open[o]!]!]!;
    openKey[o] = keyOf[k < 0 ? noKey : k]!;
  }
  // Latencies f by f: a counting sort.
  const latencyStart = new Int32Array(statF.length + 1);
  for (let l = 0; l < latencies; l++) latencyStart[latencyF[l]! + 1]!++;
  for (let s = 0; s < statF.length; s++) latencyStart[s + 1]! += latencyStart[s]!;
  const put = latencyStart.slice(0, statF.length);
  const byF = new Float64Array(latencies);
  for (let l = 0; l < latencies; l++) byF[put[latencyF[l]!]!++] = latency[l]!;
  return {
    records,
    keys: Int32Array.from(keys),
    keyStart,
    openEvent: Int32Array.from(open, (r) => invokedAt[r]!),
    openRecord: Int32Array.from(open),
    openKey,
    carried: Int32Array.from(carried),
    firstInvokes: Int32Array.from(firstInvokes),
    crashed: Float64Array.from(crashed),
    nemesis: Int32Array.from(nemesis),
    fFirst: Int32Array.from(fFirst),
    fFirstDone: Int32Array.from(fFirstRecord, (r) => doneAt[r]!),
    statF: Int32Array.from(statF),
    statCounts: Int32Array.from(statCounts),
    latency: byF,
    latencyStart,
  };
}
