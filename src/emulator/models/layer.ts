import type { ListSnapshot } from '../listing.js';
import type { Keyspace, ReadOutcome, WriteOutcome, WriteRequest } from './keyspace.js';

/** A fault or a front around a model: every call it does not override goes to the keyspace inside. */
export abstract class KeyspaceLayer implements Keyspace {
  constructor(protected readonly inner: Keyspace) {}

  read(key: string): Promise<ReadOutcome> {
    return this.inner.read(key);
  }

  write(request: WriteRequest): Promise<WriteOutcome> {
    return this.inner.write(request);
  }

  list(): Promise<ListSnapshot> {
    return this.inner.list();
  }

  isEmpty(): boolean {
    return this.inner.isEmpty();
  }

  close(): void {
    this.inner.close();
  }
}
