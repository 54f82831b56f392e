// User metadata (x-amz-meta-*) with characters beyond US-ASCII, as S3 documents it: a header's
// bytes arrive as latin-1 text from Node; bytes that are valid UTF-8 are the text the client
// meant (botocore and the SDKs send UTF-8). S3 answers such values RFC 2047-encoded ("=?UTF-8?B?…?=")
// so that they stay within what a header may carry.
import { isUtf8 } from 'node:buffer';

/** The text a client sent in a header, from Node's latin-1 reading of its bytes. */
export function headerText(value: string): string {
  if (/^[\x00-\x7f]*$/.test(value)) return value;
  const raw = Buffer.from(value, 'latin1');
  return isUtf8(raw) ? raw.toString('utf8') : value;
}

/** A metadata value as S3 returns it: as is when US-ASCII, else RFC 2047 base64 of its UTF-8. */
export function metadataHeaderValue(text: string): string {
  if (/^[\x20-\x7e]*$/.test(text)) return text;
  return `=?UTF-8?B?${Buffer.from(text, 'utf8').toString('base64')}?=`;
}
