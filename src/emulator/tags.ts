// Object tag sets, S3's rules: at most 10 tags, keys of 1 to 128 characters, values of up to
// 256, each key once. Given as x-amz-tagging (a URL query string) on a write, or as a Tagging
// document by PutObjectTagging; kept and returned in key order, as RGW and S3 list them.
import { S3Error } from './errors.js';
import type { Tag } from './object-version.js';
import { S3_NS, el, xmlUnescape } from './xml.js';

const MAX_TAGS = 10;
const MAX_KEY = 128;
const MAX_VALUE = 256;

/** Checks a tag set against S3's limits and puts it in key order. */
export function checkTags(tags: Tag[]): Tag[] {
  if (tags.length > MAX_TAGS) throw new S3Error('InvalidTag', 'Object tags cannot be greater than 10');
  const seen = new Set<string>();
  for (const { key, value } of tags) {
    if ([...key].length < 1 || [...key].length > MAX_KEY) throw new S3Error('InvalidTag', 'The TagKey you have provided is invalid');
    if ([...value].length > MAX_VALUE) throw new S3Error('InvalidTag', 'The TagValue you have provided is invalid');
    if (seen.has(key)) throw new S3Error('InvalidTag', 'Cannot provide multiple Tags with the same key');
    seen.add(key);
  }
  return [...tags].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** x-amz-tagging: "k1=v1&k2" (a key without "=" has the empty value). */
export function parseTaggingHeader(text: string): Tag[] {
  const tags: Tag[] = [];
  for (const pair of text.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const decode = (s: string) => {
      try {
        return decodeURIComponent(s.replace(/\+/g, ' '));
      } catch {
        throw new S3Error('InvalidTag', 'The header x-amz-tagging is not a valid query string');
      }
    };
    tags.push({ key: decode(eq < 0 ? pair : pair.slice(0, eq)), value: decode(eq < 0 ? '' : pair.slice(eq + 1)) });
  }
  return checkTags(tags);
}

/** PutObjectTagging's body: Tagging > TagSet > Tag > Key, Value. */
export function parseTaggingXml(xml: string): Tag[] {
  if (!/<Tagging[\s>]/.test(xml)) throw new S3Error('MalformedXML');
  const tags: Tag[] = [];
  for (const m of xml.matchAll(/<Tag>([\s\S]*?)<\/Tag>/g)) {
    const key = /<Key>([\s\S]*?)<\/Key>/.exec(m[1]!);
    const value = /<Value>([\s\S]*?)<\/Value>/.exec(m[1]!);
    if (!key) throw new S3Error('MalformedXML');
    tags.push({ key: xmlUnescape(key[1]!), value: value ? xmlUnescape(value[1]!) : '' });
  }
  return checkTags(tags);
}

export function taggingXml(tags: readonly Tag[]): string {
  return `<Tagging xmlns="${S3_NS}"><TagSet>${tags.map((t) => `<Tag>${el('Key', t.key)}${el('Value', t.value)}</Tag>`).join('')}</TagSet></Tagging>`;
}
