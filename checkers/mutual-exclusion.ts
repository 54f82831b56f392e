import { eventCount, lastEventTime, type History, type Op } from '../src/history/event.js';
import type { LockAcquired, ReleaseArgs } from '../src/history/op-values.js';
import type { Anomaly, CheckOptions, CheckResult, Checker } from './checker.js';
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

  check(history: History, options: CheckOptions = {}): CheckResult {
    const max = options.maxAnomalies ?? 100;
    const endIndex = eventCount(history);
    const endTime = lastEventTime(history);
    const byProcess = new Map<number, Op[]>();
    for (const op of history.ops) {
      const list = byProcess.get(op.process);
      if (list) list.push(op);
      else byProcess.set(op.process, [op]);
    }
    const holds = new Map<string, Hold[]>();
    const figures = { acquires: 0, acquired: 0, busy: 0, refused: 0, releases: 0, releasesRefused: 0, overlappingHolds: 0 };
    const anomalies: Anomaly[] = [];
    const add = (a: Anomaly) => anomalies.length < max && anomalies.push(a);
    for (const op of history.ops) {
      if (op.f === 'release') {
        figures.releases++;
        if (isRefused(op)) {
          figures.releasesRefused++;
          add(toAnomaly({ kind: 'release-refused', key: op.key, release: evidenceOp(op), refusal: refusedBecause(op) }, [op.invokeIndex]));
        }
        continue;
      }
      if (op.f !== 'acquire') continue;
      figures.acquires++;
      if (isRefused(op)) figures.refused++;
      else if (op.type === 'ok' && (op.value as { busy?: unknown })?.busy !== undefined) figures.busy++;
      if (!acquired(op)) continue;
      figures.acquired++;
      const release = byProcess.get(op.process)!.find((r) => r.f === 'release' && r.invokeIndex > op.invokeIndex && (r.invokeValue as ReleaseArgs | undefined)?.token === op.invokeValue);
      const hold: Hold = { acquire: op, from: op.completeIndex!, to: release ? release.invokeIndex : endIndex };
      if (release) hold.release = release;
      const list = holds.get(op.key!);
      if (list) list.push(hold);
      else holds.set(op.key!, [hold]);
    }
    const overlapsMs: number[] = [];
    const holdMs: number[] = [];
    for (const [key, list] of holds) {
      list.sort((a, b) => a.from - b.from);
      for (let i = 0; i < list.length; i++) {
        const b = list[i]!;
        holdMs.push(until(b, endTime) - b.acquire.completeTime!);
        for (let j = 0; j < i; j++) {
          const a = list[j]!;
          if (a.to <= b.from) continue;
          figures.overlappingHolds++;
          const overlap = Math.min(until(a, endTime), until(b, endTime)) - b.acquire.completeTime!;
          overlapsMs.push(overlap);
          add(toAnomaly({ kind: 'overlapping-holds', key, first: held(a), second: held(b), overlapNs: overlap }, [a.acquire.invokeIndex, b.acquire.invokeIndex]));
        }
      }
    }
    const violations = figures.overlappingHolds + figures.releasesRefused;
    const result: CheckResult = { valid: violations === 0, anomalies, locks: holds.size, ...figures, holdMs: distribution(holdMs, 1e-6), overlapMs: distribution(overlapsMs, 1e-6) };
    if (figures.acquired === 0) result.summary = 'no acknowledged acquire to check';
    else if (violations > 0) result.summary = `${figures.overlappingHolds} overlapping hold(s), ${figures.releasesRefused} refused release(s), of ${figures.acquired} acknowledged acquires`;
    return result;
  },
} satisfies Checker;

/** When the hold ended: its release's invocation, or the end of the history. */
function until(h: Hold, endTime: number): number {
  return h.release ? h.release.invokeTime : endTime;
}

function held(h: Hold): HoldEvidence {
  return { acquire: evidenceOp(h.acquire), token: h.acquire.invokeValue, release: h.release ? evidenceOp(h.release) : null };
}
