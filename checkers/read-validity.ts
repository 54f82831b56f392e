import type { History, Op } from '../src/history/event.js';
import type { Anomaly, ByKey, CheckOptions, CheckResult, Checker } from './checker.js';
import { casArgs, mayHaveWritten } from '../src/history/conditional.js';
import { isCorrupt } from '../src/history/corrupt-read.js';
import { evidenceOp } from './evidence.js';
import { toAnomaly } from './explain.js';

// head and set-meta: the metadata workload's version register (workloads/metadata.ts).
const READS = new Set(['get', 'read', 'head']);
const WRITES = new Set(['put', 'write', 'set-meta']);

/** The value a write op stores, if it stores one (cas stores the second of [expected, new]). */
function writtenValue(op: Op): unknown {
  if (WRITES.has(op.f)) return op.invokeValue;
  return casArgs(op)?.[1];
}

/**
 * Every successful read returns "no object" or a value that some op wrote to that same key
 * and had invoked before the read completed. Anything else is a corrupt body (torn, truncated:
 * it fails its own checksum), a phantom, a value from another key, a value whose write
 * definitely failed, or a read from the future: corruption, not staleness, whatever the
 * consistency model.
 */
export const readValidity = {
  name: 'read-validity',
  description: 'every read returns null or a value written to that key by an op invoked before the read completed',

  check(history: History, options: CheckOptions = {}): CheckResult {
    const max = options.maxAnomalies ?? 100;
    const writes = writesOf(history);
    const anomalies: Anomaly[] = [];
    let reads = 0;
    let invalid = 0;
    let corrupt = 0;
    for (const read of history.ops) {
      if (read.type !== 'ok' || !READS.has(read.f)) continue;
      reads++;
      if (read.value === null || read.value === undefined) continue;
      const anomaly = anomalyOf(read, writes.get(read.value));
      if (!anomaly) continue;
      invalid++;
      if (anomaly.kind === 'corrupt-read') corrupt++;
      if (anomalies.length < max) anomalies.push(anomaly);
    }
    return resultOf(reads, invalid, corrupt, anomalies);
  },

  // A read's value is checked against its key's writes; only one that no write of its key wrote
  // needs the others: a phantom, or a value from another key (and which write), is asked of
  // every key for the reads that will be listed.
  byKey: {
    keyPart(history: History, options: CheckOptions): KeyPart {
      const max = options.maxAnomalies ?? 100;
      const writes = writesOf(history);
      const part: KeyPart = { reads: 0, invalid: 0, corrupt: 0, listed: [] };
      for (const read of history.ops) {
        if (read.type !== 'ok' || !READS.has(read.f)) continue;
        part.reads++;
        if (read.value === null || read.value === undefined) continue;
        const own = writes.get(read.value);
        // No write of its key wrote it: invalid whatever the others wrote (see anomalyOf).
        const anomaly = own === undefined && !isCorrupt(read.value) ? undefined : anomalyOf(read, own);
        if (own !== undefined && !anomaly) continue;
        part.invalid++;
        if (anomaly?.kind === 'corrupt-read') part.corrupt++;
        if (part.listed.length < max) part.listed.push(anomaly ? { at: read.invokeIndex, anomaly } : { at: read.invokeIndex, pending: read });
      }
      return part;
    },
    question(parts: KeyPart[], options: CheckOptions): unknown[] | undefined {
      const values = listedOf(parts, options.maxAnomalies ?? 100).flatMap((l) => ('pending' in l ? [l.pending.value] : []));
      return values.length > 0 ? values : undefined;
    },
    answer(history: History, values: unknown[]): Answer {
      // Of each value asked, this key's first write (in history order), if it wrote it.
      const writes = writesOf(history);
      return values.map((v) => {
        const w = writes.get(v);
        return w === undefined ? null : Array.isArray(w) ? w[0]! : w;
      });
    },
    merge(parts: KeyPart[], options: CheckOptions, _outline: History, answers: Answer[] = []): CheckResult {
      const listed = listedOf(parts, options.maxAnomalies ?? 100);
      let asked = 0;
      const anomalies = listed.map((l) => {
        if ('anomaly' in l) return l.anomaly;
        // The first write of the value in history order, whatever its key: as the whole pass finds it.
        let first: Op | null = null;
        for (const a of answers) {
          const w = a[asked];
          if (w && (!first || w.invokeIndex < first.invokeIndex)) first = w;
        }
        asked++;
        return anomalyOf(l.pending, first ?? undefined)!;
      });
      const sum = (f: (p: KeyPart) => number) => parts.reduce((n, p) => n + f(p), 0);
      return resultOf(sum((p) => p.reads), sum((p) => p.invalid), sum((p) => p.corrupt), anomalies);
    },
  } satisfies ByKey<KeyPart, unknown[], Answer>,
} satisfies Checker;

