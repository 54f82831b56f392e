import { hash } from 'node:crypto';
import type { Grant } from './access/acl.js';
import type { StoredChecksum } from './auth/checksums.js';

/** One tag of an object's tag set. */
export interface Tag {
  key: string;
  value: string;
}

/** What a PUT (or COPY) asks to store, before a consistency model stamps it. */
export interface NewObject {
  body: Buffer;
  /** Quoted MD5 hex of the body, as S3 gives for single-part uploads. */
  etag: string;
  contentType: string;
  cacheControl?: string;
  /** x-amz-meta-* without the prefix, names in lower case (as S3 returns them). */
  metadata: Record<string, string>;
  /** Other representation headers kept as sent and returned by GET/HEAD: content-encoding, content-disposition, content-language, expires. */
  contentHeaders?: Record<string, string>;
  /** The canonical id of the user who wrote it (absent: the bucket's owner). */
  owner?: string;
  /**
   * Its ACL grants; absent: private (the owner's FULL_CONTROL). Like the tag set below, changed
   * in place (PutObjectAcl, PutObjectTagging): neither is a new version in S3, and neither
   * changes what a read of the object's bytes returns.
   */
  acl?: Grant[];
  tags?: Tag[];
  /** A multipart object's part sizes, in order (GET ?partNumber=, x-amz-mp-parts-count). */
  partSizes?: number[];
  /** The checksum its writer sent (x-amz-checksum-*; a multipart upload's, made from its parts), kept and shown on request as S3 does. */
  checksum?: StoredChecksum;
  /** A multipart object's parts' checksums, in order, when its upload kept them (GET ?partNumber=, GetObjectAttributes). */
  partChecksums?: string[];
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
  /**
   * S3's version id, for the models that keep versions (strong): a fresh id for a write made while
   * versioning was Enabled, "null" while Suspended. Absent for a write made before versioning
   * was ever enabled, which S3 also calls the "null" version (see versionIdOf).
   */
  versionId?: string;
}

const EMPTY = Buffer.alloc(0);

export function md5Etag(body: Uint8Array): string {
  return `"${hash('md5', body, 'hex')}"`;
}

export function makeVersion(object: NewObject | null, writeId: number, timestamp: number, versionId?: string): ObjectVersion {
  // S3 keeps Last-Modified at one-second precision in HTTP dates; keep the ms, XML shows them.
  const lastModified = new Date(Math.floor(timestamp));
  const id = versionId !== undefined ? { versionId } : {};
  if (object) return { ...object, writeId, timestamp, deleted: false, lastModified, ...id };
  return { body: EMPTY, etag: '""', contentType: '', metadata: {}, writeId, timestamp, deleted: true, lastModified, ...id };
}

/** The id S3 shows for a version: a version written before versioning was ever enabled is "null". */
export function versionIdOf(v: ObjectVersion): string {
  return v.versionId ?? 'null';
}

/**
 * The id of the version a write makes, from the bucket's versioning status when the write was
 * accepted: none before versioning was ever enabled, "null" while Suspended (the write replaces
 * the key's "null" version), and otherwise an id of its own, derived from the write id so that
 * ids are unique, never reused, and ordered as the writes were.
 */
export function newVersionId(status: 'Enabled' | 'Suspended' | null, writeId: number): string | undefined {
  if (status === null) return undefined;
  return status === 'Enabled' ? `v${writeId.toString(36).padStart(8, '0')}` : 'null';
}

/** The write id an id from newVersionId was made from (undefined: "null" or not one of ours). */
export function versionIdWriteId(versionId: string): number | undefined {
  return /^v[0-9a-z]{8,}$/.test(versionId) ? parseInt(versionId.slice(1), 36) : undefined;
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
