import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventOrder, type OpenOp } from './build.js';
import { decodeEvent, EVENT_TYPES, NEMESIS, StringTable, VALUE, type EventColumns } from './columns.js';
import type { HistoryEvent, Op } from './event.js';
import type { ChunkOps } from './chunk-ops.js';
import { completeRecord, invokeRecord, isOpenRecord, renumberRecords, STRIDE } from './op-records.js';
import { finishStats, StatsAccumulator, type HistoryStats, type StatsTally } from './stats.js';

/** The ops of one partition (a key, or the whole history for a model that has no partitions). */
export interface OpGroup {
  /** The partition's key ('' for ops without one, and for the one partition of an unpartitioned model). */
  readonly key: string;
  /** Its ops, all of them: in memory and spilled. */
  count: number;
  /**
   * Records in memory (the newest; those before them are in the spill file), oldest first:
   * whole records each, views of a chunk's records (appended with no copy) or arrays of their own.
   */
  parts: Float64Array[];
  /** Where add() appends, after `parts`: an array of its own with room, `tailUsed` records filled. */
  tail: Float64Array;
  tailUsed: number;
  /** Where the spilled records are in the spill file, oldest first: byte position and record count. */
  readonly spilled: { pos: number; count: number }[];
}

interface PendingOp extends OpenOp {
  /** Its record: number `slot` of `buf`, a part or a tail of its group. */
  buf: Float64Array;
  slot: number;
  /** The first op of its f, kept whole (what unknownOpError looks at). */
  whole?: Op;
}

export interface KeyedOpsOptions {
  /** Group by key (the model partitions by key); otherwise one group. */
  byKey: boolean;
  /** Bytes of records kept in memory before the oldest are spilled to a temporary file. */
  budgetBytes: number;
}

const INITIAL_RECORDS = 64;
const NONE = new Float64Array(0);
const RECORD_BYTES = STRIDE * 8;

/**
 * A history's client ops grouped by partition into compact records (src/history/op-records.ts),
 * checked against the format's rules on the way (EventOrder: the same errors as the reader of
 * objects), with the few things the check needs besides: nemesis events, stats, the first op of
 * each f. Over `budgetBytes` of records, the completed records go to a temporary folder, so
 * memory follows the budget, not the history; close() removes it.
 */
export class KeyedOps {
  readonly strings = new StringTable();
  readonly nemesis: HistoryEvent[] = [];
  readonly groups = new Map<string, OpGroup>();
  /** The first op of each f, in order of first appearance. */
  readonly firstOps: Op[] = [];
  private readonly stats = new StatsAccumulator();
  private readonly order = new EventOrder<PendingOp>();
  private readonly seenF = new Set<number>();
  /** The group of each key by its number in `strings`; groupOf finds it by name the first time. */
  private readonly groupByKeyId: (OpGroup | undefined)[] = [];
  private noKeyGroup: OpGroup | undefined;
  private memoryBytes = 0;
  private spillDir: string | undefined;
  private spillFd = -1;
  private spillPos = 0;
  private firstInvokeTime: number | undefined;
  private lastTime = 0;
  private events = 0;
  private readonly removeOnExit = () => this.close();
  /** Removes the folder on an interrupt too, then lets the signal do what it would have. */
  private readonly removeOnSignal = (signal: NodeJS.Signals) => {
    this.close();
    process.kill(process.pid, signal);
  };

  constructor(private readonly options: KeyedOpsOptions) {}

  get ended(): boolean {
    return this.order.isEnded;
  }

  get eventCount(): number {
    return this.events;
  }

  /** How many events were read and the last one's time, as History.end says them. */
  get end(): { events: number; time: number } {
    return { events: this.events, time: this.lastTime };
  }

  /** Bytes of records in memory now. */
  get bytesInMemory(): number {
    return this.memoryBytes;
  }

