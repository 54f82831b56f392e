// What a checker found, as data (as Elle's anomalies are): the key, the ops with their roles,
// ages and windows as numbers, the states the search reached. One kind a kind of anomaly;
// checkers/explain.ts alone turns it into sentences. Plain JSON: results.json keeps it.

import type { Op } from '../src/history/event.js';
import { describeOp } from './describe.js';

/** An op as evidence names it: its place in the history, who ran it, its outcome and times, its text. */
export interface EvidenceOp {
  /** Invoke-event index in the history (`index` in history.jsonl). */
  index: number;
  process: number;
  f: string;
  type: Op['type'];
  error?: string;
  /** The op as people write it, in its checker's vocabulary: `get(k3) → 17` (a model's own for linearizability). */
  text: string;
  /** ns since the run started (event positions for imported histories). */
  invokeTime: number;
  /** When its completion (ok, fail or info) was recorded; null when it never completed. */
  completeTime: number | null;
}

/** The op as evidence; `text` defaults to describeOp's. */
export function evidenceOp(op: Op, text: string = describeOp(op)): EvidenceOp {
  const e: EvidenceOp = { index: op.invokeIndex, process: op.process, f: op.f, type: op.type, text, invokeTime: op.invokeTime, completeTime: op.completeTime };
  if (op.error !== undefined) e.error = op.error;
  return e;
}

/** Evidence for each kind of anomaly, by kind (the anomaly's `kind`). */
export type Evidence =
  | StaleReadEvidence
  | ReadValidityEvidence
  | NotFoundAfterCreateEvidence
  | SessionEvidence
  | CreateOnceEvidence
  | LostWritesEvidence
  | ListEvidence
  | LockEvidence
  | StaleBeyondMaxAgeEvidence
  | NotLinearizableEvidence
  | DeltaEvidence;

export type EvidenceKind = Evidence['kind'];

// ---- registers: stale reads, sessions, lost writes ----

/**
 * A read whose value was superseded before it began: it came from `source` (null: the initial
 * state), which `supersededBy` overwrote, `ageNs` before the read was invoked.
 */
export interface StaleReadEvidence {
  kind: 'stale-read';
  key: string;
  read: EvidenceOp;
  /** The read returned not-found; `source` is then the latest delete it could have read. */
  notFound: boolean;
  source: EvidenceOp | null;
  supersededBy: EvidenceOp;
  ageNs: number;
  /** Completed writes the read missed (its lag). */
  missedWrites: number;
}

/**
 * A read that returned something definitely older than `floor`: every write it could have read
 * (the newest of them, `source`; null for a not-found with no delete to explain it) completed
 * before `floor` was invoked.
 */
export interface OlderRead {
  read: EvidenceOp;
  notFound: boolean;
  source: EvidenceOp | null;
  floor: EvidenceOp;
}

/**
 * Terry et al.'s session guarantees broken. The session's own op is the floor's cause: its write
 * (read-your-writes), its earlier read of `floor` (monotonic-reads); across sessions, the observer
 * read `observedWrite` (`observerRead`), after which the writer's earlier write `floor`
 * (monotonic-writes) or the write `floor` the writer had read in `writerRead` before writing
 * (writes-follow-reads) may no longer be undone.
 */
export type SessionEvidence =
  | ({ kind: 'read-your-writes'; key: string } & OlderRead)
  | ({ kind: 'monotonic-reads'; key: string; earlierRead: EvidenceOp } & OlderRead)
  | ({ kind: 'monotonic-writes'; key: string; observedWrite: EvidenceOp; observerRead: EvidenceOp } & OlderRead)
  | ({ kind: 'writes-follow-reads'; key: string; writerRead: EvidenceOp; observedWrite: EvidenceOp; observerRead: EvidenceOp } & OlderRead);

export type LostWritesEvidence =
  /** The last acknowledged write, which no final read could have read (the first `finalReads`, and `moreReads` more). */
  | { kind: 'lost-write'; key: string; write: EvidenceOp; finalReads: EvidenceOp[]; moreReads: number }
  /** The workers' last final reads of the key, one per value they disagree on. */
  | { kind: 'not-converged'; key: string; finalReads: EvidenceOp[] };

// ---- what a read may return ----

export type ReadValidityEvidence =
  /** A body that fails its own verification: why, and the value its header names when it could be read. */
  | { kind: 'corrupt-read'; key?: string; read: EvidenceOp; corruption: string; headerValue?: number }
  | { kind: 'phantom-value'; key?: string; read: EvidenceOp }
  /** The value `write` wrote to `writeKey`. */
  | { kind: 'value-from-other-key'; key?: string; read: EvidenceOp; write: EvidenceOp; writeKey?: string }
  /** The value of a write that failed or was refused (`write.type`, `write.error`). */
  | { kind: 'value-of-failed-write'; key?: string; read: EvidenceOp; write: EvidenceOp }
  /** The value of a write invoked only after the read completed. */
  | { kind: 'value-from-the-future'; key?: string; read: EvidenceOp; write: EvidenceOp };

