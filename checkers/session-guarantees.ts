import type { History, Op } from '../src/history/event.js';
import type { Anomaly, CheckOptions, CheckResult, Checker, Validity } from './checker.js';
import { evidenceOp, type OlderRead } from './evidence.js';
import { toAnomaly } from './explain.js';
import { isRead, readFactsOf, RegisterIndex, upperBoundOf, type ReadFacts, type Source, type Write } from './staleness/register-index.js';
import { interleave } from './staleness/stats.js';
import { groupPlaces } from '../src/util/group.js';

// Terry et al.'s session guarantees (1994), black-box, for registers. A session is one process
// number: a worker continues under a new number after an info, so a session ends at its first
// indeterminate op (the history cannot tell which new number belongs to which old worker).
//
// "Definitely older": a read's value is definitely older than write w when every write that
// could explain the read (see Source) completed before w was invoked. Concurrent writes are
// unordered and never make a violation; null reads may come from the initial state, so nothing
// is ever definitely older than a null read.

export type Guarantee = 'read-your-writes' | 'monotonic-reads' | 'monotonic-writes' | 'writes-follow-reads';
const GUARANTEES: readonly Guarantee[] = ['read-your-writes', 'monotonic-reads', 'monotonic-writes', 'writes-follow-reads'];

/** A floor on what a later read of a key may return: the invoke index below which it is "definitely older", and why. */
interface Floor {
  inv: number;
  /** The op that set it: a write (RYW, MW) or a read (MR, WFR). */
  op: Op;
  /** The write invoked at `inv`: op itself, or the earliest write that could explain the read. */
  write: Op;
}

export const sessionGuarantees: Checker = {
  name: 'session-guarantees',
  description: "read-your-writes, monotonic reads, monotonic writes and writes-follow-reads, per process (a session ends at an info)",

  check(history: History, options: CheckOptions = {}): CheckResult {
    const max = options.maxAnomalies ?? 100;
    const index = RegisterIndex.of(history);
    const allFacts = readFactsOf(history);
    const ops = history.ops;
    const c = columnsOf(ops, allFacts, index.writeAt);
    const sourceOf = (i: number): Source => allFacts[i]!.source;
    /** What an observer saw, as objects: the write its read pinned, and the read. */
    const observedOf = (o: Observed): ObservedOps => ({ at: o.at, write: sourceOf(o.read).oldest.op!, read: ops[o.read]! });

    const counts = Object.fromEntries(GUARANTEES.map((g) => [g, { checked: 0, violations: 0 }])) as Record<Guarantee, { checked: number; violations: number }>;
    const lists = Object.fromEntries(GUARANTEES.map((g) => [g, [] as Anomaly[]])) as Record<Guarantee, Anomaly[]>;
    const report = (g: Guarantee, a: () => Anomaly): void => {
      counts[g].violations++;
      if (lists[g].length < max) lists[g].push(a());
    };
    const { sessions } = c;

    // Pass 1, within each session: RYW and MR.
    const brokeMR = new Uint8Array(ops.length);
    // Per key: the session's last ok write, and the read that set its read floor (src.oldest), as
    // places in ops; each a column by key, its entry the session's while its stamp is the session.
    const ownWrite = new StampedColumn(c.keys.length);
    const readFloor = new StampedColumn(c.keys.length);
    for (let s = 0; s < sessions.count; s++) {
      for (let m = sessions.start[s]!; m < sessions.start[s + 1]!; m++) {
        const i = sessions.members[m]!;
        const key = c.key[i]!;
        if (key < 0) continue;
        if (c.okWrite[i]) {
          ownWrite.set(s, key, i);
          continue;
        }
        if (!c.explained[i]) continue;
        const newest = c.newestCmp[i]!;
        const w = ownWrite.get(s, key);
        if (w >= 0) {
          counts['read-your-writes'].checked++;
          if (newest < c.inv[w]!) report('read-your-writes', () => ryw(ops[i]!, ops[w]!, sourceOf(i)));
        }
        const r = readFloor.get(s, key);
        if (r >= 0) {
          counts['monotonic-reads'].checked++;
          if (newest < c.oldestInv[r]!) {
            brokeMR[i] = 1;
            const floor = sourceOf(r).oldest;
            report('monotonic-reads', () => mr(ops[i]!, { inv: floor.inv, op: ops[r]!, write: floor.op! }, sourceOf(i)));
          }
        }
        if (c.oldestWritten[i] && (r < 0 || c.oldestInv[i]! > c.oldestInv[r]!)) readFloor.set(s, key, i);
      }
    }

    // Pass 2, across sessions: an observer that read a write w of session S must afterwards see
    // nothing definitely older than what S had written (MW) or read (WFR) before w. Seen from
    // the later read: the writes that make its value definitely older are those of its key
    // invoked after its value's newest write completed, which are few; for each, did the
    // observer already see a later write of the session that wrote it (MW) or read it (WFR)?
    // A read that broke monotonic reads is reported there only: every same-key case is one.
    const readsOf = readsByOldestSource(c);
    const writesOf = new KeyWriteColumns(index, c);
    const observed = new ObservedSessions(sessions.count);
    for (let s = 0; s < sessions.count; s++) {
      observed.observer = s;
      let any = false;
      for (let m = sessions.start[s]!; m < sessions.start[s + 1]!; m++) {
        const i = sessions.members[m]!;
        if (!c.explained[i]) continue;
        if (any && !brokeMR[i]) {
          counts['monotonic-writes'].checked++;
          counts['writes-follow-reads'].checked++;
          const found = crossSession(c, writesOf, i, observed, readsOf);
          if (found.mw) {
            const { x, obs } = found.mw;
            report('monotonic-writes', () => mw(ops[i]!, x.op!, observedOf(obs), sourceOf(i)));
          }
          if (found.wfr) {
            const { x, reader, obs } = found.wfr;
            report('writes-follow-reads', () => wfr(ops[i]!, { inv: x.inv, op: ops[reader]!, write: x.op! }, observedOf(obs), sourceOf(i)));
          }
        }
        // Only a put pins the write a read saw: a null may come from any delete or the initial state.
        if (c.valueNotNull[i] && c.oldestWritten[i] && c.pinned[i]) {
          const writer = c.sessionOfProcess.get(c.oldestProcess[i]!)!;
          if (writer !== s && observed.at(writer) < c.oldestInv[i]!) {
            observed.set(writer, c.oldestInv[i]!, i);
            any = true;
          }
        }
      }
    }

    const guarantees: Record<string, { valid: Validity; checked: number; violations: number }> = {};
    for (const g of GUARANTEES) {
      const n = counts[g];
      guarantees[g] = { valid: n.violations === 0, ...n };
    }
    const anyViolation = GUARANTEES.some((g) => counts[g].violations > 0);
    const anyChecked = GUARANTEES.some((g) => counts[g].checked > 0);
    const result: CheckResult = {
      // Nothing to check is not a doubt: the verdict stays true, and the summary says so.
      valid: !anyViolation,
      anomalies: interleave(GUARANTEES.map((g) => lists[g]), max),
      sessions: sessions.count,
      guarantees,
      unexplainedReads: c.unexplained,
    };
    if (!anyViolation && !anyChecked) result.summary = 'no session read a key after writing or reading it';
    return result;
  },
};