  /** Event i of a chunk's columns, whose strings are numbered by `map` in this.strings. */
  add(c: EventColumns, i: number, chunkStrings: readonly string[], map: Int32Array): void {
    const p = c.process[i]!;
    const f = map[c.f[i]!]!;
    const fs = this.strings.strings[f]!;
    const index = c.index[i]!;
    const time = c.time[i]!;
    this.order.place(index, time, p === NEMESIS ? 'nemesis' : p, fs);
    this.events++;
    this.lastTime = time;
    if (p === NEMESIS) {
      this.nemesis.push(decodeEvent(c, i, chunkStrings));
      return;
    }
    const k = c.key[i]!;
    const key = k < 0 ? -1 : map[k]!;
    const keyString = key < 0 ? undefined : this.strings.strings[key];
    const type = c.type[i]!;
    const tag = c.valueTag[i]!;
    const value = tag === VALUE.string || tag === VALUE.json ? map[c.value[i]!]! : c.value[i]!;
    if (type === 0) {
      const group = !this.options.byKey || key < 0 ? (this.noKeyGroup ??= this.groupOf('')) : (this.groupByKeyId[key] ??= this.groupOf(keyString!));
      if (group.tailUsed * STRIDE === group.tail.length) this.grow(group);
      const slot = group.tailUsed++;
      group.count++;
      invokeRecord(group.tail, slot, index, time, p, f, key, tag, value);
      this.firstInvokeTime ??= time;
      const pending: PendingOp = { f: fs, invokeIndex: index, buf: group.tail, slot };
      if (keyString !== undefined) pending.key = keyString;
      if (!this.seenF.has(f)) pending.whole = this.firstOp(c, i, chunkStrings, f, keyString);
      this.order.invoke(p, fs, pending);
      return;
    }
    const pending = this.order.complete(p, EVENT_TYPES[type]!, fs, keyString);
    const e = c.error[i]!;
    const error = e < 0 ? -1 : map[e]!;
    // As HistoryBuilder: a completion's value is the op's only when it is ok.
    completeRecord(pending.buf, pending.slot, index, time, type, type === 1 ? tag : VALUE.absent, type === 1 ? value : 0, error);
    this.stats.add(fs, EVENT_TYPES[type] as Op['type'], this.invokeTimeOf(pending), time);
    if (pending.whole) this.completeFirstOp(pending.whole, c, i, chunkStrings, error);
  }

  /** Invocation i of a chunk, the first of its f (`f` and `key` numbered here): kept whole, open. */
  private firstOp(c: EventColumns, i: number, chunkStrings: readonly string[], f: number, key: string | undefined): Op {
    this.seenF.add(f);
    const whole: Op = { process: c.process[i]!, f: this.strings.strings[f]!, type: 'open', invokeIndex: c.index[i]!, completeIndex: null, invokeTime: c.time[i]!, completeTime: null };
    if (key !== undefined) whole.key = key;
    if (c.valueTag[i] !== VALUE.absent) whole.invokeValue = decodeEvent(c, i, chunkStrings).value;
    this.firstOps.push(whole);
    return whole;
  }

  /** Completion i of a chunk (its error numbered here, -1: none) completes the first op of its f. */
  private completeFirstOp(w: Op, c: EventColumns, i: number, chunkStrings: readonly string[], error: number): void {
    const type = c.type[i]!;
    w.type = EVENT_TYPES[type] as Op['type'];
    w.completeIndex = c.index[i]!;
    w.completeTime = c.time[i]!;
    if (type === 1 && c.valueTag[i] !== VALUE.absent) w.value = decodeEvent(c, i, chunkStrings).value;
    if (error >= 0) w.error = this.strings.strings[error];
  }

