// Checking one partition (the ops of one key): a pure function of serialisable input and output,
// so that partitions can later be farmed out to worker threads.

import type { Op } from '../../src/history/event.js';
import type { Validity } from '../checker.js';
import { evidenceOp, type ClusterEvidence, type EvidenceOp, type NotLinearizableEvidence } from '../evidence.js';
import { explain } from '../explain.js';
import type { FastOutcome, FastRoles } from './fast-register.js';
import type { Model, SearchHints } from './model.js';
import { getEntry } from './registry.js';
import { wglSearch, type SearchResult } from './wgl.js';

export interface Budget {
  /** Time allowed for each partition, in milliseconds. */
  timeoutMs: number;
  /** Configurations the search may cache for each partition. */
  maxStates: number;
  /** Memory the search's cache may use for each partition, in bytes. */
  maxCacheBytes: number;
  /** Wall-clock deadline for the whole check (Date.now() milliseconds), if any. */
  deadline?: number;
}

export const DEFAULT_BUDGET: Budget = {
  timeoutMs: 10_000,
  maxStates: 5_000_000,
  maxCacheBytes: 512 * 1024 * 1024,
};

/** An op as a counterexample names it. */
export interface OpRef {
  /** Index of the op's invoke event. */
  index: number;
  /** For people: `get(k3) → 17`. */
  text: string;
  invokeTime: number;
  /** null when the op never completed or its outcome is unknown. */
  completeTime: number | null;
}

export interface Counterexample {
  key: string;
  /** The longest linearizable prefix found: the ops in linearization order and the state after them. */
  prefix: { length: number; ops: number[]; last: OpRef[]; state: string } | null;
  /** The op(s) that could not be placed after that prefix. */
  stuck: OpRef[];
  /** A small set of ops that cannot be linearized together, when one was found cheaply. */
  window: { ops: OpRef[]; from: number; to: number; how: string } | null;
  /** What shows the key is not linearizable, as data. */
  evidence: NotLinearizableEvidence;
  /** The evidence's sentence (checkers/explain.ts). */
  explanation: string;
}

export interface PartitionResult {
  key: string;
  valid: Validity;
  /** 'fast': decided by the unique-value register algorithm; 'search': by the WGL search. */
  method: 'fast' | 'search' | 'empty';
  /** Why the model's own decision procedure (the register's fast path) did not apply. */
  fastPathSkipped?: string;
  /** Why the verdict is unknown. */
  reason?: string;
  /** Ops given to the decision procedure, after dropping what cannot matter. */
  ops: number;
  dropped: { failed: number; indeterminateReads: number; unobservedInfoWrites: number; ignored: number };
  /** Configurations the search cached. */
  states: number;
  ms: number;
  counterexample?: Counterexample;
}

const LAST_SHOWN = 8;

export interface Prepared {
  ops: Op[];
  dropped: PartitionResult['dropped'];
}

/** Drops ops that cannot matter: failed ops, indeterminate reads, ops the model does not know, and what the hints' reduce drops. */
export function prepareOps(model: Model<unknown>, hints: SearchHints<unknown>, ops: readonly Op[]): Prepared {
  const dropped = { failed: 0, indeterminateReads: 0, unobservedInfoWrites: 0, ignored: 0 };
  const out: Op[] = [];
  for (const op of ops) {
    const kind = model.kind(op);
    if (kind === undefined) dropped.ignored++;
    else if (op.type === 'fail') dropped.failed++;
    else if (kind === 'read' && op.type !== 'ok') dropped.indeterminateReads++;
    else out.push(op);
  }
  if (hints.reduce) {
    const r = hints.reduce(out);
    dropped.unobservedInfoWrites = r.dropped;
    return { ops: r.ops, dropped };
  }
  return { ops: out, dropped };
}

/** Converts a wall-clock budget into a performance.now() deadline for this partition. */
function searchDeadline(budget: Budget, startPerf: number): number {
  let d = startPerf + budget.timeoutMs;
  if (budget.deadline !== undefined) d = Math.min(d, startPerf + (budget.deadline - Date.now()));
  return d;
}

