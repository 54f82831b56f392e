import { fillThenMix } from './fill-then-mix.js';
import { encodeValue } from './values.js';
import type { OpGenerator, Workload, WorkloadOptions } from './workload.js';

/** The user metadata field that carries the version (S3 lowercases metadata names). */
export const VERSION_FIELD = 'objcheck-version';

type Fn = 'head' | 'set-meta';
// Mostly HEADs, so that many start soon after an update completed: the visibility window.
const MIX: readonly (readonly [Fn, number])[] = [
  ['head', 0.75],
  ['set-meta', 0.25],
];

/**
 * Read-after-metadata-update. Each of --keys objects is PUT once (`put`, body and metadata
 * version v), then its metadata is replaced in place (`set-meta` u: CopyObject onto itself,
 * MetadataDirective REPLACE; the body stays) while other workers `head` it, which returns the
 * metadata version it saw (null: no object). Versions are unique, so the object's metadata is a
 * register whose writes are the put and the set-metas, and a HEAD names the very update it saw:
 * the staleness checkers judge it as they judge GETs of the register workload (a HEAD invoked
 * after an update completed must show that update or a later one), with the window estimate.
 */
export const metadataWorkload: Workload = {
  name: 'metadata',
  description: 'one PUT per key, then metadata replaced in place (CopyObject REPLACE onto itself) while others HEAD it (75% head, 25% update): read-after-metadata-update',
  fs: new Set(['put', 'set-meta', 'head']),
  reads: new Set(['head']),
  checkers: ['read-validity', 'stale-reads', 'session-guarantees', 'visibility'],

  generator({ seed, keys }: WorkloadOptions): OpGenerator {
    return fillThenMix({ seed, keys, keyName, mix: MIX, make: (f, key, value) => (f === 'set-meta' ? { f, key: key(), value: value() } : { f, key: key() }) });
  },

  finalReads({ keys }) {
    return Array.from({ length: keys }, (_, i) => ({ f: 'head', key: keyName(i) }));
  },

  async execute(client, op, options) {
    const key = op.key!;
    const version = { [VERSION_FIELD]: String(op.value) };
    switch (op.f) {
      case 'head': {
        const meta = await client.head(key, options);
        if (meta === null) return null;
        // No version field, or not a number: a metadata state nobody wrote, for read-validity.
        const v = meta.metadata?.[VERSION_FIELD] ?? '';
        return /^[1-9][0-9]*$/.test(v) ? Number(v) : v;
      }
      case 'put':
        await client.put(key, encodeValue(op.value as number, options.valueSize), { signal: options.signal, metadata: version });
        return undefined;
      case 'set-meta':
        await client.replaceMetadata(key, version, options);
        return undefined;
      default:
        throw new Error(`metadata workload has no operation ${op.f}`);
    }
  },
};

export function keyName(i: number): string {
  return `m${i}`;
}