  /**
   * A chunk's events at once, paired where they were scanned (`ops`: src/history/chunk-ops.ts):
   * the same records, stats and state as add() event by event, with only what crosses the
   * chunk's edges done here. False, nothing changed, when an edge breaks (or might break) a
   * rule: the caller then adds the events one by one, which names the line.
   */
  addChunk(c: EventColumns, chunkStrings: readonly string[], map: Int32Array, ops: ChunkOps): boolean {
    const n = ops.events;
    if (n === 0) return true;
    const last = c.length - 1;
    if (!this.options.byKey || !this.order.fitsNext(c.index[0]!, c.time[0]!)) return false;
    const strings = this.strings.strings;
    const keyOf = (i: number): string | undefined => (c.key[i]! < 0 ? undefined : strings[map[c.key[i]!]!]);
    for (const i of ops.carried) {
      const pending = this.order.openOf(c.process[i]!);
      if (pending === undefined || pending.f !== strings[map[c.f[i]!]!] || pending.key !== keyOf(i)) return false;
    }
    for (const i of ops.firstInvokes) if (this.order.openOf(c.process[i]!) !== undefined || this.order.hasCrashed(c.process[i]!)) return false;

    this.order.skip(n, c.time[last]!);
    this.events += n;
    this.lastTime = c.time[last]!;
    for (const i of ops.nemesis) this.nemesis.push(decodeEvent(c, i, chunkStrings));
    if (ops.fFirst.length > 0) this.firstInvokeTime ??= c.time[ops.fFirst[0]!]!;
    for (let s = 0; s < ops.statF.length; s++) {
      const counts = ops.statCounts.subarray(s * 3, s * 3 + 3);
      this.stats.addPaired(strings[map[ops.statF[s]!]!]!, counts[0]!, counts[1]!, counts[2]!, ops.latency.subarray(ops.latencyStart[s]!, ops.latencyStart[s + 1]!));
    }
    for (const i of ops.carried) {
      const p = c.process[i]!;
      const pending = this.order.openOf(p)!;
      const type = c.type[i]!;
      const tag = c.valueTag[i]!;
      const value = tag === VALUE.string || tag === VALUE.json ? map[c.value[i]!]! : c.value[i]!;
      const e = c.error[i]!;
      const error = e < 0 ? -1 : map[e]!;
      completeRecord(pending.buf, pending.slot, c.index[i]!, c.time[i]!, type, type === 1 ? tag : VALUE.absent, type === 1 ? value : 0, error);
      this.stats.add(pending.f, EVENT_TYPES[type] as Op['type'], this.invokeTimeOf(pending), c.time[i]!);
      if (pending.whole) this.completeFirstOp(pending.whole, c, i, chunkStrings, error);
      this.order.close(p, type === 3);
    }
    for (const p of ops.crashed) this.order.crash(p);
    // Each key's records, renumbered in place, after its group's: parts of the chunk's records,
    // spilled, if need be, once the chunk's open ops are held.
    this.memoryBytes += ops.records.byteLength;
    const parts: Float64Array[] = new Array(ops.keys.length);
    for (let s = 0; s < ops.keys.length; s++) {
      const k = ops.keys[s]!;
      const key = k < 0 ? -1 : map[k]!;
      const group = key < 0 ? (this.noKeyGroup ??= this.groupOf('')) : (this.groupByKeyId[key] ??= this.groupOf(strings[key]!));
      const from = ops.keyStart[s]!;
      const to = ops.keyStart[s + 1]!;
      renumberRecords(ops.records, from, to, map, key);
      if (group.tailUsed > 0) this.seal(group);
      group.parts.push((parts[s] = ops.records.subarray(from * STRIDE, to * STRIDE)));
      group.count += to - from;
    }
    const held = new Map<number, PendingOp>();
    for (let o = 0; o < ops.openEvent.length; o++) {
      const i = ops.openEvent[o]!;
      const s = ops.openKey[o]!;
      const pending: PendingOp = { f: strings[map[c.f[i]!]!]!, invokeIndex: c.index[i]!, buf: parts[s]!, slot: ops.openRecord[o]! - ops.keyStart[s]! };
      const key = keyOf(i);
      if (key !== undefined) pending.key = key;
      this.order.hold(c.process[i]!, pending);
      held.set(i, pending);
    }
    for (let j = 0; j < ops.fFirst.length; j++) {
      const i = ops.fFirst[j]!;
      const f = map[c.f[i]!]!;
      if (this.seenF.has(f)) continue;
      const whole = this.firstOp(c, i, chunkStrings, f, keyOf(i));
      const done = ops.fFirstDone[j]!;
      if (done < 0) held.get(i)!.whole = whole;
      else this.completeFirstOp(whole, c, done, chunkStrings, c.error[done]! < 0 ? -1 : map[c.error[done]!]!);
    }
    if (this.memoryBytes > this.options.budgetBytes) this.spill();
    return true;
  }