/** Not-found `windowNs` after `create` completed; `seenAbsent`: an earlier read of not-found (a probe, or one overlapping the create), if any. */
export interface NotFoundAfterCreateEvidence {
  kind: 'not-found-after-create';
  key?: string;
  read: EvidenceOp;
  create: EvidenceOp;
  windowNs: number;
  seenAbsent: EvidenceOp | null;
}

// ---- create-once (If-None-Match: *) ----

export type CreateOnceEvidence =
  | { kind: 'several-creators-won'; key: string; creators: EvidenceOp[] }
  | { kind: 'refused-without-object'; key: string; creator: EvidenceOp }
  | { kind: 'winner-not-seen'; key: string; read: EvidenceOp; winner: EvidenceOp }
  /** A read of the value of `creator`, which the store refused. */
  | { kind: 'loser-read'; key: string; read: EvidenceOp; creator: EvidenceOp }
  /** The first op that says each value won. */
  | { kind: 'readers-disagree'; key: string; witnesses: EvidenceOp[] };

// ---- LIST ----

/** A LIST (of the keys under `prefix`) and what was wrong with it about `key`. */
export type ListEvidence =
  /** `duplicates`: the first (up to 5) of the `duplicateCount` keys returned more than once. */
  | { kind: 'duplicate-key'; key: string; list: EvidenceOp; prefix: string; duplicates: string[]; duplicateCount: number }
  | { kind: 'phantom-key'; key: string; list: EvidenceOp; prefix: string }
  /** Left out though `put` had completed `ageNs` before the LIST began. */
  | { kind: 'missing-key'; key: string; list: EvidenceOp; prefix: string; put: EvidenceOp; ageNs: number }
  /** Included though `delete` had completed `ageNs` before the LIST began. */
  | { kind: 'extra-key'; key: string; list: EvidenceOp; prefix: string; delete: EvidenceOp; ageNs: number };

// ---- locks ----

/** A hold: from the acquire's acknowledgement to the release's invocation (null: never released). */
export interface HoldEvidence {
  acquire: EvidenceOp;
  /** The acquire's token (its invocation value). */
  token: unknown;
  release: EvidenceOp | null;
}

export type LockEvidence =
  | { kind: 'release-refused'; key?: string; release: EvidenceOp; refusal: string }
  | { kind: 'overlapping-holds'; key: string; first: HoldEvidence; second: HoldEvidence; overlapNs: number };

// ---- caches ----

/** Reads through the cache returned the copy `put` overwrote `lagNs` after it completed; that copy's write (`previous`) promised `maxAgeMs`. */
export interface StaleBeyondMaxAgeEvidence {
  kind: 'stale-beyond-max-age';
  key: string;
  put: EvidenceOp;
  /** The body `put` wrote. */
  body: unknown;
  previous: EvidenceOp;
  lagNs: number;
  maxAgeMs: number;
}

// ---- linearizability ----

/** One value's cluster in the fast algorithm: its write (null: the initial state), its earliest-completing op and its latest-invoked one. */
export interface ClusterEvidence {
  write: EvidenceOp | null;
  /** The value written, when it is a number or a string. */
  value?: number | string;
  firstDone: EvidenceOp | null;
  lastInvoked: EvidenceOp;
}

/**
 * Why a key is not linearizable, from the one sub-history the counterexample shows (its ops as
 * they were then: later completions are open). The fast algorithm's causes name a read and a
 * write, or two values' clusters that cannot be ordered; the search's names the op that cannot
 * take effect after the longest linearizable prefix, and the state that prefix leaves.
 */
export type NotLinearizableEvidence = { kind: 'not-linearizable'; key: string } & (
  | { cause: 'unwritten-value'; read: EvidenceOp; laterPut: EvidenceOp | null }
  | { cause: 'read-before-write'; read: EvidenceOp; write: EvidenceOp }
  | { cause: 'null-without-source'; read: EvidenceOp; write: EvidenceOp }
  | { cause: 'cluster-conflict'; v: ClusterEvidence; u: ClusterEvidence }
  | { cause: 'cannot-take-effect'; op: EvidenceOp; prefixLength: number; state: string }
  | { cause: 'no-order' }
);

// ---- Δ-atomicity (a measurement: the worst keys, not anomalies) ----

/** The Δ a key needs (ns; null: no shift makes it linearizable), and the read and op that set it. */
export interface DeltaEvidence {
  kind: 'needs-delta';
  key: string;
  deltaNs: number | null;
  /** An upper bound: a null read there had several possible deletes. */
  approximate: boolean;
  read: EvidenceOp | null;
  before: EvidenceOp | null;
}
