import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

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

export interface GroundTruthOptions {
  /** Also append every event to this file as JSON lines. */
  jsonlPath?: string;
  origin?: bigint;
}

export class GroundTruthLog {
  readonly events: GroundTruthEvent[] = [];
  readonly origin: bigint;
  private pending: string[] = [];
  private flushTimer: NodeJS.Timeout | undefined;

  constructor(private readonly options: GroundTruthOptions = {}) {
    this.origin = options.origin ?? process.hrtime.bigint();
    if (options.jsonlPath) {
      // The run folder it lives in is made once the target is open, i.e. after this.
      mkdirSync(dirname(options.jsonlPath), { recursive: true });
      writeFileSync(options.jsonlPath, '');
    }
  }

  now(): number {
    return Number(process.hrtime.bigint() - this.origin);
  }

  /** A process.hrtime.bigint() value on this log's clock. */
  at(hrtime: bigint): number {
    return Number(hrtime - this.origin);
  }

  record(event: GroundTruthEvent): void {
    this.events.push(event);
    if (!this.options.jsonlPath) return;
    this.pending.push(JSON.stringify(event));
    // Batch the file writes: one sync append per burst keeps the request path cheap.
    this.flushTimer ??= setTimeout(() => this.flush(), 100).unref();
  }

  flush(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    if (!this.options.jsonlPath || this.pending.length === 0) return;
    appendFileSync(this.options.jsonlPath, this.pending.join('\n') + '\n');
    this.pending = [];
  }

  /** Where write `writeId` got to: the replicas it was applied on, in order. */
  appliedOn(writeId: number): number[] {
    const replicas: number[] = [];
    for (const e of this.events) if (e.kind === 'apply' && e.writeId === writeId) replicas.push(e.replica);
    return replicas;
  }
}
