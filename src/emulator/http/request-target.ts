import type { QueryParameterBag } from '@smithy/types';
import { S3Error } from '../errors.js';

/** Where a request points: the bucket and key, whichever addressing style named them. */
export interface RequestTarget {
  rawPath: string;
  /** The URL path decoded once (what SigV4 re-encodes). */
  path: string;
  query: QueryParameterBag;
  bucket?: string;
  /** Absent for service and bucket requests; the empty key is not an object. */
  key?: string;
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw new S3Error('InvalidURI');
  }
}

/**
 * Parses a query string. "+" is a space, as S3 reads it (Go's and Python's clients encode
 * spaces so); a literal plus arrives as %2B. Repeated names become arrays.
 */
export function parseQuery(text: string): QueryParameterBag {
  const query: QueryParameterBag = Object.create(null);
  if (text === '') return query;
  for (const pair of text.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const name = decode((eq < 0 ? pair : pair.slice(0, eq)).replace(/\+/g, ' '));
    const value = eq < 0 ? '' : decode(pair.slice(eq + 1).replace(/\+/g, ' '));
    const existing = query[name];
    if (existing === undefined) query[name] = value;
    else query[name] = Array.isArray(existing) ? [...existing, value] : [existing as string, value];
  }
  return query;
}

/** The host name without its port, in lower case ("[::1]:9000" gives "[::1]"). */
function hostName(host: string | undefined): string {
  if (!host) return '';
  const h = host.toLowerCase();
  if (h.startsWith('[')) return h.slice(0, h.indexOf(']') + 1);
  const colon = h.lastIndexOf(':');
  return colon < 0 ? h : h.slice(0, colon);
}

/**
 * Splits a request URL into bucket and key. Virtual-host style when the Host is
 * `<bucket>.<suffix>` (e.g. mybucket.localhost:9000), path style (/bucket/key) otherwise.
 */
export function parseTarget(url: string, host: string | undefined, virtualHostSuffix: string): RequestTarget {
  const q = url.indexOf('?');
  const rawPath = q < 0 ? url : url.slice(0, q);
  const query = parseQuery(q < 0 ? '' : url.slice(q + 1));
  const path = decode(rawPath);
  if (!path.startsWith('/')) throw new S3Error('InvalidURI');
  const name = hostName(host);
  const suffix = '.' + virtualHostSuffix;
  if (virtualHostSuffix !== '' && name.endsWith(suffix) && name.length > suffix.length) {
    const key = path.slice(1);
    return { rawPath, path, query, bucket: name.slice(0, -suffix.length), ...(key !== '' ? { key } : {}) };
  }
  const slash = path.indexOf('/', 1);
  const bucket = slash < 0 ? path.slice(1) : path.slice(1, slash);
  if (bucket === '') return { rawPath, path, query };
  const key = slash < 0 ? '' : path.slice(slash + 1);
  return { rawPath, path, query, bucket, ...(key !== '' ? { key } : {}) };
}

export function queryValue(query: QueryParameterBag, name: string): string | undefined {
  const v = query[name];
  return Array.isArray(v) ? v[0] : (v ?? undefined);
}
