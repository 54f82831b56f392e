import { versionIdOf, type ObjectVersion } from '../object-version.js';
import { SortedKeys } from './keyspace.js';

/**
 * Every version of every key of one bucket, as S3 keeps them: each key's versions newest first,
 * the first being the current one (a delete marker when the key was deleted under versioning).
 * In a bucket that never had versioning a key has one version, its "null" one: the object.
 *
 * Bookkeeping only: what a write means (a new version, a replaced "null" one, a delete marker)
 * is decided by the model that calls it. A key is here while it has any version, markers
 * included, which is what S3's ListObjectVersions shows and its DeleteBucket refuses to lose.
 */
export class VersionStore {
  private readonly byKey = new Map<string, ObjectVersion[]>();
  private readonly keys = new SortedKeys(() => this.byKey.keys());

  /** The key's current version (possibly a delete marker), if it has any. */
  current(key: string): ObjectVersion | undefined {
    return this.byKey.get(key)?.[0];
  }

  /** The key's versions, newest first. */
  versions(key: string): readonly ObjectVersion[] {
    return this.byKey.get(key) ?? [];
  }

  find(key: string, versionId: string): ObjectVersion | undefined {
    return this.byKey.get(key)?.find((v) => versionIdOf(v) === versionId);
  }

  /**
   * Makes `version` the key's current one. A key has at most one "null" version (S3 overwrites it
   * in place while versioning is suspended), so a new "null" version replaces the old one,
   * which is returned.
   */
  push(key: string, version: ObjectVersion): ObjectVersion | undefined {
    let stack = this.byKey.get(key);
    if (!stack) {
      stack = [];
      this.byKey.set(key, stack);
      this.keys.invalidate();
    }
    let replaced: ObjectVersion | undefined;
    if (versionIdOf(version) === 'null') {
      const at = stack.findIndex((v) => versionIdOf(v) === 'null');
      if (at >= 0) replaced = stack.splice(at, 1)[0];
    }
    stack.unshift(version);
    return replaced;
  }

  /** Removes this very version (not merely one with its id); the next newer-to-older one becomes current. */
  remove(key: string, version: ObjectVersion): boolean {
    const stack = this.byKey.get(key);
    const at = stack ? stack.indexOf(version) : -1;
    if (at < 0) return false;
    stack!.splice(at, 1);
    if (stack!.length === 0) {
      this.byKey.delete(key);
      this.keys.invalidate();
    }
    return true;
  }

  /** Keys that have any version, in listing order. */
  sortedKeys(): readonly string[] {
    return this.keys.get();
  }

  isEmpty(): boolean {
    return this.byKey.size === 0;
  }
}