/** A key's part: its counts, and its first anomalies in history order, those that need the other keys held back as their reads. */
interface KeyPart {
  reads: number;
  invalid: number;
  corrupt: number;
  listed: ({ at: number; anomaly: Anomaly } | { at: number; pending: Op })[];
}

/** By value asked, this key's first write of it (null: none). */
type Answer = (Op | null)[];

/** The anomalies the whole pass lists: the first `max` of all keys' in history order. */
const listedOf = (parts: readonly KeyPart[], max: number): KeyPart['listed'] =>
  parts
    .flatMap((p) => p.listed)
    .sort((a, b) => a.at - b.at)
    .slice(0, max);

/** The writes of the history (or of one key of it), by value. */
function writesOf(history: History): WritesByValue {
  const writes = new WritesByValue();
  for (const op of history.ops) {
    const v = writtenValue(op);
    if (v !== undefined) writes.add(v, op);
  }
  return writes;
}

function resultOf(reads: number, invalid: number, corrupt: number, anomalies: Anomaly[]): CheckResult {
  // Nothing to check is not a doubt: the verdict stays true, and the summary says so.
  const result: CheckResult = { valid: invalid === 0, anomalies, reads, invalidReads: invalid, corruptReads: corrupt };
  if (reads === 0) result.summary = 'no successful reads to check';
  return result;
}

/** The writes of a value: one op, or several in history order (values are mostly written once: no list for those). */
type Writes = Op | Op[];

/**
 * The writes of each value, in history order. Values are equal when their JSON is: a finite
 * number is keyed as itself (0 and -0 one key, as their JSON is), without making its text,
 * anything else by its JSON.
 */
class WritesByValue {
  private readonly numbers = new Map<number, Writes>();
  private readonly others = new Map<string, Writes>();

  add(v: unknown, op: Op): void {
    const had = this.get(v);
    const now = had === undefined ? op : Array.isArray(had) ? had : [had, op];
    if (Array.isArray(had)) had.push(op);
    else if (typeof v === 'number' && Number.isFinite(v)) this.numbers.set(v, now);
    else this.others.set(JSON.stringify(v), now);
  }

  get(v: unknown): Writes | undefined {
    return typeof v === 'number' && Number.isFinite(v) ? this.numbers.get(v) : this.others.get(JSON.stringify(v));
  }
}

/** A write of the read's key that may have happened, invoked before the read completed: what explains nearly every read. */
function explains(w: Op, read: Op): boolean {
  return w.key === read.key && w.invokeIndex <= read.completeIndex! && mayHaveWritten(w);
}

function anomalyOf(read: Op, writes: Writes | undefined): Anomaly | undefined {
  const key = read.key;
  if (isCorrupt(read.value)) {
    const c = read.value;
    return toAnomaly({ kind: 'corrupt-read', key, read: evidenceOp(read), corruption: c.corrupt, ...(c.id === undefined ? {} : { headerValue: c.id }) }, [read.invokeIndex]);
  }
  if (writes !== undefined && !Array.isArray(writes) && explains(writes, read)) return undefined;
  const candidates = writes === undefined ? [] : Array.isArray(writes) ? writes : [writes];
  for (const w of candidates) if (explains(w, read)) return undefined;
  const sameKey = candidates.filter((w) => w.key === read.key);
  if (candidates.length === 0) return toAnomaly({ kind: 'phantom-value', key, read: evidenceOp(read) }, [read.invokeIndex]);
  if (sameKey.length === 0) {
    const w = candidates[0]!;
    return toAnomaly({ kind: 'value-from-other-key', key, read: evidenceOp(read), write: evidenceOp(w), writeKey: w.key }, [read.invokeIndex, w.invokeIndex]);
  }
  const possible = sameKey.filter(mayHaveWritten);
  if (possible.length === 0) {
    const w = sameKey[0]!;
    return toAnomaly({ kind: 'value-of-failed-write', key, read: evidenceOp(read), write: evidenceOp(w) }, [read.invokeIndex, w.invokeIndex]);
  }
  if (possible.every((w) => w.invokeIndex > read.completeIndex!)) {
    const w = possible[0]!;
    return toAnomaly({ kind: 'value-from-the-future', key, read: evidenceOp(read), write: evidenceOp(w) }, [read.invokeIndex, w.invokeIndex]);
  }
  return undefined;
}
