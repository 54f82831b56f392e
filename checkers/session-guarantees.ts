import type { History, Op } from '../src/history/event.js';
import type { Anomaly, ByKey, CheckOptions, CheckResult, Checker, Validity } from './checker.js';
import { evidenceOp, type OlderRead } from './evidence.js';
import { toAnomaly } from './explain.js';
import { isRead, readFactsOf, RegisterIndex, upperBoundOf, type ReadFacts, type Source, type Write } from './staleness/register-index.js';
import { interleave } from './staleness/stats.js';
import { groupPlaces } from '../src/util/group.js';
import { mergeByIndex } from '../src/util/merge-by-index.js';
import { intColumn, type IntColumn } from '../src/util/int-column.js';

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

type Counts = Record<Guarantee, { checked: number; violations: number }>;
const noCounts = (): Counts => Object.fromEntries(GUARANTEES.map((g) => [g, { checked: 0, violations: 0 }])) as Counts;

/** A history (or one key's) made ready for the passes. */
interface Prepared {
  ops: readonly Op[];
  index: RegisterIndex;
  c: Columns;
  sourceOf(i: number): Source;
}

function prepare(history: History): Prepared {
  const index = RegisterIndex.of(history);
  const allFacts = readFactsOf(history);
  const c = columnsOf(history.ops, allFacts, index.writeAt);
  return { ops: history.ops, index, c, sourceOf: (i) => allFacts[i]!.source };
}

