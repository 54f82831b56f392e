// A chunk's events made op records where they were scanned (a worker thread), so that the thread
// that puts the chunks together in file order (src/history/keyed-ops.ts addChunk) handles only
// what crosses the chunk's edges: that thread's work per event was the check's critical path.
import { END_OF_HISTORY } from './event.js';
import { NEMESIS, pickRows, type EventColumns } from './columns.js';
import { completeRecord, invokeRecord, STRIDE } from './op-records.js';

/**
 * The ops invoked in a chunk, paired within it (a process has at most one op open), as records
 * whose strings are numbered in the chunk's table; and what the assembler must still do in file
 * order. Arrays of event numbers are numbers in the chunk's columns, ascending.
 */
export interface ChunkOps {
  /** The chunk's events (its columns may keep fewer: pairScan). */
  events: number;
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

/** What pairScan reads and writes of a chunk's scan (lines.ts ChunkScan, which names ChunkOps: its type not imported here, no ring of modules). */
interface PairableScan {
  columns: EventColumns;
  strings: string[];
  error?: unknown;
  ops?: ChunkOps;
}

/**
 * Pairs a scanned chunk's ops (scan.ops) and keeps of its columns only the events the assembler
 * still reads (those ChunkOps names, the first and the last; their numbers in it renumbered):
 * the rest would cross threads only to be collected there. A chunk not paired is left whole,
 * and one that the assembler cannot take at once is scanned again. Returns the whole columns,
 * which stay here: the next chunk's scan may write over them.
 */
export function pairScan(scan: PairableScan): EventColumns | undefined {
  if (scan.error !== undefined) return undefined;
  const ops = pairChunk(scan.columns, scan.strings);
  if (ops === undefined) return undefined;
  scan.ops = ops;
  const n = scan.columns.length;
  if (n === 0) return undefined;
  const named = [ops.carried, ops.firstInvokes, ops.openEvent, ops.nemesis, ops.fFirst, ops.fFirstDone];
  const kept = new Int32Array(n).fill(-1);
  kept[0] = kept[n - 1] = 0;
  for (const a of named) for (const i of a) if (i >= 0) kept[i] = 0;
  let m = 0;
  for (let i = 0; i < n; i++) if (kept[i]! >= 0) kept[i] = m++;
  const rows = new Int32Array(m);
  for (let i = 0; i < n; i++) if (kept[i]! >= 0) rows[kept[i]!] = i;
  for (const a of named) for (let j = 0; j < a.length; j++) if (a[j]! >= 0) a[j] = kept[a[j]!]!;
  const whole = scan.columns;
  scan.columns = pickRows(whole, rows);
  return whole;
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
/** Process numbers below this are numbered through an array. */
const SMALL_PROCESS = 1 << 16;

/**
 * The chunk's ops, or undefined when something in it breaks (or might break) a rule between
 * events: the assembler then takes the chunk event by event, and the first bad line is named as
 * before. Only what is sure within the chunk is decided here; the edges are the assembler's.
 */
export function pairChunk(c: EventColumns, strings: readonly string[]): ChunkOps | undefined {
  const keys = keysOf(c, strings);
  if (keys === undefined) return undefined;
  const pairing = new Pairing(c, strings.length, keys);
  return pairing.run() ? pairing.result() : undefined;
}

/** Each event's process numbered 0, 1, ... in order of appearance, and where each key's records go. */
interface Keys {
  who: Int32Array;
  processes: number;
  /** Key (strings.length: none) -> its index in `keys`, -1: not invoked. */
  keyOf: Int32Array;
  keys: Int32Array;
  keyStart: Int32Array;
}

// One loop a function: a function's later loops, run by code optimized while the first one
// ran, would have no type feedback and be thrown away (V8 deoptimizes), chunk after chunk.

/** The events' order within the chunk checked, and the keys of its invocations counted; undefined: the chunk is taken event by event. */
function keysOf(c: EventColumns, strings: readonly string[]): Keys | undefined {
  const n = c.length;
  const noKey = strings.length;
  const keyOf = new Int32Array(strings.length + 1).fill(-1);
  const keys: number[] = [];
  const perKey: number[] = [];
  const who = new Int32Array(n);
  // Small process numbers (all of them, mostly) looked up in an array, not the map.
  const small = new Int32Array(SMALL_PROCESS).fill(-1);
  const numbered = new Map<number, number>();
  let processes = 0;
  for (let i = 0; i < n; i++) {
    if (i > 0 && (c.index[i] !== c.index[i - 1]! + 1 || c.time[i]! < c.time[i - 1]!)) return undefined;
    const p = c.process[i]!;
    if (p === NEMESIS) {
      if (strings[c.f[i]!] === END_OF_HISTORY) return undefined;
      continue;
    }
    let w = p < SMALL_PROCESS ? small[p]! : (numbered.get(p) ?? -1);
    if (w < 0) {
      w = processes++;
      if (p < SMALL_PROCESS) small[p] = w;
      else numbered.set(p, w);
    }
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
  }
  // No key and the key "" are one group: their records would not be in invocation order.
  if (keyOf[noKey]! >= 0 && strings.some((s, id) => s === '' && keyOf[id]! >= 0)) return undefined;
  const keyStart = new Int32Array(keys.length + 1);
  for (let s = 0; s < keys.length; s++) keyStart[s + 1] = keyStart[s]! + perKey[s]!;
  return { who, processes, keyOf, keys: Int32Array.from(keys), keyStart };
}

/** The pairing of a chunk's events, in order. */
class Pairing {
  private readonly noKey: number;
  private readonly next: Int32Array;
  private readonly records: Float64Array;
  private readonly invokedAt: Int32Array;
  private readonly doneAt: Int32Array;
  /** By process: its op's record while open, else CLOSED, CRASHED or UNSEEN. */
  private readonly last: Int32Array;
  private readonly carried: number[] = [];
  private readonly firstInvokes: number[] = [];
  private readonly crashed: number[] = [];
  private readonly nemesis: number[] = [];
  private readonly fFirst: number[] = [];
  private readonly fFirstRecord: number[] = [];
  private readonly fSeen: Uint8Array;
  private readonly statOf: Int32Array;
  private readonly statF: number[] = [];
  private readonly statCounts: number[] = [];
  private readonly latency: Float64Array;
  private readonly latencyF: Int32Array;
  private latencies = 0;

  constructor(
    private readonly c: EventColumns,
    strings: number,
    private readonly k: Keys,
  ) {
    const invokes = k.keyStart[k.keys.length]!;
    this.noKey = strings;
    this.next = k.keyStart.slice(0, k.keys.length);
    this.records = new Float64Array(invokes * STRIDE);
    this.invokedAt = new Int32Array(invokes);
    this.doneAt = new Int32Array(invokes).fill(-1);
    this.last = new Int32Array(k.processes).fill(UNSEEN);
    this.fSeen = new Uint8Array(strings);
    this.statOf = new Int32Array(strings).fill(-1);
    this.latency = new Float64Array(invokes);
    this.latencyF = new Int32Array(invokes);
  }

  /** Pairs every event; false: one breaks a rule within the chunk. */
  run(): boolean {
    const c = this.c;
    const n = c.length;
    for (let i = 0; i < n; i++) {
      if (c.process[i] === NEMESIS) this.nemesis.push(i);
      else if (c.type[i] === 0 ? !this.invoke(i) : !this.complete(i)) return false;
    }
    return true;
  }

  private invoke(i: number): boolean {
    const c = this.c;
    const w = this.k.who[i]!;
    const was = this.last[w]!;
    if (was === UNSEEN) this.firstInvokes.push(i);
    else if (was !== CLOSED) return false;
    const k = c.key[i]!;
    const r = this.next[this.k.keyOf[k < 0 ? this.noKey : k]!]!++;
    const f = c.f[i]!;
    invokeRecord(this.records, r, c.index[i]!, c.time[i]!, c.process[i]!, f, k, c.valueTag[i]!, c.value[i]!);
    this.invokedAt[r] = i;
    this.last[w] = r;
    if (this.fSeen[f] === 0) {
      this.fSeen[f] = 1;
      this.fFirst.push(i);
      this.fFirstRecord.push(r);
    }
    return true;
  }

  private complete(i: number): boolean {
    const c = this.c;
    const w = this.k.who[i]!;
    const was = this.last[w]!;
    const type = c.type[i]!;
    const f = c.f[i]!;
    let s = this.statOf[f]!;
    if (s < 0) {
      this.statOf[f] = s = this.statF.length;
      this.statF.push(f);
      this.statCounts.push(0, 0, 0);
    }
    this.last[w] = type === 3 ? CRASHED : CLOSED;
    if (was === UNSEEN) {
      this.carried.push(i);
      return true;
    }
    if (was < 0) return false;
    const j = this.invokedAt[was]!;
    if (c.f[j] !== f || c.key[j] !== c.key[i]) return false;
    const ok = type === 1;
    completeRecord(this.records, was, c.index[i]!, c.time[i]!, type, ok ? c.valueTag[i]! : 0, ok ? c.value[i]! : 0, c.error[i]!);
    this.doneAt[was] = i;
    this.statCounts[s * 3 + type - 1]!++;
    if (type === 3) this.crashed.push(c.process[i]!);
    else {
      this.latency[this.latencies] = (c.time[i]! - c.time[j]!) / 1e6;
      this.latencyF[this.latencies++] = s;
    }
    return true;
  }

  result(): ChunkOps {
    const { c, k, invokedAt } = this;
    const open: number[] = [];
    for (const r of this.last) if (r >= 0) open.push(r);
    open.sort((a, b) => invokedAt[a]! - invokedAt[b]!);
    const openKey = Int32Array.from(open, (r) => {
      const key = c.key[invokedAt[r]!]!;
      return k.keyOf[key < 0 ? this.noKey : key]!;
    });
    return {
      events: c.length,
      records: this.records,
      keys: k.keys,
      keyStart: k.keyStart,
      openEvent: Int32Array.from(open, (r) => invokedAt[r]!),
      openRecord: Int32Array.from(open),
      openKey,
      carried: Int32Array.from(this.carried),
      firstInvokes: Int32Array.from(this.firstInvokes),
      crashed: Float64Array.from(this.crashed),
      nemesis: Int32Array.from(this.nemesis),
      fFirst: Int32Array.from(this.fFirst),
      fFirstDone: Int32Array.from(this.fFirstRecord, (r) => this.doneAt[r]!),
      statF: Int32Array.from(this.statF),
      ...this.latenciesByF(),
      statCounts: Int32Array.from(this.statCounts),
    };
  }

  /** The latencies f by f: a counting sort. */
  private latenciesByF(): { latency: Float64Array; latencyStart: Int32Array } {
    const n = this.statF.length;
    const latencyStart = new Int32Array(n + 1);
    for (let l = 0; l < this.latencies; l++) latencyStart[this.latencyF[l]! + 1]!++;
    for (let s = 0; s < n; s++) latencyStart[s + 1]! += latencyStart[s]!;
    const put = latencyStart.slice(0, n);
    const latency = new Float64Array(this.latencies);
    for (let l = 0; l < this.latencies; l++) latency[put[this.latencyF[l]!]!++] = this.latency[l]!;
    return { latency, latencyStart };
  }
}