  private invokeTimeOf(p: PendingOp): number {
    return p.buf[p.slot * STRIDE + 2]!;
  }

  /** What the check needs once every event is in: the stats (open ops counted) and how many ops are open. */
  finish(): { stats: HistoryStats; open: number } {
    const { tally, open } = this.tally();
    return { stats: finishStats(tally), open };
  }

  /** finish()'s stats still to be finished (finishStats), as another thread can: the quantiles are most of the work. */
  tally(): { tally: StatsTally; open: number } {
    let open = 0;
    for (const p of this.order.stillOpen()) {
      open++;
      this.stats.add(p.f, 'open', this.invokeTimeOf(p), null);
    }
    return { tally: this.stats.tally(this.firstInvokeTime ?? 0, this.lastTime), open };
  }

  /** A group's records, all of them (spilled ones read back), oldest first. */
  load(group: OpGroup): Float64Array {
    const out = new Float64Array(group.count * STRIDE);
    let at = 0;
    for (const s of group.spilled) {
      const bytes = Buffer.from(out.buffer, at * 8, s.count * RECORD_BYTES);
      let got = 0;
      while (got < bytes.length) got += readSync(this.spillFd, bytes, got, bytes.length - got, s.pos + got);
      at += s.count * STRIDE;
    }
    for (const part of group.parts) {
      out.set(part, at);
      at += part.length;
    }
    out.set(group.tail.subarray(0, group.tailUsed * STRIDE), at);
    return out;
  }

  /** Frees a group's records once checked. */
  drop(group: OpGroup): void {
    for (const part of group.parts) this.memoryBytes -= part.byteLength;
    this.memoryBytes -= group.tail.byteLength;
    group.parts = [];
    group.tail = NONE;
    group.tailUsed = 0;
  }

  /** Whether anything went to disk. */
  get spilledBytes(): number {
    return this.spillPos;
  }

  /** Removes the temporary folder, if any. Idempotent. */
  close(): void {
    if (this.spillFd >= 0) closeSync(this.spillFd);
    this.spillFd = -1;
    if (this.spillDir !== undefined) rmSync(this.spillDir, { recursive: true, force: true });
    this.spillDir = undefined;
    process.off('exit', this.removeOnExit);
    process.off('SIGINT', this.removeOnSignal);
    process.off('SIGTERM', this.removeOnSignal);
  }

  private groupOf(key: string): OpGroup {
    let g = this.groups.get(key);
    if (!g) {
      g = { key, count: 0, parts: [], tail: NONE, tailUsed: 0, spilled: [] };
      this.groups.set(key, g);
    }
    return g;
  }

  /** Twice the room in `g`'s tail, then a spill if that goes past the budget. */
  private grow(g: OpGroup): void {
    const bigger = new Float64Array(Math.max(INITIAL_RECORDS * STRIDE, g.tail.length * 2));
    bigger.set(g.tail.subarray(0, g.tailUsed * STRIDE));
    this.moved(g.tail, bigger, 0);
    this.memoryBytes += bigger.byteLength - g.tail.byteLength;
    g.tail = bigger;
    if (this.memoryBytes > this.options.budgetBytes) this.spill();
    // The spill may have written out every record of the tail, and let it go: the record to come
    // needs room (written past a typed array's end, it would be lost without a sound).
    if (g.tailUsed * STRIDE === g.tail.length) {
      g.tail = new Float64Array(INITIAL_RECORDS * STRIDE);
      this.memoryBytes += g.tail.byteLength;
    }
  }