export const sessionGuarantees: Checker = {
  name: 'session-guarantees',
  description: "read-your-writes, monotonic reads, monotonic writes and writes-follow-reads, per process (a session ends at an info)",

  check(history: History, options: CheckOptions = {}): CheckResult {
    const max = options.maxAnomalies ?? 100;
    const p = prepare(history);
    const { ops, c, sourceOf } = p;
    /** What an observer saw, as objects: the write its read pinned, and the read. */
    const observedOf = (o: Observed): ObservedOps => ({ at: o.at, write: sourceOf(o.read).oldest.op!, read: ops[o.read]! });
    const counts = noCounts();
    const lists = Object.fromEntries(GUARANTEES.map((g) => [g, [] as Anomaly[]])) as Record<Guarantee, Anomaly[]>;
    const report = (g: Guarantee, a: () => Anomaly): void => {
      counts[g].violations++;
      if (lists[g].length < max) lists[g].push(a());
    };
    const { sessions } = c;
    const brokeMR = passOne(p, counts, (g, _i, _other, a) => report(g, a));

    // Pass 2, across sessions: an observer that read a write w of session S must afterwards see
    // nothing definitely older than what S had written (MW) or read (WFR) before w. Seen from
    // the later read: the writes that make its value definitely older are those of its key
    // invoked after its value's newest write completed, which are few; for each, did the
    // observer already see a later write of the session that wrote it (MW) or read it (WFR)?
    // A read that broke monotonic reads is reported there only: every same-key case is one.
    const readsOf = readsByOldestSource(c);
    const writesOf = new KeyWriteColumns(p.index, c);
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
          const found = crossSession(c, writesOf, i, s, readsOf, (session, after) => after < observed.at(session));
          if (found.mw) {
            const { x, session } = found.mw;
            report('monotonic-writes', () => mw(ops[i]!, x.op!, observedOf(observed.get(session)), sourceOf(i).newest.op));
          }
          if (found.wfr) {
            const { x, reader, session } = found.wfr;
            report('writes-follow-reads', () => wfr(ops[i]!, { inv: x.inv, op: ops[reader]!, write: x.op! }, observedOf(observed.get(session)), sourceOf(i).newest.op));
          }
        }
        const writer = observedWriter(c, i);
        if (writer >= 0 && writer !== s && observed.at(writer) < c.oldestInv[i]!) {
          observed.set(writer, c.oldestInv[i]!, i);
          any = true;
        }
      }
    }
    return resultOf(counts, interleave(GUARANTEES.map((g) => lists[g]), max), sessions.count, c.unexplained);
  },

  // A session spans keys, but what each guarantee compares is of one key: RYW and MR are
  // judged key by key; for MW and WFR each key says, read by read, which writes of its key
  // would make the read a violation had the observer by then seen a later write (or read) of
  // their session, and which writes each read saw; the merge follows each observer through
  // its reads of every key in order. The listed anomalies' ops are asked of the keys.
  byKey: {
    keyPart: (history: History, options: CheckOptions): SessionPart => sessionPart(history, options.maxAnomalies ?? 100),
    // On the 10M-op register history (5.4 million reads, 225,000 sessions): 193 MB of parts,
    // measured (~36 bytes a read, with its candidates; a session's number and first op a key it
    // touches); while merged, each read's place (8 bytes) and each key's sessions' ranks (4 bytes
    // a session a key): ~85 MB more.
    bytesPerOp: 20,
    mergeBytesPerOp: 9,
    question: (parts: SessionPart[], options: CheckOptions): number[] | undefined => {
      const { listed, picks } = mergeParts(parts, options.maxAnomalies ?? 100);
      const invs = listed.flatMap((f) => [f.read, f.x, f.observerRead, ...(f.reader >= 0 ? [f.reader] : [])]);
      for (const l of Object.values(picks).flat()) invs.push(l.at, l.other);
      return invs.length > 0 ? [...new Set(invs)] : undefined;
    },
    answer: (history: History, invs: number[]): OpsAnswer => {
      const wanted = new Set(invs);
      const allFacts = readFactsOf(history);
      const out: OpsAnswer = [];
      history.ops.forEach((op, i) => {
        if (!wanted.has(op.invokeIndex)) return;
        const src = allFacts[i]?.source;
        out.push({ op, newest: src?.newest.op ?? null, oldest: src?.oldest.op ?? null });
      });
      return out;
    },
    merge: (parts: SessionPart[], options: CheckOptions, _outline: History, answers: OpsAnswer[] = []): CheckResult => {
      const max = options.maxAnomalies ?? 100;
      const { counts, listed, sessions, picks } = mergeParts(parts, max);
      const byInv = new Map<number, OpsAnswer[number]>();
      for (const a of answers) for (const x of a) byInv.set(x.op.invokeIndex, x);
      const lists = Object.fromEntries(GUARANTEES.map((g) => [g, [] as Anomaly[]])) as Record<Guarantee, Anomaly[]>;
      for (const l of picks['read-your-writes']) {
        const read = byInv.get(l.at)!;
        lists['read-your-writes'].push(ryw(read.op, byInv.get(l.other)!.op, read.newest));
      }
      for (const l of picks['monotonic-reads']) {
        const read = byInv.get(l.at)!;
        const earlier = byInv.get(l.other)!;
        lists['monotonic-reads'].push(mr(read.op, { inv: earlier.oldest!.invokeIndex, op: earlier.op, write: earlier.oldest! }, read.newest));
      }
      for (const f of listed) {
        const read = byInv.get(f.read)!;
        const seen = byInv.get(f.observerRead)!;
        const obs: ObservedOps = { at: f.observedAt, write: seen.oldest!, read: seen.op };
        if (f.kind === 'monotonic-writes') lists[f.kind].push(mw(read.op, byInv.get(f.x)!.op, obs, read.newest));
        else lists[f.kind].push(wfr(read.op, { inv: f.x, op: byInv.get(f.reader)!.op, write: byInv.get(f.x)!.op }, obs, read.newest));
      }
      return resultOf(counts, interleave(GUARANTEES.map((g) => lists[g]), max), sessions, parts.reduce((n, p) => n + p.unexplained, 0));
    },
  } satisfies ByKey<SessionPart, number[], OpsAnswer>,
};

function resultOf(counts: Counts, anomalies: Anomaly[], sessions: number, unexplained: number): CheckResult {
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
    anomalies,
    sessions,
    guarantees,
    unexplainedReads: unexplained,
  };
  if (!anyViolation && !anyChecked) result.summary = 'no session read a key after writing or reading it';
  return result;
}

/**
 * Pass 1, within each session: RYW and MR, each violation to `report` (with the read's place in
 * ops). Gives which reads broke MR.
 */
