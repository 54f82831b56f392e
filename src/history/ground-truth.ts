// The record a target keeps of what really happened inside it (the emulator's ground truth,
// ground-truth.jsonl in a run folder): its format, and reading it back.
import { readFileSync } from 'node:fs';
import { UserError } from '../util/errors.js';

/**
 * What really happened inside the emulator, for comparing a checker's verdict with the truth.
 * Times are nanoseconds since `origin` (a process.hrtime.bigint() value): pass the run's own
 * origin and they line up with the history's `time` field.
 */
export type GroundTruthEvent =
  | {
      kind: 'op';
      op: string;
      bucket: string;
      key?: string;
      startNs: number;
      endNs: number;
      status: number;
      coordinator?: number;
      /** Replicas whose state the answer came from (reads) or that acknowledged (writes). */
      replicas?: number[];
      /** Where a read was answered from when not from the replicas. */
      servedBy?: 'cache' | 'negative-cache';
      /** The write this op made, or the write whose value a read returned (null: none). */
      writeId?: number | null;
      /** Quorum model: when each of `replicas` was read (its state as of then), exactly. */
      readAtNs?: number[];
      /** Quorum model: when the coordinator sent the read to the replicas, exactly. */
      startedAtNs?: number;
      /** Quorum model: when the write committed (its W-th acknowledgement reached the coordinator), exactly. */
      committedAtNs?: number;
    }
  /** A write reached a replica (for single-copy models, replica 0 is the store). */
  | { kind: 'apply'; writeId: number; bucket: string; key: string; replica: number; atNs: number; superseded?: boolean }
  /** s3-legacy: when a write becomes the version every read returns, and when LIST shows it. */
  | { kind: 'settle'; writeId: number; bucket: string; key: string; settleNs: number; listNs: number }
  /** An acknowledged write the fault knob threw away: never applied, or later undone. */
  | { kind: 'drop'; writeId: number; bucket: string; key: string; mode: 'nowhere' | 'coordinator'; atNs: number }
  | { kind: 'lose'; writeId: number; bucket: string; key: string; replica: number; atNs: number }
  /**
   * A runtime fault began or ended. Partition starts name the replicas cut off together; its
   * end (every partition at once) counts the held messages it delivered. Clock-skew starts
   * give every coordinator's new offset; its end restores the configured ones.
   */
  /**
   * A change the emulator applies after a delay: a bucket policy, an access key's state, bucket
   * versioning (answered at atNs), or a write reaching the replica (accepted at atNs). It governs
   * requests from effectiveNs on.
   */
  | { kind: 'control'; setting: 'policy' | 'key-state' | 'versioning' | 'replica'; bucket?: string; key?: string; atNs: number; effectiveNs: number }
  | {
      kind: 'fault';
      fault: 'partition' | 'clock-skew';
      action: 'start' | 'end';
      atNs: number;
      replicas?: number[];
      clockSkewsMs?: number[];
      delivered?: number;
    };


/** ground-truth.jsonl's events; a line that is not JSON is a one-line error naming file and line. */
export function readGroundTruth(file: string): GroundTruthEvent[] {
  const lines = readFileSync(file, 'utf8').split('\n');
  let last = lines.length - 1;
  while (last >= 0 && lines[last]!.trim() === '') last--;
  const events: GroundTruthEvent[] = [];
  for (let i = 0; i <= last; i++) {
    const line = lines[i]!;
    if (line.trim() === '') continue;
    try {
      events.push(JSON.parse(line) as GroundTruthEvent);
    } catch {
      // A run cut short may leave its last line half written: only that one is forgiven.
      if (i === last) break;
      throw new UserError(`${file}:${i + 1}: not a JSON ground-truth event`);
    }
  }
  return events;
}
