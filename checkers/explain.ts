// Evidence into sentences: the one place where anomalies become prose. Checkers return evidence
// (checkers/evidence.ts) and take their anomaly from `toAnomaly`; the CLI summary, JUnit, the
// report and the baseline read an anomaly's sentence through `sentence`, a counterexample's
// through `explain`, so they all say the same thing, and results.json keeps it as `explanation`.

import type { Anomaly } from './checker.js';
import type { ClusterEvidence, Evidence, EvidenceOp, HoldEvidence, NotLinearizableEvidence, OlderRead } from './evidence.js';
import { formatEventTime, formatNsAsMs, formatSeconds } from '../src/util/format-number.js';

/** The anomaly the evidence shows: its kind and key, the ops involved (invoke indices, in the checker's order), its sentence. */
export function toAnomaly(evidence: Evidence, ops: number[]): Anomaly {
  return { kind: evidence.kind, key: evidence.key, ops, explanation: explain(evidence), evidence };
}

/**
 * The sentence of an anomaly or a linearizability counterexample: from its evidence (the stored
 * sentence for a results.json written before there was evidence).
 */
export function sentence(found: { explanation: string; evidence?: Evidence | undefined }): string {
  return found.evidence ? explain(found.evidence) : found.explanation;
}

/** The sentence for people. */
export function explain(e: Evidence): string {
  switch (e.kind) {
    case 'stale-read': {
      const what = e.notFound ? 'not-found' : 'its value';
      // For null the freshest source stands for all of them: every other delete completed earlier.
      const from = `${source(e.source, e.key)}${e.notFound && e.source ? ', the latest delete' : ''}`;
      const by = e.supersededBy;
      return (
        `${at(e.read)} was ${formatNsAsMs(e.ageNs)} stale: ${what} came from ${from}, ` +
        `superseded by ${by.text}, which completed at ${formatSeconds(by.completeTime!)}; the read missed ${e.missedWrites} completed write${e.missedWrites === 1 ? '' : 's'}`
      );
    }

    case 'read-your-writes':
      return `process ${e.read.process} wrote ${e.floor.text}, then ${at(e.read)} returned a value definitely older: ${olderBecause(e)}`;
    case 'monotonic-reads':
      return `process ${e.read.process} read ${at(e.earlierRead)}, then ${at(e.read)}, which is definitely older: ${olderBecause(e)}`;
    case 'monotonic-writes':
      return (
        `process ${e.floor.process} wrote ${e.floor.text} before ${e.observedWrite.text}; process ${e.read.process} saw the latter (${at(e.observerRead)}), ` +
        `then ${at(e.read)} returned a value definitely older than the former: ${olderBecause(e)}`
      );
    case 'writes-follow-reads':
      return (
        `process ${e.writerRead.process} read ${e.writerRead.text} before writing ${e.observedWrite.text}; process ${e.read.process} saw that write (${at(e.observerRead)}), ` +
        `then ${at(e.read)} returned a value definitely older than the one read: ${olderBecause(e)}`
      );

    case 'lost-write': {
      const more = e.moreReads > 0 ? ` and ${e.moreReads} more` : '';
      return (
        `${e.write.text}, acknowledged at ${formatSeconds(e.write.completeTime!)} and never overwritten, is lost: ` +
        `every final read returned a value whose every possible write completed before it was invoked (${e.finalReads.map((r) => r.text).join(', ')}${more})`
      );
    }
    case 'not-converged':
      return `the workers' last final reads of ${e.key} disagree after the quiet pause: ${e.finalReads.map((o) => `process ${o.process} ${at(o)}`).join('; ')}`;

    case 'corrupt-read': {
      const of = e.headerValue === undefined ? '' : ` (its header names value ${e.headerValue})`;
      return `${e.read.f}(${e.key}) at ${formatSeconds(e.read.invokeTime)} returned a body that fails its own verification${of}: ${e.corruption}`;
    }
    case 'phantom-value':
      return `${at(e.read)} returned a value that no operation ever wrote`;
    case 'value-from-other-key':
      return `${at(e.read)} returned the value written to ${e.writeKey} by ${e.write.text}, not one written to ${e.key}`;
    case 'value-of-failed-write':
      return `${at(e.read)} returned the value of ${e.write.text}, which definitely ${e.write.type === 'fail' ? `failed (${e.write.error ?? 'fail'})` : 'was refused'}`;
    case 'value-from-the-future':
      return `${at(e.read)} returned the value of ${e.write.text}, which was invoked only at ${formatSeconds(e.write.invokeTime)}, after the read completed`;

    case 'not-found-after-create': {
      const b = e.seenAbsent;
      const why = b
        ? `${e.key} had been seen absent before: ${at(b)}${b.f === 'probe' ? ' (probed)' : ', overlapping the create'}`
        : `no read had seen ${e.key} absent before (not negative caching)`;
      return `${at(e.read)} returned not-found ${formatNsAsMs(e.windowNs)} after ${e.create.text} had completed at ${formatSeconds(e.create.completeTime!)}; ${why}`;
    }

    case 'several-creators-won':
      return `${e.creators.length} creators of ${e.key} (If-None-Match: *) all succeeded: ${e.creators.map(span).join('; ')}; at most one may`;
    case 'refused-without-object':
      return `${span(e.creator)} was refused, yet no write of ${e.key} had been invoked before it completed: there was nothing to conflict with`;
    case 'winner-not-seen':
      return `${at(e.read)} returned not-found after ${span(e.winner)} had won`;
    case 'loser-read':
      return `${at(e.read)} returned the value of ${span(e.creator)}, which the store refused`;
    case 'readers-disagree':
      return `the winner of ${e.key} is not agreed on: ${e.witnesses.map(at).join(' but ')}`;

    case 'duplicate-key': {
      const sample = `${e.duplicates.join(', ')}${e.duplicateCount > e.duplicates.length ? ', …' : ''}`;
      return `${listAt(e)} returned ${e.duplicateCount} key(s) more than once: ${sample}`;
    }
    case 'phantom-key':
      return `${listAt(e)} returned ${e.key}, which no PUT invoked before the LIST completed wrote`;
    case 'missing-key':
      return (
        `${listAt(e)} did not include ${e.key}, though ${e.put.text} had completed at ${formatSeconds(e.put.completeTime!)}, ` +
        `${formatNsAsMs(e.ageNs)} before the LIST began, and no delete of ${e.key} could explain its absence`
      );
    case 'extra-key':
      return (
        `${listAt(e)} included ${e.key}, though ${e.delete.text} had completed at ${formatSeconds(e.delete.completeTime!)}, ` +
        `${formatNsAsMs(e.ageNs)} before the LIST began, after every PUT of ${e.key} that could explain it`
      );

    case 'release-refused':
      return `${at(e.release)} was refused (${e.refusal}): the lock was no longer as its holder's acquire had left it, though the holder had not released it`;
    case 'overlapping-holds':
      return `${e.key}: process ${e.first.acquire.process} held it ${hold(e.first, e.key)}, and process ${e.second.acquire.process} ${hold(e.second, e.key)}: both acquires were acknowledged, and the holds overlap by ${formatNsAsMs(e.overlapNs)}`;

    case 'stale-beyond-max-age':
      return `reads through the cache still returned an overwritten value ${formatNsAsMs(e.lagNs)} after put(${e.key}, ${e.body}) completed, beyond the ${e.maxAgeMs / 1000} s max-age of the copy it replaced`;

    case 'not-linearizable':
      return notLinearizable(e);

    case 'needs-delta': {
      const bound = e.approximate ? ' (an upper bound: a null read there had several possible deletes)' : '';
      if (e.deltaNs === 0) return `every key is linearizable as recorded (Δ = 0)`;
      if (e.deltaNs === null) return `no shift of reads makes ${e.key} linearizable: writes are ordered against each other by what was read`;
      if (e.read && e.before) {
        return (
          `${e.key} needs Δ = ${formatNsAsMs(e.deltaNs)}${bound}: ${e.read.text}, started at ${formatSeconds(e.read.invokeTime)}, ` +
          `is linearizable only if it started before ${e.before.text} completed at ${formatSeconds(e.before.completeTime!)}`
        );
      }
      return `${e.key} needs Δ = ${formatNsAsMs(e.deltaNs)}${bound}`;
    }
  }
  const unknown: never = e;
  throw new Error(`no sentence for evidence of kind ${(unknown as Evidence).kind}`);
}