/**
 * What the passes read of each op, by its place in history.ops, in typed arrays made in one
 * pass in op order: the passes go session by session, and would otherwise chase a million op
 * and source objects across the heap in that order. The ops of each session too, in order.
 */
interface Columns {
  /** The keys, numbered in order met; -1: no key. */
  key: Int32Array;
  keys: string[];
  /** An ok write (it sets its session's own write of the key). */
  okWrite: Uint8Array;
  inv: Float64Array;
  process: Float64Array;
  /** An ok read some write explains (its Source below); reads nothing explains are counted. */
  explained: Uint8Array;
  unexplained: number;
  /** Of its Source: the newest's completion, the oldest's invocation and writer, whether the oldest is a write (not the initial state), whether they are one. */
  newestCmp: Float64Array;
  oldestInv: Float64Array;
  oldestProcess: Float64Array;
  oldestWritten: Uint8Array;
  pinned: Uint8Array;
  /** The read returned a value (not null: not-found). */
  valueNotNull: Uint8Array;
  /** Each op's session, and each process's. */
  sessionOf: Int32Array;
  sessionOfProcess: Map<number, number>;
  /** Sessions (processes) in order of their first op: the ops of session s are members[start[s]..start[s+1]). */
  sessions: { count: number; process: Float64Array; start: Int32Array; members: Int32Array };
}