/**
 * Checks the ops of one partition. Input and output are plain data (structured-clone safe).
 * `ops` are the partition's ops from the history, in invocation order.
 */
export function checkPartition(modelName: string, ops: readonly Op[], budget: Budget = DEFAULT_BUDGET): PartitionResult {
  const t0 = performance.now();
  const { model, hints } = getEntry(modelName) as { model: Model<unknown>; hints: SearchHints<unknown> };
  const key = ops.length > 0 && hints.partition ? hints.partition(ops[0]!) : '';
  const prep = prepareOps(model, hints, ops);
  const base = { key, ops: prep.ops.length, dropped: prep.dropped };
  const deadline = searchDeadline(budget, t0);
  if (prep.ops.length === 0) return { ...base, valid: true, method: 'empty', states: 0, ms: performance.now() - t0 };

  let fastPathSkipped: string | undefined;
  if (hints.decide) {
    const fast = hints.decide(prep.ops);
    if (fast.applies) {
      const res: PartitionResult = { ...base, valid: fast.valid, method: 'fast', states: 0, ms: 0 };
      if (!fast.valid) res.counterexample = counterexample(model, hints, key, prep.ops, undefined, budget, Math.min(deadline, performance.now() + 1000));
      res.ms = performance.now() - t0;
      return res;
    }
    fastPathSkipped = fast.reason;
  }

  const sr = wglSearch(model, prep.ops, { deadline, maxStates: budget.maxStates, maxCacheBytes: budget.maxCacheBytes }, hints);
  const res: PartitionResult = { ...base, valid: sr.valid, method: 'search', states: sr.states, ms: 0 };
  if (fastPathSkipped !== undefined) res.fastPathSkipped = fastPathSkipped;
  if (sr.valid === 'unknown') res.reason = sr.reason;
  if (sr.valid === false) {
    // Extras (the shortest failing prefix) get at most what the verdict took, and 1 s.
    const spent = performance.now() - t0;
    const extraDeadline = Math.min(deadline, performance.now() + Math.min(1000, 2 + spent));
    res.counterexample = counterexample(model, hints, key, prep.ops, sr, budget, extraDeadline);
  }
  res.ms = performance.now() - t0;
  return res;
}

// ---- counterexamples ----


function ref(model: Model<unknown>, op: Op): OpRef {
  return {
    index: op.invokeIndex,
    text: model.describe(op),
    invokeTime: op.invokeTime,
    completeTime: op.type === 'ok' || op.type === 'fail' ? op.completeTime : null,
  };
}

function prefixOf(model: Model<unknown>, ops: readonly Op[], sr: SearchResult): Counterexample['prefix'] {
  if (!sr.bestPrefix) return null;
  const seq = sr.bestPrefix.map((i) => ops[i]!);
  return {
    length: seq.length,
    ops: seq.map((o) => o.invokeIndex),
    last: seq.slice(-LAST_SHOWN).map((o) => ref(model, o)),
    state: model.describeState(sr.bestState),
  };
}

