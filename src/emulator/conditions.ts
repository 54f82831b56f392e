import { S3Error } from './errors.js';
import { live, type ObjectVersion } from './object-version.js';

export interface WritePrecondition {
  ifMatch?: string;
  ifNoneMatch?: string;
  /** A delete's x-amz-if-match-last-modified-time (an HTTP or ISO 8601 date; whole seconds compared). */
  ifMatchLastModifiedTime?: string;
  /** A delete's x-amz-if-match-size, in bytes. */
  ifMatchSize?: string;
  /** The conditions are a delete's: judged as checkDelete says rather than as a write's. */
  forDelete?: boolean;
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
 * fails when the ETag differs and gives NoSuchKey when there is no object to match. `current` is
 * the key's current version as the model has it, a tombstone included (a delete judges it).
 */
export function checkWrite(p: WritePrecondition, stored: ObjectVersion | null | undefined): S3Error | null {
  if (p.forDelete) return checkDelete(p, stored);
  const current = live(stored);
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
 * What a conditional delete that finds no version at all throws: S3 (and RGW) then do nothing, no
 * delete marker either, and answer 204 as any delete of nothing: there is nothing a condition
 * could protect. The delete handler catches it; uncaught it would read as NoSuchKey.
 */
export class NothingToDelete extends S3Error {
  constructor() {
    super('NoSuchKey');
  }
}

/**
 * A delete's conditions (If-Match, x-amz-if-match-last-modified-time, x-amz-if-match-size), as S3
 * and RGW judge them: on the version the delete acts on, a delete marker included (its ETag is
 * empty, so only If-Match: * matches it, and its size is 0). With nothing there, NothingToDelete.
 * A tombstone without a version id (an unversioned delete, in the models that keep one) is nothing.
 */
function checkDelete(p: WritePrecondition, stored: ObjectVersion | null | undefined): S3Error | null {
  const target = stored && !(stored.deleted && stored.versionId === undefined) ? stored : null;
  if (!target) return new NothingToDelete();
  const failed = (condition: string) => new S3Error('PreconditionFailed', undefined, { Condition: condition });
  if (p.ifMatch !== undefined && !etagMatches(p.ifMatch, target.etag)) return failed('If-Match');
  if (p.ifNoneMatch !== undefined && !target.deleted && etagMatches(p.ifNoneMatch, target.etag)) return failed('If-None-Match');
  if (p.ifMatchLastModifiedTime !== undefined && parseHttpDate(p.ifMatchLastModifiedTime) !== seconds(target.lastModified)) return failed('x-amz-if-match-last-modified-time');
  if (p.ifMatchSize !== undefined && Number(p.ifMatchSize) !== target.body.length) return failed('x-amz-if-match-size');
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
