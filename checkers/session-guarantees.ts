import type { History, Op } from '../src/history/event.js';
import type { Anomaly, CheckOptions, CheckResult, Checker, Validity } from './checker.js';
import { evidenceOp, type OlderRead } from './evidence.js';
import { toAnomaly } from './explain.js';
import { isRead, NOT_A_WRITE, readFactsOf, RegisterIndex, upperBound, writtenValue, type Source } from './staleness/register-index.js';
import { interleave } from './staleness/stats.js';

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

interface Observed {
  /** The observed write's invoke index: every op of its session before it precedes it. */
  at: number;
  write: Op;
  read: Op;
}

export const sessionGuarantees: Checker = {
  name: 'session-guarantees',
  description: "read-your-writes, monotonic reads, monotonic writes and writes-follow-reads, per process (a session ends at an info)",

  check(history: History, options: CheckOptions = {}): CheckResult {
    const max = options.maxAnomalies ?? 100;
    const index = RegisterIndex.of(history);
    const allFacts = readFactsOf(history);
    const ops = history.ops;
    // By the op's place in history.ops: arrays, not maps keyed by op objects.
    const sources: (Source | undefined)[] = new Array(ops.length);
    const sessions = new Map<number, number[]>();
    let unexplained = 0;
    for (let i = 0; i < ops.length; i++) {
      const op = ops[i]!;
      const session = sessions.get(op.process);
      if (session) session.push(i);
      else sessions.set(op.process, [i]);
      if (!isRead(op)) continue;
      const s = allFacts[i]?.source;
      if (s) sources[i] = s;
      else unexplained++;
    }

    const counts = Object.fromEntries(GUARANTEES.map((g) => [g, { checked: 0, violations: 0 }])) as Record<Guarantee, { checked: number; violations: number }>;
    const lists = Object.fromEntries(GUARANTEES.map((g) => [g, [] as Anomaly[]])) as Record<Guarantee, Anomaly[]>;
    const report = (g: Guarantee, a: Anomaly): void => {
      counts[g].violations++;
      if (lists[g].length < max) lists[g].push(a);
    };

    // Pass 1, within each session: RYW and MR.
    const brokeMR = new Uint8Array(ops.length);
    for (const session of sessions.values()) {
      // Per key: the session's last ok write, and the read that set its read floor (src.oldest), as places in ops.
      const ownWrite = new Map<string, number>();
      const readFloor = new Map<string, number>();
      for (const i of session) {
        const op = ops[i]!;
        const key = op.key;
        if (key === undefined) continue;
        if (op.type === 'ok' && writtenValue(op) !== NOT_A_WRITE) {
          ownWrite.set(key, i);
          continue;
        }
        const src = sources[i];
        if (!src) continue;
        const newest = src.newest.cmp;
        const w = ownWrite.get(key);
        if (w !== undefined) {
          counts['read-your-writes'].checked++;
          if (newest < ops[w]!.invokeIndex) report('read-your-writes', ryw(op, ops[w]!, src));
        }
        const r = readFloor.get(key);
        const floor = r === undefined ? undefined : sources[r]!.oldest;
        if (floor) {
          counts['monotonic-reads'].checked++;
          if (newest < floor.inv) {
            brokeMR[i] = 1;
            report('monotonic-reads', mr(op, { inv: floor.inv, op: ops[r!]!, write: floor.op! }, src));
          }
        }
        if (src.oldest.op && (!floor || src.oldest.inv > floor.inv)) readFloor.set(key, i);
      }
    }

    // Pass 2, across sessions: an observer that read a write w of session S must afterwards see
    // nothing definitely older than what S had written (MW) or read (WFR) before w. Seen from
    // the later read: the writes that make its value definitely older are those of its key
    // invoked after its value's newest write completed, which are few; for each, did the
    // observer already see a later write of the session that wrote it (MW) or read it (WFR)?
    // A read that broke monotonic reads is reported there only: every same-key case is one.
    // The reads of each write (by its invoke index) that it may be the oldest source of.
    const readsOf = new Map<number, Op[]>();
    for (let i = 0; i < ops.length; i++) {
      const src = sources[i];
      const op = ops[i]!;
      if (!src || op.value === null || !src.oldest.op) continue;
      const l = readsOf.get(src.oldest.inv);
      if (l) l.push(op);
      else readsOf.set(src.oldest.inv, [op]);
    }
    for (const [process, session] of sessions) {
      const observed = new Map<number, Observed>();
      for (const i of session) {
        const src = sources[i];
        if (!src) continue;
        const op = ops[i]!;
        if (observed.size > 0 && !brokeMR[i]) {
          counts['monotonic-writes'].checked++;
          counts['writes-follow-reads'].checked++;
          const found = crossSession(index, op, src, process, observed, readsOf);
          if (found.mw) report('monotonic-writes', mw(op, found.mw.floor.op, found.mw.obs, src));
          if (found.wfr) report('writes-follow-reads', wfr(op, found.wfr.floor, found.wfr.obs, src));
        }
        // Only a put pins the write a read saw: a null may come from any delete or the initial state.
        const w = src.oldest.op;
        if (op.value !== null && w && src.newest === src.oldest && w.process !== process && (observed.get(w.process)?.at ?? -1) < w.invokeIndex) {
          observed.set(w.process, { at: w.invokeIndex, write: w, read: op });
        }
      }
    }

    const guarantees: Record<string, { valid: Validity; checked: number; violations: number }> = {};
    for (const g of GUARANTEES) {
      const c = counts[g];
      guarantees[g] = { valid: c.violations === 0, ...c };
    }
    const anyViolation = GUARANTEES.some((g) => counts[g].violations > 0);
    const anyChecked = GUARANTEES.some((g) => counts[g].checked > 0);
    const result: CheckResult = {
      // Nothing to check is not a doubt: the verdict stays true, and the summary says so.
      valid: !anyViolation,
      anomalies: interleave(GUARANTEES.map((g) => lists[g]), max),
      sessions: sessions.size,
      guarantees,
      unexplainedReads: unexplained,
    };
    if (!anyViolation && !anyChecked) result.summary = 'no session read a key after writing or reading it';
    return result;
  },
};