function passOne(p: Prepared, counts: Counts, report: (g: Guarantee, i: number, other: number, a: () => Anomaly) => void): Uint8Array {
  const { ops, c, sourceOf } = p;
  const { sessions } = c;
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
        if (newest < c.inv[w]!) report('read-your-writes', i, w, () => ryw(ops[i]!, ops[w]!, sourceOf(i).newest.op));
      }
      const r = readFloor.get(s, key);
      if (r >= 0) {
        counts['monotonic-reads'].checked++;
        if (newest < c.oldestInv[r]!) {
          brokeMR[i] = 1;
          const floor = sourceOf(r).oldest;
          report('monotonic-reads', i, r, () => mr(ops[i]!, { inv: floor.inv, op: ops[r]!, write: floor.op! }, sourceOf(i).newest.op));
        }
      }
      if (c.oldestWritten[i] && (r < 0 || c.oldestInv[i]! > c.oldestInv[r]!)) readFloor.set(s, key, i);
    }
  }
  return brokeMR;
}

/** The session whose write read `i` pinned (only a put pins one: a null may come from any delete or the initial state); -1: none. */
function observedWriter(c: Columns, i: number): number {
  return c.valueNotNull[i] && c.oldestWritten[i] && c.pinned[i] ? c.sessionOfProcess.get(c.oldestProcess[i]!)! : -1;
}

/**
 * A key's part: its sessions, pass one's figures, and what pass two needs of its reads. A
 * session is named by its number in the key (its place in `processes`); the merge maps the
 * keys' numbers to one order. Index columns are 32-bit where they fit (src/util/int-column.ts):
 * a big history's parts are held until merged.
 */
interface SessionPart {
  /** The key's sessions (processes) in order of their first op here, and that op's invoke index (the sessions' order is by their first ops in the whole history). */
  processes: IntColumn;
  firsts: IntColumn;
  unexplained: number;
  counts: Counts;
  /**
   * Pass one's violations, the first `max` of each guarantee by each session (the whole pass
   * lists sessions in the order of their first ops in the whole history, which a key does not
   * know): the read's session and invoke index, and the other op's (RYW: the session's own
   * write; MR: its earlier read); made anomalies once the merge has picked them.
   */
  listed: { g: Guarantee; session: number; at: number; other: number }[];
  /**
   * Its explained reads in op order: session, invoke index, whether it broke MR, and the write
   * it pinned (its session, -1: none, and invoke index). Then, for those that did not break
   * MR, from queryStart[r] on: the writes (or reads) whose session the observer must not have
   * seen later: MW (0) or WFR (1), that session, the invoke index past which a sighting makes
   * it a violation, the write x, and for WFR the read of x (-1 for MW).
   */
  session: Int32Array;
  inv: IntColumn;
  broke: Uint8Array;
  pinnedSession: Int32Array;
  pinnedInv: IntColumn;
  queryStart: Int32Array;
  qKind: Uint8Array;
  qSession: Int32Array;
  qAfter: IntColumn;
  qX: IntColumn;
  qReader: IntColumn;
}

/** By invoke index asked: the op, and for a read the oldest and newest writes that explain it. */
type OpsAnswer = { op: Op; newest: Op | null; oldest: Op | null }[];

