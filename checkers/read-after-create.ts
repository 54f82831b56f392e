import type { History, Op } from '../src/history/event.js';
import type { Anomaly, CheckOptions, CheckResult, Checker } from './checker.js';
import { evidenceOp } from './evidence.js';
import { toAnomaly } from './explain.js';
import { distribution } from './staleness/stats.js';

/** Reads: the workloads' gets, and new-object's `probe` (a GET sent before the key's PUT). */
const READS = new Set(['get', 'read', 'probe', 'final-get']);
/** Writes that leave an object behind when they succeed. */
const CREATES = new Set(['put', 'write', 'cas']);

interface KeyFacts {
  /** The ok write that completed first: from its completion on, the object exists. */
  created?: Op;
  /** Invocation index of the first delete that may have happened (deletes end the checked span). */
  firstDelete: number;
  /** Reads (ok, not-found) invoked before the object was known to exist. */
  notFoundBefore: Op[];
}

/**
 * Read-after-write for new objects: once a write that creates an object has completed, and as
 * long as no delete may have happened, no read invoked afterwards may return not-found. The
 * rule S3 kept even before December 2020, except after a 404 on the key (its negative cache),
 * so every violation says whether the key had been read as absent before (`probed`: by a
 * `probe` op; otherwise by any read that overlapped the creating write).
 */
export const readAfterCreate = {
  name: 'read-after-create',
  description: 'no read invoked after an object was created (and while it was never deleted) returns not-found; says which keys had been probed (read as absent) before',

  check(history: History, options: CheckOptions = {}): CheckResult {
    const max = options.maxAnomalies ?? 100;
    const keys = factsByKey(history.ops);
    const anomalies: Anomaly[] = [];
    const windows: number[] = [];
    const invisible = new Map<string, number>();
    let checked = 0;
    let onProbed = 0;
    let unexplained = 0;
    for (const read of history.ops) {
      if (read.type !== 'ok' || !READS.has(read.f) || read.key === undefined) continue;
      const facts = keys.get(read.key);
      const created = facts?.created;
      if (!created || read.invokeIndex < created.completeIndex! || facts.firstDelete < read.completeIndex!) continue;
      checked++;
      if (read.value !== null) continue;
      const t = read.invokeTime - created.completeTime!;
      windows.push(t);
      invisible.set(read.key, Math.max(invisible.get(read.key) ?? 0, t));
      const probe = facts.notFoundBefore.find((o) => o.f === 'probe');
      if (probe) onProbed++;
      if (facts.notFoundBefore.length === 0) unexplained++;
      if (anomalies.length < max) anomalies.push(anomalyOf(read, created, t, probe ?? facts.notFoundBefore[0]));
    }
    const probedKeys = [...keys.values()].filter((k) => k.created && k.notFoundBefore.some((o) => o.f === 'probe')).length;
    const invisibleKeys = [...invisible.keys()];
    const invisibleProbed = invisibleKeys.filter((k) => keys.get(k)!.notFoundBefore.some((o) => o.f === 'probe'));
    const result: CheckResult = {
      valid: windows.length === 0,
      anomalies,
      keysCreated: [...keys.values()].filter((k) => k.created).length,
      keysProbed: probedKeys,
      readsAfterCreate: checked,
      notFoundAfterCreate: { total: windows.length, onProbedKeys: onProbed, withNoEarlierNotFound: unexplained },
      keysInvisible: { total: invisibleKeys.length, probed: invisibleProbed.length, examples: invisibleKeys.slice(0, 20) },
      // How long after the PUT completed a read still got not-found: per read, and per key its latest.
      windowMs: distribution(windows, 1e-6),
      keyWindowMs: distribution([...invisible.values()], 1e-6),
    };
    if (checked === 0) result.summary = 'no reads invoked after a create completed';
    else if (windows.length > 0) {
      const w = result.windowMs as { max: number };
      result.summary =
        `${windows.length} of ${checked} reads after create returned not-found, on ${invisibleKeys.length} key(s) ` +
        `(${invisibleProbed.length} of them probed before); up to ${w.max.toFixed(1)} ms after the create completed`;
    }
    return result;
  },
} satisfies Checker;

function factsByKey(ops: readonly Op[]): Map<string, KeyFacts> {
  const keys = new Map<string, KeyFacts>();
  const of = (key: string): KeyFacts => {
    let k = keys.get(key);
    if (!k) keys.set(key, (k = { firstDelete: Infinity, notFoundBefore: [] }));
    return k;
  };
  for (const op of ops) {
    if (op.key === undefined) continue;
    if (op.type === 'ok' && CREATES.has(op.f)) {
      const k = of(op.key);
      if (!k.created || op.completeIndex! < k.created.completeIndex!) k.created = op;
    } else if (op.f === 'delete' && op.type !== 'fail') {
      const k = of(op.key);
      k.firstDelete = Math.min(k.firstDelete, op.invokeIndex);
    }
  }
  for (const op of ops) {
    const k = op.key === undefined ? undefined : keys.get(op.key);
    if (!k?.created || op.type !== 'ok' || !READS.has(op.f) || op.value !== null) continue;
    if (op.invokeIndex < k.created.completeIndex!) k.notFoundBefore.push(op);
  }
  return keys;
}

function anomalyOf(read: Op, created: Op, t: number, before: Op | undefined): Anomaly {
  return toAnomaly(
    { kind: 'not-found-after-create', key: read.key, read: evidenceOp(read), create: evidenceOp(created), windowNs: t, seenAbsent: before ? evidenceOp(before) : null },
    before ? [read.invokeIndex, created.invokeIndex, before.invokeIndex] : [read.invokeIndex, created.invokeIndex],
  );
}
