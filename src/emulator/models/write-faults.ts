import { checkWrite } from '../conditions.js';
import { makeVersion } from '../object-version.js';
import type { Keyspace, ModelContext, WriteOutcome, WriteRequest } from './keyspace.js';
import { KeyspaceLayer } from './layer.js';

export type DropMode = 'nowhere' | 'coordinator';

/**
 * The lost-write fault: with probability p a write is acknowledged as if it had succeeded,
 * but either never applied anywhere ("nowhere") or applied on one copy that later forgets it
 * ("coordinator", which the model carries out). Only writes that would have succeeded are
 * dropped, so a client cannot tell from the answer.
 */
export class DroppingWrites extends KeyspaceLayer {
  constructor(
    inner: Keyspace,
    private readonly ctx: ModelContext,
    private readonly probability: number,
    private readonly mode: DropMode,
  ) {
    super(inner);
  }

  override async write(request: WriteRequest): Promise<WriteOutcome> {
    if (this.ctx.random.next() >= this.probability) return this.inner.write(request);
    let outcome: WriteOutcome;
    if (this.mode === 'coordinator') {
      outcome = await this.inner.write({ ...request, lost: true });
    } else {
      if (request.precondition) {
        // A precondition that fails must still fail: read what the store would have judged by.
        const error = checkWrite(request.precondition, (await this.inner.read(request.key)).version);
        if (error) throw error;
      }
      outcome = { version: makeVersion(request.object, request.writeId, this.ctx.now()), replicas: [] };
    }
    const truth = this.ctx.truth;
    truth?.record({ kind: 'drop', writeId: request.writeId, bucket: this.ctx.bucket, key: request.key, mode: this.mode, atNs: truth.now() });
    return outcome;
  }
}