function columnsOf(ops: readonly Op[], allFacts: readonly (ReadFacts | undefined)[], writeAt: Int32Array): Columns {
  const n = ops.length;
  const keyIds = new Map<string, number>();
  const c: Columns = {
    key: new Int32Array(n),
    keys: [],
    okWrite: new Uint8Array(n),
    inv: new Float64Array(n),
    process: new Float64Array(n),
    explained: new Uint8Array(n),
    unexplained: 0,
    newestCmp: new Float64Array(n),
    oldestInv: new Float64Array(n),
    oldestProcess: new Float64Array(n),
    oldestWritten: new Uint8Array(n),
    pinned: new Uint8Array(n),
    valueNotNull: new Uint8Array(n),
    sessionOf: new Int32Array(n),
    sessionOfProcess: new Map(),
    sessions: { count: 0, process: new Float64Array(0), start: new Int32Array(0), members: new Int32Array(0) },
  };
  const sessionIds = c.sessionOfProcess;
  const sessionOf = c.sessionOf;
  const processes: number[] = [];
  for (let i = 0; i < n; i++) {
    const op = ops[i]!;
    let s = sessionIds.get(op.process);
    if (s === undefined) {
      sessionIds.set(op.process, (s = processes.length));
      processes.push(op.process);
    }
    sessionOf[i] = s;
    c.inv[i] = op.invokeIndex;
    c.process[i] = op.process;
    if (op.key === undefined) c.key[i] = -1;
    else {
      let k = keyIds.get(op.key);
      if (k === undefined) {
        keyIds.set(op.key, (k = c.keys.length));
        c.keys.push(op.key);
      }
      c.key[i] = k;
    }
    if (op.type === 'ok' && writeAt[i]! >= 0) c.okWrite[i] = 1;
    if (!isRead(op)) continue;
    const src = allFacts[i]?.source;
    if (!src) {
      c.unexplained++;
      continue;
    }
    c.explained[i] = 1;
    c.newestCmp[i] = src.newest.cmp;
    c.oldestInv[i] = src.oldest.inv;
    c.oldestProcess[i] = src.oldest.op ? src.oldest.op.process : NaN;
    c.oldestWritten[i] = src.oldest.op ? 1 : 0;
    c.pinned[i] = src.newest === src.oldest ? 1 : 0;
    c.valueNotNull[i] = op.value !== null ? 1 : 0;
  }
  c.sessions = { count: processes.length, process: Float64Array.from(processes), ...groupPlaces(sessionOf, processes.length) };
  return c;
}

/**
 * The reads each write (by its invoke index) may be the oldest source of, as places in ops in
 * op order: reads that returned a value whose oldest source is a write.
 */
interface ReadsOf {
  list: Map<number, number>;
  start: Int32Array;
  members: Int32Array;
}

function readsByOldestSource(c: Columns): ReadsOf {
  const n = c.inv.length;
  const list = new Map<number, number>();
  const listOf = new Int32Array(n).fill(-1);
  for (let i = 0; i < n; i++) {
    if (!c.explained[i] || !c.valueNotNull[i] || !c.oldestWritten[i]) continue;
    let l = list.get(c.oldestInv[i]!);
    if (l === undefined) list.set(c.oldestInv[i]!, (l = list.size));
    listOf[i] = l;
  }
  return { list, ...groupPlaces(listOf, list.size) };
}

/**
 * Every key's writes (RegisterIndex's, in invocation order) as columns, one after another: key
 * k's are [start[k], start[k + 1]).
 */
class KeyWriteColumns {
  readonly start: Int32Array;
  readonly writes: Write[] = [];
  readonly inv: Float64Array;
  readonly process: Float64Array;
  readonly session: Int32Array;
  readonly ok: Uint8Array;

  constructor(index: RegisterIndex, c: Columns) {
    const keys = c.keys;
    this.start = new Int32Array(keys.length + 1);
    keys.forEach((key, k) => {
      for (const w of index.keyWrites(key).writes) this.writes.push(w);
      this.start[k + 1] = this.writes.length;
    });
    const n = this.writes.length;
    this.inv = new Float64Array(n);
    this.process = new Float64Array(n);
    this.session = new Int32Array(n);
    this.ok = new Uint8Array(n);
    // Filled in op order from the op columns: in key order, from the writes' ops, each would be a miss.
    const writeAt = index.writeAt;
    for (let i = 0; i < writeAt.length; i++) {
      const at = writeAt[i]!;
      if (at < 0) continue;
      const j = this.start[c.key[i]!]! + at;
      this.inv[j] = c.inv[i]!;
      this.process[j] = c.process[i]!;
      this.session[j] = c.sessionOf[i]!;
      this.ok[j] = c.okWrite[i]!;
    }
  }
}

/** What an observer saw of a session: the invoke index of the write its read pinned, and that read (a place in ops). */
interface Observed {
  at: number;
  read: number;
}

/**
 * A number a key for the session being checked, in one column for all sessions: an entry counts
 * only while its stamp is that session's, so nothing is cleared or made a session.
 */
class StampedColumn {
  private readonly values: Int32Array;
  private readonly stamps: Int32Array;

  constructor(n: number) {
    this.values = new Int32Array(n);
    this.stamps = new Int32Array(n).fill(-1);
  }

  /** Session s's number for `k`; -1 when it set none. */
  get(s: number, k: number): number {
    return this.stamps[k] === s ? this.values[k]! : -1;
  }

  set(s: number, k: number, v: number): void {
    this.stamps[k] = s;
    this.values[k] = v;
  }
}

/** What the observer session has seen of each other session (Observed, by session), as columns stamped by observer. */
class ObservedSessions {
  /** The session whose reads are checked. */
  observer = -1;
  private readonly atOf: Float64Array;
  private readonly readOf: Int32Array;
  private readonly stamps: Int32Array;

