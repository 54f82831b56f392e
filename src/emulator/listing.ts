import type { ObjectVersion } from './object-version.js';

/** A model's view of a bucket for one LIST: live keys in order, and each key's version. */
export interface ListSnapshot {
  readonly sortedKeys: readonly string[];
  lookup(key: string): ObjectVersion | undefined;
}

export interface ListParams {
  prefix: string;
  delimiter: string;
  maxKeys: number;
  /** Return only keys (and common prefixes) strictly after this: marker, start-after or token. */
  after: string;
}

export interface ListPage {
  contents: { key: string; version: ObjectVersion }[];
  commonPrefixes: string[];
  isTruncated: boolean;
  /** The last key or common prefix returned, where the next page resumes. */
  last?: string;
}

/** First index whose key is > `after` and >= `prefix`. */
function firstIndex(keys: readonly string[], after: string, prefix: string): number {
  return firstKeyIndex(keys, after > prefix ? after : prefix, after >= prefix);
}

/** First index (keys sorted) whose key is >= `bound`, or > it when `strict`. */
export function firstKeyIndex(keys: readonly string[], bound: string, strict: boolean): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const k = keys[mid]!;
    if (k < bound || (strict && k === bound)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * One page of a listing, S3's way: keys under the prefix that share the part up to the next
 * delimiter collapse into one common prefix, and a page holds at most maxKeys entries of
 * either kind. A page that resumes after a common prefix skips every key under it.
 */
export function listPage(snapshot: ListSnapshot, p: ListParams): ListPage {
  const keys = snapshot.sortedKeys;
  const page: ListPage = { contents: [], commonPrefixes: [], isTruncated: false };
  let count = 0;
  let i = firstIndex(keys, p.after, p.prefix);
  // Resuming after a common prefix: its keys were all accounted for by that prefix. `after` is
  // one when its first delimiter past the prefix ends it; a key that merely ends in the
  // delimiter before that point (prefix "a/", key "a/") is not, and keys after it still count.
  const resumedPrefix =
    p.delimiter !== '' && p.after.startsWith(p.prefix) && p.after.length > p.prefix.length && p.after.indexOf(p.delimiter, p.prefix.length) === p.after.length - p.delimiter.length
      ? p.after
      : '';
  for (; i < keys.length; i++) {
    const key = keys[i]!;
    if (!key.startsWith(p.prefix)) break;
    if (resumedPrefix !== '' && key.startsWith(resumedPrefix)) continue;
    const version = snapshot.lookup(key);
    if (!version || version.deleted) continue;
    let common: string | undefined;
    if (p.delimiter !== '') {
      const at = key.indexOf(p.delimiter, p.prefix.length);
      if (at >= 0) common = key.slice(0, at + p.delimiter.length);
    }
    if (common !== undefined && common === page.commonPrefixes[page.commonPrefixes.length - 1]) continue;
    if (count === p.maxKeys) {
      // max-keys=0 asks for nothing, and S3 then says nothing was left out.
      page.isTruncated = p.maxKeys > 0;
      break;
    }
    count++;
    if (common !== undefined) {
      page.commonPrefixes.push(common);
      page.last = common;
    } else {
      page.contents.push({ key, version });
      page.last = key;
    }
  }
  return page;
}