function sessionPart(history: History, max: number): SessionPart {
  const p = prepare(history);
  const { c } = p;
  const { sessions } = c;
  const counts = noCounts();
  const listed: SessionPart['listed'] = [];
  const kept = new Int32Array(sessions.count * GUARANTEES.length);
  const brokeMR = passOne(p, counts, (g, i, other) => {
    counts[g].violations++;
    const s = c.sessionOf[i]!;
    if (kept[s * GUARANTEES.length + GUARANTEES.indexOf(g)]!++ < max) listed.push({ g, session: s, at: c.inv[i]!, other: c.inv[other]! });
  });
  const firsts = new Float64Array(sessions.count);
  for (let s = 0; s < sessions.count; s++) firsts[s] = c.inv[sessions.members[sessions.start[s]!]!]!;
  let reads = 0;
  for (let i = 0; i < p.ops.length; i++) if (c.explained[i]) reads++;
  const session = new Int32Array(reads);
  const inv = new Float64Array(reads);
  const broke = new Uint8Array(reads);
  const pinnedSession = new Int32Array(reads);
  const pinnedInv = new Float64Array(reads);
  const queryStart = new Int32Array(reads + 1);
  const q = { kind: [] as number[], session: [] as number[], after: [] as number[], x: [] as number[], reader: [] as number[] };
  const readsOf = readsByOldestSource(c);
  const writesOf = new KeyWriteColumns(p.index, c);
  let r = 0;
  for (let i = 0; i < p.ops.length; i++) {
    if (!c.explained[i]) continue;
    const s = c.sessionOf[i]!;
    session[r] = s;
    inv[r] = c.inv[i]!;
    broke[r] = brokeMR[i]!;
    const writer = observedWriter(c, i);
    pinnedSession[r] = writer >= 0 && writer !== s ? writer : -1;
    pinnedInv[r] = c.oldestInv[i]!;
    queryStart[r] = q.kind.length;
    // Every candidate, in the order the whole pass tries them: none is a sighting here.
    if (!brokeMR[i]) {
      crossSession(c, writesOf, i, s, readsOf, (other, after, j, reader) => {
        q.kind.push(reader < 0 ? 0 : 1);
        q.session.push(other);
        q.after.push(after);
        q.x.push(writesOf.inv[j]!);
        q.reader.push(reader < 0 ? -1 : c.inv[reader]!);
        return false;
      });
    }
    r++;
  }
  queryStart[r] = q.kind.length;
  return {
    processes: intColumn(sessions.process),
    firsts: intColumn(firsts),
    unexplained: c.unexplained,
    counts,
    listed,
    session,
    inv: intColumn(inv),
    broke,
    pinnedSession,
    pinnedInv: intColumn(pinnedInv),
    queryStart,
    qKind: Uint8Array.from(q.kind),
    qSession: Int32Array.from(q.session),
    qAfter: intColumn(q.after),
    qX: intColumn(q.x),
    qReader: intColumn(q.reader),
  };
}

/**
 * The sessions of every key in one order, by their first op (invoke index) in the whole
 * history: each part's sessions' ranks (`ranks[k][s]`), and how many sessions there are.
 */
function sessionRanks(parts: readonly SessionPart[]): { ranks: Int32Array[]; count: number } {
  // Each process numbered as met, its first op the earliest of its keys'.
  const ids = new Map<number, number>();
  let first = new Float64Array(1024);
  const local = parts.map((p) => {
    const out = new Int32Array(p.processes.length);
    for (let s = 0; s < p.processes.length; s++) {
      let id = ids.get(p.processes[s]!);
      if (id === undefined) {
        ids.set(p.processes[s]!, (id = ids.size));
        if (id === first.length) {
          const grown = new Float64Array(first.length * 2);
          grown.set(first);
          first = grown;
        }
        first[id] = p.firsts[s]!;
      } else if (p.firsts[s]! < first[id]!) first[id] = p.firsts[s]!;
      out[s] = id;
    }
    return out;
  });
  const count = ids.size;
  // No two processes share a first op: the order is strict.
  const byFirst = Int32Array.from({ length: count }, (_, id) => id).sort((a, b) => first[a]! - first[b]!);
  const rankOf = new Int32Array(count);
  byFirst.forEach((id, rank) => (rankOf[id] = rank));
  for (const l of local) for (let s = 0; s < l.length; s++) l[s] = rankOf[l[s]!]!;
  return { ranks: local, count };
}

/** A violation of pass one (RYW or MR) picked by the merge: the read and the other op, as invoke indices. */
interface Picked {
  at: number;
  other: number;
}

/** A violation of MW or WFR found by the merge, its ops as invoke indices (the read, x, the read of x for WFR, the observer's sighting). */
interface Crossed {
  kind: 'monotonic-writes' | 'writes-follow-reads';
  read: number;
  x: number;
  reader: number;
  observerRead: number;
  observedAt: number;
}

/** What the merge finds over the keys' parts: the counts, the violations it lists (their ops asked of the keys), and how many sessions there are. */
interface Merged {
  counts: Counts;
  picks: Record<'read-your-writes' | 'monotonic-reads', Picked[]>;
  listed: Crossed[];
  sessions: number;
}

/**
 * The question and the merge of one check are given the same parts: the merge's pass over
 * them (seconds for a 10M-op history) is made once.
 */
const mergedOf = new WeakMap<readonly SessionPart[], { max: number; merged: Merged }>();

function mergeParts(parts: readonly SessionPart[], max: number): Merged {
  const known = mergedOf.get(parts);
  if (known && known.max === max) return known.merged;
  const { ranks, count } = sessionRanks(parts);
  const merged = { ...crossed(parts, ranks, count, max), picks: passOnePicks(parts, ranks, max), sessions: count };
  mergedOf.set(parts, { max, merged });
  return merged;
}

