import type { ObjectVersion } from '../object-version.js';

/**
 * One line of the journal. The journal records state changes (a key now holds this version,
 * or nothing), not requests: replaying them in order rebuilds the store whatever the request
 * was (PUT, COPY, a multipart completion, the undo of a lost write).
 */
export type JournalRecord =
  | { t: 'bucket'; bucket: string }
  | { t: 'unbucket'; bucket: string }
  | { t: 'set'; bucket: string; key: string; version: StoredVersion }
  | { t: 'unset'; bucket: string; key: string };

/**
 * An ObjectVersion as JSON: the body in base64; the date is rebuilt from the timestamp. Version
 * ids are not kept: the models that persist (--data-dir) keep no versions.
 */
export type StoredVersion = Omit<ObjectVersion, 'body' | 'lastModified' | 'versionId'> & { body: string };

/** The optional fields, copied as they are when present. */
const OPTIONAL = ['contentHeaders', 'owner', 'acl', 'tags', 'partSizes', 'checksum', 'partChecksums'] as const;

function optional(from: Partial<Record<(typeof OPTIONAL)[number], unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name of OPTIONAL) if (from[name] !== undefined) out[name] = from[name];
  return out;
}

export function encodeVersion(v: ObjectVersion): StoredVersion {
  return {
    body: v.body.toString('base64'),
    etag: v.etag,
    contentType: v.contentType,
    ...(v.cacheControl !== undefined ? { cacheControl: v.cacheControl } : {}),
    metadata: v.metadata,
    ...optional(v),
    writeId: v.writeId,
    timestamp: v.timestamp,
    deleted: v.deleted,
  };
}

export function decodeVersion(s: StoredVersion): ObjectVersion {
  return {
    body: Buffer.from(s.body, 'base64'),
    etag: s.etag,
    contentType: s.contentType,
    ...(s.cacheControl !== undefined ? { cacheControl: s.cacheControl } : {}),
    metadata: s.metadata,
    ...optional(s),
    writeId: s.writeId,
    timestamp: s.timestamp,
    deleted: s.deleted,
    // makeVersion's rule, so that Last-Modified reads the same before and after a restart.
    lastModified: new Date(Math.floor(s.timestamp)),
  };
}

/** The store a journal describes: buckets, each with its keys' current versions. */
export type StoreImage = Map<string, Map<string, ObjectVersion>>;

export function applyRecord(image: StoreImage, r: JournalRecord): void {
  switch (r.t) {
    case 'bucket':
      if (!image.has(r.bucket)) image.set(r.bucket, new Map());
      return;
    case 'unbucket':
      image.delete(r.bucket);
      return;
    case 'set':
      image.get(r.bucket)?.set(r.key, decodeVersion(r.version));
      return;
    case 'unset':
      image.get(r.bucket)?.delete(r.key);
      return;
  }
}

/** The shortest journal that rebuilds the image: what compaction writes. */
export function* imageRecords(image: StoreImage): Generator<JournalRecord> {
  for (const [bucket, objects] of image) {
    yield { t: 'bucket', bucket };
    for (const [key, version] of objects) yield { t: 'set', bucket, key, version: encodeVersion(version) };
  }
}

/**
 * Parses a journal file. A last line without its newline is a write the crash cut short
 * (never acknowledged as durable under fsync=always): it is dropped. A bad line anywhere else
 * is corruption, and starting from a guess would hide it.
 */
export function parseJournal(text: string, file: string): StoreImage {
  const image: StoreImage = new Map();
  const lines = text.split('\n');
  lines.pop(); // '' after the final newline, or the torn tail
  lines.forEach((line, i) => {
    let record: JournalRecord;
    try {
      record = JSON.parse(line) as JournalRecord;
    } catch {
      throw new Error(`${file}: line ${i + 1} is not a journal record (corrupt data directory)`);
    }
    applyRecord(image, record);
  });
  return image;
}
