import { S3Error } from './errors.js';
import type { ObjectVersion } from './object-version.js';

export interface WritePrecondition {
  ifMatch?: string;
  ifNoneMatch?: string;
}

export interface ReadPrecondition extends WritePrecondition {
  ifModifiedSince?: string;
  ifUnmodifiedSince?: string;
}

/** Clients quote ETags or not, and may send a list; compare the bare hex. */
function etagMatches(header: string, etag: string): boolean {
  const bare = etag.replace(/^"|"$/g, '');
  return header.split(',').some((raw) => {
    const item = raw.trim().replace(/^W\//, '').replace(/^"|"$/g, '');
    return item === '*' || item === bare;
  });
}

/** HTTP dates have one-second precision, so compare whole seconds. */
function seconds(date: Date): number {
  return Math.floor(date.getTime() / 1000);
}

function parseHttpDate(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : Math.floor(ms / 1000);
}

export function hasWritePrecondition(p: WritePrecondition): boolean {
  return p.ifMatch !== undefined || p.ifNoneMatch !== undefined;
}

/**
 * The conditional-write rules of S3: If-None-Match: * fails when the key exists, If-Match
 * fails when the ETag differs and gives NoSuchKey when there is no object to match.
 */
export function checkWrite(p: WritePrecondition, current: ObjectVersion | null): S3Error | null {
  if (p.ifNoneMatch !== undefined && current && etagMatches(p.ifNoneMatch, current.etag)) {
    return new S3Error('PreconditionFailed', undefined, { Condition: 'If-None-Match' });
  }
  if (p.ifMatch !== undefined) {
    if (!current) return new S3Error('NoSuchKey');
    if (!etagMatches(p.ifMatch, current.etag)) {
      return new S3Error('PreconditionFailed', undefined, { Condition: 'If-Match' });
    }
  }
  return null;
}

/**
 * GET/HEAD conditions with S3's precedence: a passing If-Match overrides a failing
 * If-Unmodified-Since, and a non-matching If-None-Match overrides If-Modified-Since.
 * Returns the error to send (412, or 304 as NotModified), or null to serve the object.
 */
export function checkRead(p: ReadPrecondition, object: ObjectVersion): S3Error | null {
  const modified = seconds(object.lastModified);
  if (p.ifMatch !== undefined) {
    if (!etagMatches(p.ifMatch, object.etag)) return new S3Error('PreconditionFailed', undefined, { Condition: 'If-Match' });
  } else {
    const since = parseHttpDate(p.ifUnmodifiedSince);
    if (since !== undefined && modified > since) {
      return new S3Error('PreconditionFailed', undefined, { Condition: 'If-Unmodified-Since' });
    }
  }
  if (p.ifNoneMatch !== undefined) {
    if (etagMatches(p.ifNoneMatch, object.etag)) return new S3Error('NotModified');
  } else {
    const since = parseHttpDate(p.ifModifiedSince);
    if (since !== undefined && modified <= since) return new S3Error('NotModified');
  }
  return null;
}
