import type { ListSnapshot } from '../listing.js';
import type { Keyspace, ReadOutcome, VersionedKeyspace, WriteOutcome, WriteRequest } from './keyspace.js';

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

  /**
   * The inner model's versions, untouched: the faults and fronts act on plain reads and writes
   * (a version addressed by id never changes, so a cache has nothing to add to it).
   */
  get versions(): VersionedKeyspace | undefined {
    return this.inner.versions;
  }

  isEmpty(): boolean {
    return this.inner.isEmpty();
  }

  close(): void {
    this.inner.close();
  }
}