/** Pass one's first `max` violations of RYW and of MR over every key: in the sessions' order, then the ops'. */
function passOnePicks(parts: readonly SessionPart[], ranks: readonly Int32Array[], max: number): Merged['picks'] {
  const pick = (g: Guarantee) =>
    parts
      .flatMap((p, k) => p.listed.filter((l) => l.g === g).map((l) => ({ rank: ranks[k]![l.session]!, at: l.at, other: l.other })))
      .sort((a, b) => a.rank - b.rank || a.at - b.at)
      .slice(0, max)
      .map(({ at, other }) => ({ at, other }));
  return { 'read-your-writes': pick('read-your-writes'), 'monotonic-reads': pick('monotonic-reads') };
}

/**
 * Pass 2 over the keys' parts: each observer's reads of every key in order, its sightings of
 * each other session (the latest write of it that a read pinned) as it goes. The counts of all
 * four guarantees, and the first `max` violations of MW and of WFR.
 */
function crossed(parts: readonly SessionPart[], ranks: readonly Int32Array[], sessions: number, max: number): { counts: Counts; listed: Crossed[] } {
  const counts = noCounts();
  for (const p of parts) for (const g of GUARANTEES) {
    counts[g].checked += p.counts[g].checked;
    counts[g].violations += p.counts[g].violations;
  }
  // Every explained read, as (part, place), grouped by its session's rank, in op order within
  // each: the keys' reads are each in op order, taken as one list in that order.
  const start = new Int32Array(sessions + 1);
  parts.forEach((p, k) => {
    const rank = ranks[k]!;
    for (let r = 0; r < p.session.length; r++) start[rank[p.session[r]!]! + 1]!++;
  });
  for (let s = 0; s < sessions; s++) start[s + 1]! += start[s]!;
  const total = start[sessions]!;
  const partOf = new Int32Array(total);
  const placeOf = new Int32Array(total);
  const fill = start.slice(0, sessions);
  mergeByIndex(
    parts.map((p) => p.inv),
    (k, r) => {
      const m = fill[ranks[k]![parts[k]!.session[r]!]!]!++;
      partOf[m] = k;
      placeOf[m] = r;
    },
  );
  const seen = new ObservedSessions(sessions);
  const sightings = new Float64Array(sessions);
  const listed: Crossed[] = [];
  const kept = { mw: 0, wfr: 0 };
  for (let s = 0; s < sessions; s++) {
    seen.observer = s;
    let any = false;
    for (let m = start[s]!; m < start[s + 1]!; m++) {
      const p = parts[partOf[m]!]!;
      const rank = ranks[partOf[m]!]!;
      const r = placeOf[m]!;
      if (any && !p.broke[r]) {
        counts['monotonic-writes'].checked++;
        counts['writes-follow-reads'].checked++;
        let mwAt = -1;
        let wfrAt = -1;
        for (let q = p.queryStart[r]!; q < p.queryStart[r + 1]! && (mwAt < 0 || wfrAt < 0); q++) {
          const wfr = p.qKind[q] === 1;
          if ((wfr ? wfrAt : mwAt) >= 0) continue;
          if (p.qAfter[q]! < seen.at(rank[p.qSession[q]!]!)) {
            if (wfr) wfrAt = q;
            else mwAt = q;
          }
        }
        for (const [q, kind] of [[mwAt, 'monotonic-writes'], [wfrAt, 'writes-follow-reads']] as const) {
          if (q < 0) continue;
          counts[kind].violations++;
          const k = kind === 'monotonic-writes' ? 'mw' : 'wfr';
          if (kept[k]++ >= max) continue;
          const other = rank[p.qSession[q]!]!;
          const o = seen.get(other);
          listed.push({ kind, read: p.inv[r]!, x: p.qX[q]!, reader: p.qReader[q]!, observerRead: sightings[other]!, observedAt: o.at });
        }
      }
      if (p.pinnedSession[r]! >= 0) {
        const writer = rank[p.pinnedSession[r]!]!;
        if (seen.at(writer) < p.pinnedInv[r]!) {
          seen.set(writer, p.pinnedInv[r]!, 0);
          sightings[writer] = p.inv[r]!;
          any = true;
        }
      }
    }
  }
  return { counts, listed };
}

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
 * The first MW and the first WFR violation of read `i` (of session `observer`): for MW the write
 * x, for WFR x and the read of it (a place in ops), each with the session whose sighting makes
 * it one. `sighted(session, after, x, reader)`: whether the observer had by then seen a write of
 * `session` invoked after `after` (x: its place in `writes`; reader: the read of x, -1 for MW);
 * one that always says no is shown every candidate, in order.
 */