/** `get(k) → 1 at 0.004 s`: an op and when it was invoked. */
function at(op: EvidenceOp): string {
  return `${op.text} at ${formatSeconds(op.invokeTime)}`;
}

/** `cas(k, [null,1]) [0.001 s, 0.002 s]`: an op and its span. */
function span(op: EvidenceOp): string {
  const end = op.completeTime === null ? 'never completed' : formatSeconds(op.completeTime);
  return `${op.text} [${formatSeconds(op.invokeTime)}, ${end}]`;
}

/** Where a stale read's value came from: a write and its completion, or the initial state. */
function source(op: EvidenceOp | null, key: string): string {
  if (op === null) return `the initial state (no ${key})`;
  return `${op.text}, completed at ${formatSeconds(op.completeTime!)}`;
}

/** Why the read's value is older: the write(s) it could have come from, all completed before the floor was invoked. */
function olderBecause(e: OlderRead): string {
  const before = `${e.floor.text} was invoked at ${formatSeconds(e.floor.invokeTime)}`;
  if (e.notFound) {
    const d = e.source;
    return d ? `the latest delete it could have read, ${d.text}, completed at ${formatSeconds(d.completeTime!)}, before ${before}` : `no delete could explain the null, and ${before}`;
  }
  const w = e.source!;
  return `${w.text} completed at ${formatSeconds(w.completeTime!)}, before ${before}`;
}

