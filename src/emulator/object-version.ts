import { createHash } from 'node:crypto';

/** What a PUT (or COPY) asks to store, before a consistency model stamps it. */
export interface NewObject {
  body: Buffer;
  /** Quoted MD5 hex of the body, as S3 gives for single-part uploads. */
  etag: string;
  contentType: string;
  cacheControl?: string;
  /** x-amz-meta-* without the prefix, names in lower case (as S3 returns them). */
  metadata: Record<string, string>;
}

/**
 * One write as a model stores it. A delete is a version too (a tombstone), so that
 * last-writer-wins and "the previous version" work the same way for both.
 */
export interface ObjectVersion extends NewObject {
  /** Unique over the emulator's life; the ground-truth log names writes by it. */
  writeId: number;
  /** The clock of whoever accepted the write, in ms (with fractions); orders versions. */
  timestamp: number;
  deleted: boolean;
  lastModified: Date;
}

const EMPTY = Buffer.alloc(0);

export function md5Etag(body: Uint8Array): string {
  return `"${createHash('md5').update(body).digest('hex')}"`;
}

export function makeVersion(object: NewObject | null, writeId: number, timestamp: number): ObjectVersion {
  // S3 keeps Last-Modified at one-second precision in HTTP dates; keep the ms, XML shows them.
  const lastModified = new Date(Math.floor(timestamp));
  if (object) {
    const { body, etag, contentType, cacheControl, metadata } = object;
    return { body, etag, contentType, ...(cacheControl !== undefined ? { cacheControl } : {}), metadata, writeId, timestamp, deleted: false, lastModified };
  }
  return { body: EMPTY, etag: '""', contentType: '', metadata: {}, writeId, timestamp, deleted: true, lastModified };
}

/** Last-writer-wins order: timestamp, then writeId so that ties still have one winner. */
export function isNewer(a: ObjectVersion, b: ObjectVersion | undefined): boolean {
  if (!b) return true;
  return a.timestamp > b.timestamp || (a.timestamp === b.timestamp && a.writeId > b.writeId);
}

/** A version a read may return: tombstones read as "no object". */
export function live(v: ObjectVersion | undefined | null): ObjectVersion | null {
  return v && !v.deleted ? v : null;
}