interface Found {
  floor: Floor;
  obs: Observed;
}

/** The first MW and the first WFR violation of `read` by the sessions its observer has seen. */
function crossSession(
  index: RegisterIndex,
  read: Op,
  src: Source,
  observer: number,
  observed: ReadonlyMap<number, Observed>,
  readsOf: ReadonlyMap<number, Op[]>,
): { mw?: Found; wfr?: Found } {
  const out: { mw?: Found; wfr?: Found } = {};
  const writes = index.keyWrites(read.key!).writes;
  for (let i = upperBound(writes, src.newest.cmp, (w) => w.inv); i < writes.length && !(out.mw && out.wfr); i++) {
    const x = writes[i]!.op!;
    if (x.invokeIndex > read.invokeIndex) break;
    const byWriter = observed.get(x.process);
    // x precedes the observed write in its session, so it completed: ok, or it was a definite fail.
    if (!out.mw && x.type === 'ok' && x.process !== observer && byWriter && x.invokeIndex < byWriter.at) {
      out.mw = { floor: { inv: x.invokeIndex, op: x, write: x }, obs: byWriter };
    }
    if (out.wfr) continue;
    for (const r0 of readsOf.get(x.invokeIndex) ?? []) {
      if (r0.invokeIndex > read.invokeIndex) break;
      const byReader = observed.get(r0.process);
      if (r0.process !== observer && byReader && r0.invokeIndex < byReader.at) {
        out.wfr = { floor: { inv: x.invokeIndex, op: r0, write: x }, obs: byReader };
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

function mw(read: Op, floor: Op, obs: Observed, src: Source): Anomaly {
  return toAnomaly(
    { kind: 'monotonic-writes', key: read.key!, observedWrite: evidenceOp(obs.write), observerRead: evidenceOp(obs.read), ...older(read, src, floor) },
    [floor.invokeIndex, obs.write.invokeIndex, obs.read.invokeIndex, read.invokeIndex, ...sourceOps(src)],
  );
}

function wfr(read: Op, floor: Floor, obs: Observed, src: Source): Anomaly {
  return toAnomaly(
    { kind: 'writes-follow-reads', key: read.key!, writerRead: evidenceOp(floor.op), observedWrite: evidenceOp(obs.write), observerRead: evidenceOp(obs.read), ...older(read, src, floor.write) },
    [floor.op.invokeIndex, obs.write.invokeIndex, obs.read.invokeIndex, read.invokeIndex, ...sourceOps(src)],
  );
}