  constructor(sessions: number) {
    this.atOf = new Float64Array(sessions);
    this.readOf = new Int32Array(sessions);
    this.stamps = new Int32Array(sessions).fill(-1);
  }

  /** The invoke index of the latest write of session `s` the observer saw; -1 when none. */
  at(s: number): number {
    return this.stamps[s] === this.observer ? this.atOf[s]! : -1;
  }

  get(s: number): Observed {
    return { at: this.atOf[s]!, read: this.readOf[s]! };
  }

  set(s: number, at: number, read: number): void {
    this.stamps[s] = this.observer;
    this.atOf[s] = at;
    this.readOf[s] = read;
  }
}

/** Observed, as the anomalies tell it. */
interface ObservedOps {
  at: number;
  write: Op;
  read: Op;
}

/**
 * The first MW and the first WFR violation of read `i` by the sessions its observer has seen:
 * for MW the write x, for WFR x and the read of it (a place in ops).
 */
function crossSession(
  c: Columns,
  writes: KeyWriteColumns,
  i: number,
  observed: ObservedSessions,
  readsOf: ReadsOf,
): { mw?: { x: Write; obs: Observed }; wfr?: { x: Write; reader: number; obs: Observed } } {
  const out: { mw?: { x: Write; obs: Observed }; wfr?: { x: Write; reader: number; obs: Observed } } = {};
  const readInv = c.inv[i]!;
  const { inv, session, ok } = writes;
  const observer = observed.observer;
  const key = c.key[i]!;
  const from = writes.start[key]!;
  const end = writes.start[key + 1]!;
  for (let j = upperBoundOf(inv, c.newestCmp[i]!, from, end); j < end && !(out.mw && out.wfr); j++) {
    const xInv = inv[j]!;
    if (xInv > readInv) break;
    const writer = session[j]!;
    // x precedes the observed write in its session, so it completed: ok, or it was a definite fail.
    if (!out.mw && ok[j] && writer !== observer && xInv < observed.at(writer)) out.mw = { x: writes.writes[j]!, obs: observed.get(writer) };
    if (out.wfr) continue;
    const l = readsOf.list.get(xInv);
    if (l === undefined) continue;
    for (let m = readsOf.start[l]!; m < readsOf.start[l + 1]!; m++) {
      const r0 = readsOf.members[m]!;
      if (c.inv[r0]! > readInv) break;
      const reader = c.sessionOf[r0]!;
      if (reader !== observer && c.inv[r0]! < observed.at(reader)) {
        out.wfr = { x: writes.writes[j]!, reader: r0, obs: observed.get(reader) };
        break;
      }
    }
  }
  return out;
}

/** The read, what it could have read (the newest such write), and the op it is definitely older than. */
function older(read: Op, src: Source, floor: Op): OlderRead {
  return { read: evidenceOp(read), notFound: read.value === null, source: src.newest.op ? evidenceOp(src.newest.op) : null, floor: evidenceOp(floor) };
}

function sourceOps(src: Source): number[] {
  return src.newest.op ? [src.newest.op.invokeIndex] : [];
}

function ryw(read: Op, write: Op, src: Source): Anomaly {
  return toAnomaly({ kind: 'read-your-writes', key: read.key!, ...older(read, src, write) }, [write.invokeIndex, read.invokeIndex, ...sourceOps(src)]);
}

function mr(read: Op, earlier: Floor, src: Source): Anomaly {
  return toAnomaly(
    { kind: 'monotonic-reads', key: read.key!, earlierRead: evidenceOp(earlier.op), ...older(read, src, earlier.write) },
    [earlier.op.invokeIndex, read.invokeIndex, earlier.write.invokeIndex, ...sourceOps(src)],
  );
}

function mw(read: Op, floor: Op, obs: ObservedOps, src: Source): Anomaly {
  return toAnomaly(
    { kind: 'monotonic-writes', key: read.key!, observedWrite: evidenceOp(obs.write), observerRead: evidenceOp(obs.read), ...older(read, src, floor) },
    [floor.invokeIndex, obs.write.invokeIndex, obs.read.invokeIndex, read.invokeIndex, ...sourceOps(src)],
  );
}

function wfr(read: Op, floor: Floor, obs: ObservedOps, src: Source): Anomaly {
  return toAnomaly(
    { kind: 'writes-follow-reads', key: read.key!, writerRead: evidenceOp(floor.op), observedWrite: evidenceOp(obs.write), observerRead: evidenceOp(obs.read), ...older(read, src, floor.write) },
    [floor.op.invokeIndex, obs.write.invokeIndex, obs.read.invokeIndex, read.invokeIndex, ...sourceOps(src)],
  );
}
