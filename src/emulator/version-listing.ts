import type { VersionSnapshot } from './models/keyspace.js';
import { versionIdOf, versionIdWriteId, type ObjectVersion } from './object-version.js';
import { firstKeyIndex } from './listing.js';

export interface VersionListParams {
  prefix: string;
  delimiter: string;
  maxKeys: number;
  /** key-marker: list from after this key... */
  keyMarker: string;
  /** ...or, with version-id-marker, from the versions of keyMarker older than this one. */
  versionIdMarker?: string;
}

export interface VersionListPage {
  /** Versions and delete markers (`version.deleted`), key ascending, newest first within a key. */
  entries: { key: string; version: ObjectVersion; isLatest: boolean }[];
  commonPrefixes: string[];
  isTruncated: boolean;
  /** Where the next page resumes: the last key or common prefix returned... */
  nextKeyMarker?: string;
  /** ...and the last version returned (none after a common prefix). */
  nextVersionIdMarker?: string;
}


/**
 * Where to resume within the marker key's versions (newest first). The marker version may have
 * been deleted since the last page (a client emptying a bucket page by page does exactly that),
 * so an id of ours is placed by the write id it was made from, which orders a key's versions;
 * a "null" marker that is gone can only be resumed from the key's first version still there.
 */
function resumeIndex(versions: readonly ObjectVersion[], marker: string): number {
  const at = versions.findIndex((v) => versionIdOf(v) === marker);
  if (at >= 0) return at + 1;
  const writeId = versionIdWriteId(marker);
  if (writeId === undefined) return 0;
  const older = versions.findIndex((v) => v.writeId < writeId);
  return older < 0 ? versions.length : older;
}

/**
 * One page of ListObjectVersions, S3's way: every version and delete marker counts against
 * max-keys, and keys under the prefix that share the part up to the next delimiter collapse
 * into one common prefix (counted once, whatever it holds).
 */
export function listVersionsPage(snapshot: VersionSnapshot, p: VersionListParams): VersionListPage {
  const keys = snapshot.sortedKeys;
  const page: VersionListPage = { entries: [], commonPrefixes: [], isTruncated: false };
  const withinKey = p.versionIdMarker !== undefined;
  const bound = p.keyMarker > p.prefix ? p.keyMarker : p.prefix;
  // Resuming within the marker key includes it; resuming after it (or before the prefix) does not.
  const strict = !withinKey && p.keyMarker !== '' && p.keyMarker >= p.prefix;
  // As in listPage: a key marker that is a common prefix stands for every key under it.
  const resumedPrefix =
    !withinKey && p.delimiter !== '' && p.keyMarker.startsWith(p.prefix) && p.keyMarker.length > p.prefix.length && p.keyMarker.indexOf(p.delimiter, p.prefix.length) === p.keyMarker.length - p.delimiter.length
      ? p.keyMarker
      : '';
  let count = 0;
  const full = (): boolean => {
    if (count < p.maxKeys) return false;
    // max-keys=0 asks for nothing, and S3 then says nothing was left out.
    page.isTruncated = p.maxKeys > 0;
    return true;
  };
  for (let i = firstKeyIndex(keys, bound, strict); i < keys.length; i++) {
    const key = keys[i]!;
    if (!key.startsWith(p.prefix)) break;
    if (resumedPrefix !== '' && key.startsWith(resumedPrefix)) continue;
    const versions = snapshot.versions(key);
    if (versions.length === 0) continue;
    if (p.delimiter !== '') {
      const at = key.indexOf(p.delimiter, p.prefix.length);
      if (at >= 0) {
        const common = key.slice(0, at + p.delimiter.length);
        if (common === page.commonPrefixes[page.commonPrefixes.length - 1]) continue;
        if (full()) break;
        count++;
        page.commonPrefixes.push(common);
        page.nextKeyMarker = common;
        delete page.nextVersionIdMarker;
        continue;
      }
    }
    const from = withinKey && key === p.keyMarker ? resumeIndex(versions, p.versionIdMarker!) : 0;
    for (let j = from; j < versions.length; j++) {
      if (full()) return page;
      count++;
      const version = versions[j]!;
      page.entries.push({ key, version, isLatest: j === 0 });
      page.nextKeyMarker = key;
      page.nextVersionIdMarker = versionIdOf(version);
    }
  }
  return page;
}