function crossSession(
  c: Columns,
  writes: KeyWriteColumns,
  i: number,
  observer: number,
  readsOf: ReadsOf,
  sighted: (session: number, after: number, x: number, reader: number) => boolean,
): { mw?: { x: Write; session: number }; wfr?: { x: Write; reader: number; session: number } } {
  const out: { mw?: { x: Write; session: number }; wfr?: { x: Write; reader: number; session: number } } = {};
  const readInv = c.inv[i]!;
  const { inv, session, ok } = writes;
  const key = c.key[i]!;
  const from = writes.start[key]!;
  const end = writes.start[key + 1]!;
  for (let j = upperBoundOf(inv, c.newestCmp[i]!, from, end); j < end && !(out.mw && out.wfr); j++) {
    const xInv = inv[j]!;
    if (xInv > readInv) break;
    const writer = session[j]!;
    // x precedes the observed write in its session, so it completed: ok, or it was a definite fail.
    if (!out.mw && ok[j] && writer !== observer && sighted(writer, xInv, j, -1)) out.mw = { x: writes.writes[j]!, session: writer };
    if (out.wfr) continue;
    const l = readsOf.list.get(xInv);
    if (l === undefined) continue;
    for (let m = readsOf.start[l]!; m < readsOf.start[l + 1]!; m++) {
      const r0 = readsOf.members[m]!;
      if (c.inv[r0]! > readInv) break;
      const reader = c.sessionOf[r0]!;
      if (reader !== observer && sighted(reader, c.inv[r0]!, j, r0)) {
        out.wfr = { x: writes.writes[j]!, reader: r0, session: reader };
        break;
      }
    }
  }
  return out;
}

/** The read, what it could have read (the newest such write), and the op it is definitely older than. */
function older(read: Op, newest: Op | null, floor: Op): OlderRead {
  return { read: evidenceOp(read), notFound: read.value === null, source: newest ? evidenceOp(newest) : null, floor: evidenceOp(floor) };
}

function sourceOps(newest: Op | null): number[] {
  return newest ? [newest.invokeIndex] : [];
}

function ryw(read: Op, write: Op, newest: Op | null): Anomaly {
  return toAnomaly({ kind: 'read-your-writes', key: read.key!, ...older(read, newest, write) }, [write.invokeIndex, read.invokeIndex, ...sourceOps(newest)]);
}

function mr(read: Op, earlier: Floor, newest: Op | null): Anomaly {
  return toAnomaly(
    { kind: 'monotonic-reads', key: read.key!, earlierRead: evidenceOp(earlier.op), ...older(read, newest, earlier.write) },
    [earlier.op.invokeIndex, read.invokeIndex, earlier.write.invokeIndex, ...sourceOps(newest)],
  );
}

function mw(read: Op, floor: Op, obs: ObservedOps, newest: Op | null): Anomaly {
  return toAnomaly(
    { kind: 'monotonic-writes', key: read.key!, observedWrite: evidenceOp(obs.write), observerRead: evidenceOp(obs.read), ...older(read, newest, floor) },
    [floor.invokeIndex, obs.write.invokeIndex, obs.read.invokeIndex, read.invokeIndex, ...sourceOps(newest)],
  );
}

function wfr(read: Op, floor: Floor, obs: ObservedOps, newest: Op | null): Anomaly {
  return toAnomaly(
    { kind: 'writes-follow-reads', key: read.key!, writerRead: evidenceOp(floor.op), observedWrite: evidenceOp(obs.write), observerRead: evidenceOp(obs.read), ...older(read, newest, floor.write) },
    [floor.op.invokeIndex, obs.write.invokeIndex, obs.read.invokeIndex, read.invokeIndex, ...sourceOps(newest)],
  );
}
