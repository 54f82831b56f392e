import type { History, Op } from '../src/history/event.js';
import { mergedKeyParts, type Anomaly, type CheckResult, type Checker } from './checker.js';
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

  ...mergedKeyParts(keyParts, resultOf),
} satisfies Checker;

/** What one created key's reads show. */
interface KeyPart {
  key: string;
  /** Read as absent by a probe before it was created. */
  probed: boolean;
  /** Reads invoked after the create completed (and before a delete). */
  checked: number;
  onProbed: number;
  unexplained: number;
  /** The invocation index of the first not-found read after the create (Infinity: none). */
  first: number;
  /** Each not-found read after the create: how long after the create completed it began. */
  windows: number[];
  /** The first `max` of them as anomalies. */
  anomalies: Anomaly[];
}

/** The created keys' parts, in no particular order. */
function keyParts(history: History, max: number): KeyPart[] {
  const parts = new Map<string, KeyPart>();
  const keys = factsByKey(history.ops);
  for (const [key, facts] of keys) {
    if (facts.created) parts.set(key, { key, probed: facts.notFoundBefore.some((o) => o.f === 'probe'), checked: 0, onProbed: 0, unexplained: 0, first: Infinity, windows: [], anomalies: [] });
  }
  for (const read of history.ops) {
    if (read.type !== 'ok' || !READS.has(read.f) || read.key === undefined) continue;
    const facts = keys.get(read.key);
    const created = facts?.created;
    if (!created || read.invokeIndex < created.completeIndex! || facts.firstDelete < read.completeIndex!) continue;
    const part = parts.get(read.key)!;
    part.checked++;
    if (read.value !== null) continue;
    const t = read.invokeTime - created.completeTime!;
    part.first = Math.min(part.first, read.invokeIndex);
    part.windows.push(t);
    const probe = facts.notFoundBefore.find((o) => o.f === 'probe');
    if (probe) part.onProbed++;
    if (facts.notFoundBefore.length === 0) part.unexplained++;
    if (part.anomalies.length < max) part.anomalies.push(anomalyOf(read, created, t, probe ?? facts.notFoundBefore[0]));
  }
  return [...parts.values()];
}

/** The keys' parts, in any order, as one result: figures and lists in history order. */
function resultOf(parts: readonly KeyPart[], max: number): CheckResult {
  let checked = 0;
  let onProbed = 0;
  let unexplained = 0;
  // Quantiles only: their order does not matter.
  const windows: number[] = [];
  const invisible: { key: string; first: number; latest: number; probed: boolean }[] = [];
  let anomalies: Anomaly[] = [];
  for (const p of parts) {
    checked += p.checked;
    onProbed += p.onProbed;
    unexplained += p.unexplained;
    for (const w of p.windows) windows.push(w);
    if (p.windows.length > 0) invisible.push({ key: p.key, first: p.first, latest: p.windows.reduce((a, b) => Math.max(a, b)), probed: p.probed });
    anomalies.push(...p.anomalies);
  }
  // Keys in the order their first not-found read was invoked, as a pass over the history meets them.
  invisible.sort((a, b) => a.first - b.first);
  // Each key's first `max`, so the first `max` of all.
  anomalies = anomalies.sort((a, b) => a.ops[0]! - b.ops[0]!).slice(0, max);
  const invisibleProbed = invisible.filter((k) => k.probed);
  const result: CheckResult = {
    valid: windows.length === 0,
    anomalies,
    keysCreated: parts.length,
    keysProbed: parts.filter((p) => p.probed).length,
    readsAfterCreate: checked,
    notFoundAfterCreate: { total: windows.length, onProbedKeys: onProbed, withNoEarlierNotFound: unexplained },
    keysInvisible: { total: invisible.length, probed: invisibleProbed.length, examples: invisible.slice(0, 20).map((k) => k.key) },
    // How long after the PUT completed a read still got not-found: per read, and per key its latest.
    windowMs: distribution(windows, 1e-6),
    keyWindowMs: distribution(
      invisible.map((k) => k.latest),
      1e-6,
    ),
  };
  if (checked === 0) result.summary = 'no reads invoked after a create completed';
  else if (windows.length > 0) {
    const w = result.windowMs as { max: number };
    result.summary =
      `${windows.length} of ${checked} reads after create returned not-found, on ${invisible.length} key(s) ` +
      `(${invisibleProbed.length} of them probed before); up to ${w.max.toFixed(1)} ms after the create completed`;
  }
  return result;
}

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