function listAt(e: { list: EvidenceOp; prefix: string }): string {
  return `list(${e.prefix}) at ${formatSeconds(e.list.invokeTime)}`;
}

function hold(h: HoldEvidence, key: string): string {
  const end = h.release ? `until ${formatSeconds(h.release.invokeTime)} (release invoked)` : 'until the end (never released)';
  return `from ${formatSeconds(h.acquire.completeTime!)} (acquire(${key}, ${String(h.token)}) acknowledged) ${end}`;
}

// A counterexample's times are event times: seconds for our histories, positions for imported ones.
const invoked = (op: EvidenceOp): string => formatEventTime(op.invokeTime);
const completed = (op: EvidenceOp): string => formatEventTime(op.completeTime);
const same = (x: EvidenceOp | null, y: EvidenceOp | null): boolean => x?.index === y?.index;

function notLinearizable(e: NotLinearizableEvidence): string {
  switch (e.cause) {
    case 'unwritten-value':
      return e.laterPut
        ? `${e.read.text} completed at ${completed(e.read)}, before ${e.laterPut.text} was invoked.`
        : `${e.read.text} (invoked at ${invoked(e.read)}) returned a value that no put wrote (or whose put failed).`;
    case 'read-before-write':
      return `${e.read.text} completed at ${completed(e.read)}, before ${e.write.text} was invoked at ${invoked(e.write)}.`;
    case 'null-without-source':
      return `${e.read.text} invoked at ${invoked(e.read)}, but ${e.write.text} had completed at ${completed(e.write)} and no delete of ${e.key} was in progress or invoked after that put was invoked, so the object existed.`;
    case 'cluster-conflict':
      return clusterConflict(e.v, e.u);
    case 'cannot-take-effect':
      return (
        `${e.op.text} (invoked at ${invoked(e.op)}, completed at ${completed(e.op)}) cannot take effect: ` +
        `the longest linearizable prefix found has ${e.prefixLength} ops and leaves ${e.state}, ` +
        `and no other order of the ops before its completion lets it take effect.`
      );
    case 'no-order':
      return 'No order of the ops respects both real time and the model.';
  }
}

/** Two values whose clusters cannot be ordered: v's (A first done, B last invoked) and u's (C, D). */
function clusterConflict(v: ClusterEvidence, u: ClusterEvidence): string {
  const { firstDone: A, lastInvoked: B, write: wv } = v;
  const { firstDone: C, lastInvoked: D, write: wu } = u;
  const written = wv ? (wv.f === 'delete' ? `the object was deleted by ${wv.text}` : `${shown(v)} was written`) : 'the start';
  const aText = A ? (same(A, wv) ? `${written}` : `${A.text} had completed at ${completed(A)}`) : 'the start';
  const aWhen = A ? ` (${A.text} completed at ${completed(A)})` : '';
  const after = `${aText}${same(A, wv) ? aWhen : ''}`;
  // The other group is the initial state's: it took effect at the start, before anything.
  if (!C) return `${D.text} invoked at ${invoked(D)} still saw the initial state (no object), but ${A ? `${A.text} had completed at ${completed(A)}` : 'another write had taken effect'}; once ${written} the initial state cannot come back.`;
  if (!wv) {
    // This group is the initial state's: its null reads came after the other value took effect.
    const by = wu && !same(wu, C) ? ` (${shown(u)} was written by ${wu.text})` : '';
    return `${B.text} invoked at ${invoked(B)} still saw the initial state (no object), but ${C.text} had completed at ${completed(C)}${by}; once another value was written the initial state cannot come back.`;
  }
  if (same(C, D)) return `${B.text} invoked at ${invoked(B)}, but ${C.text} had completed at ${completed(C)}, after ${after}; ${C.text} was invoked at ${invoked(C)}.`;
  return `${B.text} invoked at ${invoked(B)}, but ${C.text} had completed at ${completed(C)}, and ${D.text} was invoked at ${invoked(D)}, after ${after}: the ops on these two values cannot be ordered one group after the other.`;
}

function shown(c: ClusterEvidence): string {
  return c.value === undefined ? 'its value' : JSON.stringify(c.value);
}
