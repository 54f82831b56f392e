import type { ObjectVersion } from '../object-version.js';
import type { Keyspace, ReadOutcome } from './keyspace.js';
import { KeyspaceLayer } from './layer.js';

/** The max-age a Cache-Control value allows a shared cache, or 0 when it must not cache. */
export function cacheableSeconds(cacheControl: string | undefined): number {
  if (!cacheControl) return 0;
  const directives = cacheControl.toLowerCase().split(',').map((d) => d.trim());
  if (directives.some((d) => d === 'no-store' || d === 'no-cache' || d === 'private')) return 0;
  let age = 0;
  for (const d of directives) {
    // s-maxage speaks to shared caches and wins over max-age.
    const m = /^(s-maxage|max-age)\s*=\s*"?(\d+)"?$/.exec(d);
    if (m && (m[1] === 's-maxage' || age === 0)) age = Number(m[2]);
  }
  return age;
}

/**
 * A CDN in front of the store: a GET or HEAD answered from the store is kept for the object's
 * max-age, and reads within it get the kept version even after an overwrite or delete.
 * Writes go through untouched and invalidate nothing, as with a real CDN.
 */
export class CachingFront extends KeyspaceLayer {
  private readonly cache = new Map<string, { version: ObjectVersion; expiresAt: number }>();

  constructor(
    inner: Keyspace,
    private readonly now: () => number,
  ) {
    super(inner);
  }

  override async read(key: string): Promise<ReadOutcome> {
    const now = this.now();
    const hit = this.cache.get(key);
    if (hit && hit.expiresAt > now) return { version: hit.version, replicas: [], servedBy: 'cache' };
    const outcome = await this.inner.read(key);
    const seconds = cacheableSeconds(outcome.version?.cacheControl);
    if (outcome.version && seconds > 0) this.cache.set(key, { version: outcome.version, expiresAt: this.now() + seconds * 1000 });
    else if (hit) this.cache.delete(key);
    return outcome;
  }
}
