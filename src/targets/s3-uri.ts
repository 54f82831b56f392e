// S3's URI encoding, as SigV4 defines it: everything but the unreserved characters
// (A-Z a-z 0-9 - . _ ~) percent-encoded as UTF-8; an object key keeps its slashes.

/** encodeURIComponent leaves these alone; SigV4 does not. */
const RESERVED_BY_SIGV4 = /[!'()*]/g;

function escapeReserved(c: string): string {
  return `%${c.charCodeAt(0).toString(16).toUpperCase()}`;
}

/** One query name or value, or any string with no slash to keep. */
export function uriEncode(text: string): string {
  return encodeURIComponent(text).replace(RESERVED_BY_SIGV4, escapeReserved);
}

/** An object key in a URL path: encoded once (S3 does not normalise paths), slashes kept. */
export function encodeKeyPath(key: string): string {
  return uriEncode(key).replace(/%2F/g, '/');
}

/**
 * The query string in SigV4's canonical form (names sorted, then values, each encoded), which
 * is also sent as is: what was signed is exactly what the server reads. A bare flag (`?uploads`)
 * is a name with an empty value.
 */
export function canonicalQuery(params: Readonly<Record<string, string>>): string {
  const pairs = Object.entries(params).map(([k, v]) => [uriEncode(k), uriEncode(v)] as const);
  pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  return pairs.map(([k, v]) => `${k}=${v}`).join('&');
}