/** The fast algorithm's account of a violation: its evidence and the window of its two clusters' ops. */
function fastStory(
  model: Model<unknown>,
  key: string,
  ops: readonly Op[],
  fast: Extract<FastOutcome, { valid: false; roles: FastRoles }>,
  whole: readonly Op[],
  real: (op: Op) => Op,
): Pick<Counterexample, 'evidence' | 'window'> {
  // The ops as they were in the sub-history (later completions open), named in the model's words.
  const ev = (op: Op): EvidenceOp => evidenceOp(op, model.describe(op));
  const at = (i: number | undefined): Op | undefined => (i === undefined || i < 0 ? undefined : ops[i]);
  const r = fast.roles;
  const of = { kind: 'not-linearizable', key } as const;
  let evidence: NotLinearizableEvidence;
  switch (fast.kind) {
    case 'unwritten-value': {
      const rd = at(r.read)!;
      // The violation's sub-history ends when the read completes; a put of the value may come later.
      const later = whole.find((o) => o.f === 'put' && o.type !== 'fail' && JSON.stringify(o.invokeValue) === JSON.stringify(rd.value));
      evidence = { ...of, cause: 'unwritten-value', read: ev(rd), laterPut: later ? ev(later) : null };
      break;
    }
    case 'read-before-write':
    case 'null-without-source':
      evidence = { ...of, cause: fast.kind, read: ev(at(r.read)!), write: ev(at(r.write)!) };
      break;
    case 'cluster-conflict': {
      const cluster = (write: number | undefined, firstDone: number | undefined, lastInvoked: number | undefined): ClusterEvidence => {
        const w = at(write);
        const first = at(firstDone);
        const c: ClusterEvidence = { write: w ? ev(w) : null, firstDone: first ? ev(first) : null, lastInvoked: ev(at(lastInvoked)!) };
        const v = w?.invokeValue;
        if (typeof v === 'number' || typeof v === 'string') c.value = v;
        return c;
      };
      evidence = { ...of, cause: 'cluster-conflict', v: cluster(r.writeV, r.a, r.b), u: cluster(r.writeU, r.c, r.d) };
      break;
    }
  }
  const witness = fast.witness.map((i) => ops[i]!).sort((x, y) => x.invokeIndex - y.invokeIndex);
  const times = witness.flatMap((o) => (o.completeTime === null || o.type !== 'ok' ? [o.invokeTime] : [o.invokeTime, o.completeTime]));
  return {
    window: {
      ops: witness.map((o) => ref(model, real(o))),
      from: Math.min(...times),
      to: Math.max(...times),
      how: 'the writes and reads of two values that cannot be ordered (a non-linearizable sub-history)',
    },
    evidence,
  };
}

/** Ops of `ops` as they were just after event `cut`: later completions become open. */
function cutAt(ops: readonly Op[], cut: number): Op[] {
  const out: Op[] = [];
  for (const op of ops) {
    if (op.invokeIndex > cut) continue;
    if (op.completeIndex !== null && op.completeIndex <= cut) out.push(op);
    else out.push({ ...op, type: 'open', completeIndex: null, completeTime: null, value: undefined });
  }
  return out;
}

/** The ops of the sub-history that ends at completion event `cut` (open reads dropped: they cannot matter). */
function subHistory(model: Model<unknown>, ops: readonly Op[], cut: number): Op[] {
  return cutAt(ops, cut).filter((o) => o.type !== 'open' || model.kind(o) !== 'read');
}

/** The model's own decision procedure's verdict where it applies (the register's, unique values), else undefined. */
function fastVerdict(hints: SearchHints<unknown>, ops: readonly Op[]): FastOutcome | undefined {
  const fast = hints.decide?.(ops);
  return fast?.applies ? fast : undefined;
}

/**
 * One violation, one story: the first violation in real time (the shortest non-linearizable
 * prefix of the partition, ending at a completion event), and everything the counterexample says
 * (sentence, window, longest linearizable prefix, stuck op) taken from that one sub-history.
 * Checkers that told the story from the whole partition named ops of two different violations.
 */
