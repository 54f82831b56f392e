import type { IncomingHttpHeaders } from 'node:http';
import type { Tag } from '../object-version.js';
import { UNKNOWN_KEY, type KeyLookup } from './policy-conditions.js';

// The policy condition keys a request can be judged by (S3's keys for the operations the emulator
// has): the x-amz-* request headers S3 defines keys for, the listing parameters, the tags a write
// asks for, and the existing object's tags once its version is known. A key the emulator cannot
// tell (aws:SourceIp, aws:Referer, any key not listed here) is UNKNOWN_KEY rather than absent,
// since treating it as absent could make a negated condition hold and an Allow widen access.

/** Headers whose s3:<header name> condition key is the header's value as sent. */
const HEADER_KEYS = new Set([
  'x-amz-acl',
  'x-amz-grant-read',
  'x-amz-grant-write',
  'x-amz-grant-read-acp',
  'x-amz-grant-write-acp',
  'x-amz-grant-full-control',
  'x-amz-metadata-directive',
  'x-amz-server-side-encryption',
  'x-amz-server-side-encryption-aws-kms-key-id',
  'x-amz-server-side-encryption-customer-algorithm',
  'x-amz-storage-class',
  'x-amz-content-sha256',
  'x-amz-website-redirect-location',
  'x-amz-object-lock-mode',
  'x-amz-object-lock-retain-until-date',
  'x-amz-object-lock-legal-hold',
]);

/** Query parameters whose s3:<name> condition key is their value (ListBucket's, and the version addressed). */
const QUERY_KEYS: Record<string, string> = { prefix: 'prefix', delimiter: 'delimiter', 'max-keys': 'max-keys', versionid: 'versionId' };

export interface RequestFacts {
  headers: IncomingHttpHeaders;
  query: Record<string, string | string[] | null | undefined>;
}

function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v.join(',') : v;
}

/** The copy source as policies name it: bucket/key, decoded, without a leading slash. */
function copySourceKey(text: string): string {
  try {
    text = decodeURIComponent(text);
  } catch {
    // Not decodable: compared as sent (the handler refuses it anyway).
  }
  return text.startsWith('/') ? text.slice(1) : text;
}

/** The tags a write asks for in x-amz-tagging (a URL query string). */
function requestTags(headers: IncomingHttpHeaders): URLSearchParams | undefined {
  const text = headerValue(headers, 'x-amz-tagging');
  return text === undefined ? undefined : new URLSearchParams(text);
}

/**
 * The condition keys of a request. `existingTags` is the tag set of the object the request acts
 * on, once its version is known (undefined: no object, or not known: s3:ExistingObjectTag/* is
 * then absent, as S3 has no such key for a request on no object).
 */
export function conditionKeys(request: RequestFacts, existingTags?: readonly Tag[]): KeyLookup {
  return (key) => {
    const slash = key.indexOf('/');
    // Key names are case-insensitive in IAM; a tag's key (after the slash) is not.
    const name = (slash < 0 ? key : key.slice(0, slash)).toLowerCase();
    const sub = slash < 0 ? undefined : key.slice(slash + 1);
    if (name === 's3:existingobjecttag' && sub !== undefined) {
      const tag = existingTags?.find((t) => t.key === sub);
      return tag ? [tag.value] : undefined;
    }
    if (name === 's3:requestobjecttag' && sub !== undefined) {
      const value = requestTags(request.headers)?.get(sub);
      return value === null || value === undefined ? undefined : [value];
    }
    if (name === 's3:requestobjecttagkeys' && sub === undefined) {
      const tags = requestTags(request.headers);
      return tags ? [...tags.keys()] : undefined;
    }
    if (sub !== undefined || !name.startsWith('s3:')) return UNKNOWN_KEY;
    const bare = name.slice(3);
    if (bare === 'x-amz-copy-source') {
      const v = headerValue(request.headers, bare);
      return v === undefined ? undefined : [copySourceKey(v)];
    }
    if (HEADER_KEYS.has(bare)) {
      const v = headerValue(request.headers, bare);
      return v === undefined ? undefined : [v];
    }
    const param = QUERY_KEYS[bare];
    if (param !== undefined) {
      const v = request.query[param];
      return v === undefined ? undefined : v === null ? [''] : Array.isArray(v) ? v : [v];
    }
    return UNKNOWN_KEY;
  };
}