  /** `g`'s tail made a part (a copy of its filled records): what follows is appended after it. */
  private seal(g: OpGroup): void {
    const part = g.tail.slice(0, g.tailUsed * STRIDE);
    this.moved(g.tail, part, 0);
    this.memoryBytes += part.byteLength - g.tail.byteLength;
    g.parts.push(part);
    g.tail = NONE;
    g.tailUsed = 0;
  }

  /** The open ops whose records were in `from` have them in `to` now, `by` records nearer its front. */
  private moved(from: Float64Array, to: Float64Array, by: number): void {
    for (const p of this.order.stillOpen()) {
      if (p.buf === from) {
        p.buf = to;
        p.slot -= by;
      }
    }
  }

  /**
   * Writes the completed records at the front of every group to the spill file. An open op's
   * record stays (its completion is still to come), and the records after it, so that a
   * group's records stay in invocation order; copied out of the chunk's records they were part
   * of, so that those are freed.
   */
  private spill(): void {
    if (this.spillDir === undefined) {
      this.spillDir = mkdtempSync(join(tmpdir(), 'objcheck-spill-'));
      this.spillFd = openSync(join(this.spillDir, 'ops.bin'), 'w+');
      process.on('exit', this.removeOnExit);
      // Only when nothing else handles them (objcheck check does not): the default is to die.
      if (process.listenerCount('SIGINT') === 0) process.once('SIGINT', this.removeOnSignal);
      if (process.listenerCount('SIGTERM') === 0) process.once('SIGTERM', this.removeOnSignal);
    }
    for (const g of this.groups.values()) {
      const start = this.spillPos;
      let kept = 0;
      let open = false;
      for (let i = 0; i < g.parts.length; i++) {
        const part = g.parts[i]!;
        const done = open ? 0 : this.write(part, part.length / STRIDE);
        if (!open && done === part.length / STRIDE) {
          kept = i + 1;
          continue;
        }
        open = true;
        // What stays is copied when it is a view: the chunk's records it is part of are freed.
        if (done === 0 && part.byteLength === part.buffer.byteLength) continue;
        const left = part.slice(done * STRIDE);
        this.moved(part, left, done);
        this.memoryBytes += left.byteLength - part.byteLength;
        g.parts[i] = left;
      }
      for (const part of g.parts.splice(0, kept)) this.memoryBytes -= part.byteLength;
      if (!open && g.tailUsed > 0) {
        const done = this.write(g.tail, g.tailUsed);
        if (done > 0) {
          const left = g.tailUsed - done;
          const smaller = left === 0 ? NONE : new Float64Array(Math.max(INITIAL_RECORDS, left * 2) * STRIDE);
          smaller.set(g.tail.subarray(done * STRIDE, g.tailUsed * STRIDE));
          this.moved(g.tail, smaller, done);
          this.memoryBytes += smaller.byteLength - g.tail.byteLength;
          g.tail = smaller;
          g.tailUsed = left;
        }
      }
      if (this.spillPos > start) g.spilled.push({ pos: start, count: (this.spillPos - start) / RECORD_BYTES });
    }
  }

  /** Writes the completed records at the front of the `n` of `r` to the spill file; how many. */
  private write(r: Float64Array, n: number): number {
    let done = 0;
    while (done < n && !isOpenRecord(r, done)) done++;
    const bytes = Buffer.from(r.buffer, r.byteOffset, done * RECORD_BYTES);
    let put = 0;
    while (put < bytes.length) put += writeSync(this.spillFd, bytes, put, bytes.length - put, this.spillPos + put);
    this.spillPos += bytes.length;
    return done;
  }
}
