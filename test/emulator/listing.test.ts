import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { listPage, type ListSnapshot } from '../../src/emulator/listing.js';
import { makeVersion } from '../../src/emulator/object-version.js';

function snapshot(keys: string[], deleted: string[] = []): ListSnapshot {
  const versions = new Map(keys.map((k, i) => [k, makeVersion(deleted.includes(k) ? null : { body: Buffer.from(k), etag: '"x"', contentType: 't', metadata: {} }, i + 1, 0)]));
  return { sortedKeys: [...versions.keys()].sort(), lookup: (k) => versions.get(k) };
}

/** What a listing must contain: computed the slow, obvious way. */
function expected(keys: string[], prefix: string, delimiter: string): string[] {
  const out = new Set<string>();
  for (const k of [...new Set(keys)].sort()) {
    if (!k.startsWith(prefix)) continue;
    const at = delimiter ? k.indexOf(delimiter, prefix.length) : -1;
    out.add(at >= 0 ? k.slice(0, at + delimiter.length) : k);
  }
  return [...out].sort();
}

/** Pages through everything, as a client does, and returns every name in page order. */
function pageAll(s: ListSnapshot, prefix: string, delimiter: string, maxKeys: number): string[] {
  const names: string[] = [];
  let after = '';
  for (let pages = 0; pages < 10_000; pages++) {
    const page = listPage(s, { prefix, delimiter, maxKeys, after });
    const here = [...page.contents.map((c) => c.key), ...page.commonPrefixes].sort();
    expect(here.length).toBeLessThanOrEqual(maxKeys);
    names.push(...here);
    if (!page.isTruncated) return names;
    after = page.last!;
  }
  throw new Error('listing did not end');
}

describe('listPage', () => {
  it('groups by delimiter and skips deleted keys', () => {
    const s = snapshot(['a/1', 'a/2', 'b', 'c/x/y', 'c/z', 'd'], ['d']);
    const page = listPage(s, { prefix: '', delimiter: '/', maxKeys: 1000, after: '' });
    expect(page.commonPrefixes).toEqual(['a/', 'c/']);
    expect(page.contents.map((c) => c.key)).toEqual(['b']);
    expect(page.isTruncated).toBe(false);
  });

  it('resumes after a common prefix without repeating it', () => {
    const s = snapshot(['a/1', 'a/2', 'a/3', 'b']);
    const first = listPage(s, { prefix: '', delimiter: '/', maxKeys: 1, after: '' });
    expect(first.commonPrefixes).toEqual(['a/']);
    expect(first.isTruncated).toBe(true);
    const second = listPage(s, { prefix: '', delimiter: '/', maxKeys: 1, after: first.last! });
    expect(second.contents.map((c) => c.key)).toEqual(['b']);
    expect(second.isTruncated).toBe(false);
  });

  it('is not truncated when the page ends exactly at the last entry', () => {
    const s = snapshot(['a', 'b']);
    expect(listPage(s, { prefix: '', delimiter: '', maxKeys: 2, after: '' }).isTruncated).toBe(false);
    expect(listPage(s, { prefix: '', delimiter: '', maxKeys: 1, after: '' }).isTruncated).toBe(true);
  });

  it('resumes after a key that ends in the delimiter at the prefix (not a common prefix): the keys under it still come', () => {
    expect(pageAll(snapshot(['a/', 'a/a']), 'a/', '/', 1)).toEqual(['a/', 'a/a']);
  });

  it('paging through any key set gives every name exactly once, in order', () => {
    const key = fc.array(fc.constantFrom('a', 'b', '/', '-', 'é'), { minLength: 1, maxLength: 6 }).map((cs) => cs.join(''));
    fc.assert(
      fc.property(fc.array(key, { maxLength: 40 }), fc.constantFrom('', 'a', 'a/', 'b'), fc.constantFrom('', '/', '-'), fc.integer({ min: 1, max: 7 }), (keys, prefix, delimiter, maxKeys) => {
        const s = snapshot([...new Set(keys)]);
        expect(pageAll(s, prefix, delimiter, maxKeys)).toEqual(expected(keys, prefix, delimiter));
      }),
      { numRuns: 300 },
    );
  });
});
