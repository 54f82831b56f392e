import { eventCount, lastEventTime, type History, type Op } from '../src/history/event.js';
import type { LockAcquired, ReleaseArgs } from '../src/history/op-values.js';
import { mergedKeyParts, type Anomaly, type CheckResult, type Checker } from './checker.js';
import { isRefused, refusedBecause } from '../src/history/conditional.js';
import { evidenceOp, type HoldEvidence } from './evidence.js';
import { toAnomaly } from './explain.js';
import { distribution } from './staleness/stats.js';

// The lock workload's history: src/history/op-values.ts says what its ops carry.

/** A hold: from the acquire's acknowledgement to the release's invocation (or the end). */
interface Hold {
  acquire: Op;
  release?: Op;
  from: number;
  to: number;
}

function acquired(op: Op): boolean {
  return op.f === 'acquire' && op.type === 'ok' && typeof (op.value as Partial<LockAcquired> | null)?.acquired === 'string';
}

/**
 * Mutual exclusion. A worker holds a lock at least from the moment its acquire was
 * acknowledged until it invoked the release (whatever the store did, the holder acted as the
 * only holder in between): two such holds of one lock that overlap in real time are a
 * violation, whatever the timing of the store. Also a violation: a release refused although
 * its holder had not released (the lock was changed under it). Order is by event index.
 */
export const mutualExclusion = {
  name: 'mutual-exclusion',
  description: 'no two holders of a lock whose acquires were acknowledged hold it at the same time, and no holder finds its lock changed under it',

  ...mergedKeyParts(keyParts, resultOf),
} satisfies Checker;

type Figures = { acquires: number; acquired: number; busy: number; refused: number; releases: number; releasesRefused: number; overlappingHolds: number };

/** What one lock's ops show. */
interface KeyPart {
  /** The invocation index of its first acknowledged acquire (Infinity: none): the order locks are met in. */
  firstHold: number;
  figures: Figures;
  /** Its refused releases' anomalies (the first `max`), then its overlapping holds' (the first `max`). */
  refusedReleases: Anomaly[];
  overlaps: Anomaly[];
  overlapsMs: number[];
  holdMs: number[];
}

/** Each lock's part (ops without a key together), in no particular order. */
function keyParts(history: History, max: number): KeyPart[] {
  const byKey = new Map<string | undefined, Op[]>();
  for (const op of history.ops) {
    const list = byKey.get(op.key);
    if (list) list.push(op);
    else byKey.set(op.key, [op]);
  }
  const endIndex = eventCount(history);
  const endTime = lastEventTime(history);
  return [...byKey.values()].map((ops) => lockPart(ops, max, endIndex, endTime));
}

/**
 * One lock's part. A release ends the hold of the acquire whose token it carries, by the same
 * worker, on the same lock: a release of another lock frees nothing here.
 */
function lockPart(ops: readonly Op[], max: number, endIndex: number, endTime: number): KeyPart {
  const figures: Figures = { acquires: 0, acquired: 0, busy: 0, refused: 0, releases: 0, releasesRefused: 0, overlappingHolds: 0 };
  const part: KeyPart = { firstHold: Infinity, figures, refusedReleases: [], overlaps: [], overlapsMs: [], holdMs: [] };
  const releasesOf = new Map<number, Op[]>();
  for (const op of ops) {
    if (op.f !== 'release') continue;
    const list = releasesOf.get(op.process);
    if (list) list.push(op);
    else releasesOf.set(op.process, [op]);
  }
  const holds: Hold[] = [];
  for (const op of ops) {
    if (op.f === 'release') {
      figures.releases++;
      if (isRefused(op)) {
        figures.releasesRefused++;
        if (part.refusedReleases.length < max) part.refusedReleases.push(toAnomaly({ kind: 'release-refused', key: op.key, release: evidenceOp(op), refusal: refusedBecause(op) }, [op.invokeIndex]));
      }
      continue;
    }
    if (op.f !== 'acquire') continue;
    figures.acquires++;
    if (isRefused(op)) figures.refused++;
    else if (op.type === 'ok' && (op.value as { busy?: unknown })?.busy !== undefined) figures.busy++;
    if (!acquired(op)) continue;
    figures.acquired++;
    part.firstHold = Math.min(part.firstHold, op.invokeIndex);
    const release = releasesOf.get(op.process)?.find((r) => r.invokeIndex > op.invokeIndex && (r.invokeValue as ReleaseArgs | undefined)?.token === op.invokeValue);
    const hold: Hold = { acquire: op, from: op.completeIndex!, to: release ? release.invokeIndex : endIndex };
    if (release) hold.release = release;
    holds.push(hold);
  }
  holds.sort((a, b) => a.from - b.from);
  for (let i = 0; i < holds.length; i++) {
    const b = holds[i]!;
    part.holdMs.push(until(b, endTime) - b.acquire.completeTime!);
    for (let j = 0; j < i; j++) {
      const a = holds[j]!;
      if (a.to <= b.from) continue;
      figures.overlappingHolds++;
      const overlap = Math.min(until(a, endTime), until(b, endTime)) - b.acquire.completeTime!;
      part.overlapsMs.push(overlap);
      if (part.overlaps.length < max) part.overlaps.push(toAnomaly({ kind: 'overlapping-holds', key: b.acquire.key!, first: held(a), second: held(b), overlapNs: overlap }, [a.acquire.invokeIndex, b.acquire.invokeIndex]));
    }
  }
  return part;
}

/** The locks' parts, in any order, as one result: refused releases in history order, then each lock's overlaps, locks in the order first held. */
function resultOf(parts: readonly KeyPart[], max: number): CheckResult {
  const figures: Figures = { acquires: 0, acquired: 0, busy: 0, refused: 0, releases: 0, releasesRefused: 0, overlappingHolds: 0 };
  const refused: Anomaly[] = [];
  for (const p of parts) {
    for (const name of Object.keys(figures) as (keyof Figures)[]) figures[name] += p.figures[name];
    refused.push(...p.refusedReleases);
  }
  refused.sort((a, b) => a.ops[0]! - b.ops[0]!);
  const held = parts.filter((p) => p.firstHold < Infinity).sort((a, b) => a.firstHold - b.firstHold);
  const anomalies = refused.slice(0, max);
  for (const p of held) anomalies.push(...p.overlaps.slice(0, max - anomalies.length));
  const violations = figures.overlappingHolds + figures.releasesRefused;
  const result: CheckResult = {
    valid: violations === 0,
    anomalies,
    locks: held.length,
    ...figures,
    holdMs: distribution(
      held.flatMap((p) => p.holdMs),
      1e-6,
    ),
    overlapMs: distribution(
      held.flatMap((p) => p.overlapsMs),
      1e-6,
    ),
  };
  if (figures.acquired === 0) result.summary = 'no acknowledged acquire to check';
  else if (violations > 0) result.summary = `${figures.overlappingHolds} overlapping hold(s), ${figures.releasesRefused} refused release(s), of ${figures.acquired} acknowledged acquires`;
  return result;
}

/** When the hold ended: its release's invocation, or the end of the history. */
function until(h: Hold, endTime: number): number {
  return h.release ? h.release.invokeTime : endTime;
}

function held(h: Hold): HoldEvidence {
  return { acquire: evidenceOp(h.acquire), token: h.acquire.invokeValue, release: h.release ? evidenceOp(h.release) : null };
}
