import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { GroundTruthEvent } from '../history/ground-truth.js';

export type { GroundTruthEvent } from '../history/ground-truth.js';

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