function counterexample(
  model: Model<unknown>,
  hints: SearchHints<unknown>,
  key: string,
  ops: readonly Op[],
  whole: SearchResult | undefined,
  budget: Budget,
  deadline: number,
): Counterexample {
  const searchBudget = {
    deadline,
    maxStates: Math.min(budget.maxStates, 500_000),
    maxCacheBytes: Math.min(budget.maxCacheBytes, 128 * 1024 * 1024),
  };
  const fails = (sub: readonly Op[]): boolean | 'unknown' => {
    const fast = fastVerdict(hints, sub);
    if (fast?.applies) return !fast.valid;
    const r = wglSearch(model, sub, searchBudget, hints);
    return r.valid === 'unknown' ? 'unknown' : !r.valid;
  };

  // Bisection over completion events (a prefix of a linearizable history is linearizable).
  const cuts = ops.filter((o) => o.type === 'ok' && o.completeIndex !== null).map((o) => o.completeIndex!).sort((a, b) => a - b);
  let lo = 0;
  let hi = cuts.length - 1; // cuts[hi] fails (the whole history does)
  let complete = cuts.length > 0;
  // Where the whole search got stuck is usually the end of the shortest failing prefix or just
  // after it: try there first, then step down by 1, 2, 4… until a prefix passes, then bisect.
  const wholeStuck = whole?.stuck !== undefined ? ops[whole.stuck] : undefined;
  let guess = wholeStuck && wholeStuck.completeIndex !== null ? cuts.indexOf(wholeStuck.completeIndex) : -1;
  let step = guess === hi ? 1 : 0;
  while (complete && lo < hi) {
    let mid: number;
    if (guess >= lo && guess < hi) {
      mid = guess;
      step = 1;
    } else if (step > 0 && hi - step >= lo) {
      mid = hi - step;
      step *= 2;
    } else {
      mid = (lo + hi) >>> 1;
      step = 0;
    }
    guess = -1;
    const f = fails(subHistory(model, ops, cuts[mid]!));
    if (f === 'unknown') complete = false;
    else if (f) hi = mid;
    else {
      lo = mid + 1;
      step = 0;
    }
  }
  // Out of budget: the story of the whole partition, which is one violation too (the search's).
  const end = complete ? cuts[hi]! : undefined;
  const sub = end === undefined ? ops : subHistory(model, ops, end);
  // The sub-history's ops are cut (later completions open); people are shown the ops as they were.
  const byIndex = new Map(ops.map((o) => [o.invokeIndex, o]));
  const real = (o: Op): Op => byIndex.get(o.invokeIndex) ?? o;
  const sr = end === undefined && whole ? whole : wglSearch(model, sub, searchBudget, hints);
  const stuck = sr.valid === false && sr.stuck !== undefined ? sub[sr.stuck] : undefined;
  const prefix = sr.valid === false ? prefixOf(model, sub.map(real), sr) : null;

  const fast = fastVerdict(hints, sub);
  if (fast?.applies && !fast.valid && fast.kind !== 'no-order') {
    const { evidence, window } = fastStory(model, key, sub, fast, ops, real);
    const witness = new Set(fast.witness.map((i) => sub[i]!.invokeIndex));
    // The search's stuck op when it is one of the two clusters' ops; else the cluster op that
    // completed last (the violation shows once it completes).
    const last = [...witness].map((ix) => sub.find((o) => o.invokeIndex === ix)!).sort((a, b) => (a.completeIndex ?? Infinity) - (b.completeIndex ?? Infinity)).at(-1)!;
    const named = stuck && witness.has(stuck.invokeIndex) ? stuck : last;
    return { key, prefix: named === stuck ? prefix : null, stuck: [ref(model, real(named))], window, evidence, explanation: explain(evidence) };
  }

  const evidence: NotLinearizableEvidence = stuck
    ? {
        kind: 'not-linearizable',
        key,
        cause: 'cannot-take-effect',
        op: evidenceOp(stuck, model.describe(stuck)),
        prefixLength: prefix?.length ?? 0,
        state: prefix?.state ?? model.describeState(model.init()),
      }
    : { kind: 'not-linearizable', key, cause: 'no-order' };
  let window: Counterexample['window'] = null;
  if (end !== undefined) {
    const last = sub.find((o) => o.completeIndex === end && o.type === 'ok')!;
    // The ops live while the last op of that prefix ran (the ones it cannot be ordered among),
    // and the stuck op.
    const live = sub
      .filter((o) => o === stuck || o.completeIndex === null || o.type !== 'ok' || o.completeIndex >= last.invokeIndex)
      .sort((a, b) => a.invokeIndex - b.invokeIndex);
    const times = live.map((o) => o.invokeTime).concat([last.completeTime ?? last.invokeTime]);
    window = {
      ops: live.map((o) => ref(model, real(o))),
      from: Math.min(...times),
      to: Math.max(...times),
      how: `the shortest non-linearizable prefix ends when ${model.describe(last)} completes; these ops were in progress then`,
    };
  }
  return { key, prefix, stuck: stuck ? [ref(model, real(stuck))] : [], window, evidence, explanation: explain(evidence) };
}
