import { Random } from '../util/random.js';
import { DelayedSetting } from './delayed-setting.js';
import { S3Error } from './errors.js';
import type { GroundTruthLog } from './ground-truth.js';
import { createKeyspace, type KeyspaceConfig } from './models/create.js';
import type { Keyspace } from './models/keyspace.js';
import type { Journal } from './persist/journal.js';
import type { VersioningStatus } from './xml.js';
import { privateAcl, type Grant } from './access/acl.js';
import type { PublicAccessBlock } from './access/public-access-block.js';

export interface Bucket {
  name: string;
  createdAt: Date;
  keyspace: Keyspace;
  /**
   * Object versioning: null until first enabled. Changes govern writes `configDelayMs` after
   * they were answered, as S3's and GCS's bucket configuration does; reading it back is
   * immediate. Only the latest version of an object is kept: the setting decides what a write
   * answers (its version id), which is what a client can see of it.
   */
  versioning: DelayedSetting<VersioningStatus | null>;
  /** The canonical id of the user who created it. */
  owner: string;
  /** Its ACL grants (access/acl.ts); changed in place by PutBucketAcl, at once. */
  acl: Grant[];
  /** The LocationConstraint it was created with, which GetBucketLocation returns. */
  location?: string;
  /** Its public access block, once one was put (access/public-access-block.ts). */
  publicAccessBlock?: PublicAccessBlock;
}

const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

export function isValidBucketName(name: string): boolean {
  return BUCKET_NAME.test(name) && !name.includes('..') && !/^\d+\.\d+\.\d+\.\d+$/.test(name);
}

/** FNV-1a, to give each bucket its own seeded stream whatever order buckets are used in. */
function hashName(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** Wall clock in ms with sub-ms fractions, so that timestamps order writes within a millisecond. */
export function wallClockMs(): number {
  return performance.timeOrigin + performance.now();
}

export interface BucketsConfig extends KeyspaceConfig {
  seed: number;
  lossAfterMs: number;
  /** How long after it was answered a change of bucket configuration governs requests. */
  configDelayMs: number;
  truth?: GroundTruthLog;
  /** Persistent mode: buckets and objects are recovered from it and recorded in it. */
  journal?: Journal;
  /** Who owns a bucket made without saying (at start, or recovered from the journal): the first key's user. */
  defaultOwner?: string;
}

/** The buckets. Bucket operations are strongly consistent in every model; objects are not. */
export class Buckets {
  private readonly byName = new Map<string, Bucket>();

  constructor(private readonly config: BucketsConfig) {
    for (const name of config.journal?.bucketNames() ?? []) this.add(name);
  }

  get(name: string): Bucket {
    const bucket = this.byName.get(name);
    if (!bucket) throw new S3Error('NoSuchBucket', undefined, { BucketName: name });
    return bucket;
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  /**
   * False when it already existed and is the owner's. Bucket names are one namespace: another
   * user's bucket of that name is BucketAlreadyExists.
   */
  create(name: string, owner = this.config.defaultOwner ?? '', settings: { acl?: Grant[]; location?: string } = {}): boolean {
    if (!isValidBucketName(name)) throw new S3Error('InvalidBucketName', undefined, { BucketName: name });
    const existing = this.byName.get(name);
    if (existing) {
      if (existing.owner !== owner) throw new S3Error('BucketAlreadyExists', undefined, { BucketName: name });
      return false;
    }
    this.config.journal?.bucketCreated(name);
    const bucket = this.add(name, owner);
    if (settings.acl) bucket.acl = settings.acl;
    if (settings.location !== undefined) bucket.location = settings.location;
    return true;
  }

  private add(name: string, owner = this.config.defaultOwner ?? ''): Bucket {
    const c = this.config;
    const keyspace = createKeyspace(c, {
      bucket: name,
      random: new Random(c.seed ^ hashName(name)),
      ...(c.truth ? { truth: c.truth } : {}),
      now: wallClockMs,
      lossAfterMs: c.lossAfterMs,
      ...(c.journal ? { store: c.journal.bucketStore(name) } : {}),
    });
    const versioning = new DelayedSetting<VersioningStatus | null>(null, c.configDelayMs, () => performance.now());
    const bucket: Bucket = { name, createdAt: new Date(), keyspace, versioning, owner, acl: privateAcl(owner) };
    this.byName.set(name, bucket);
    return bucket;
  }

  delete(name: string): void {
    const bucket = this.get(name);
    if (!bucket.keyspace.isEmpty()) throw new S3Error('BucketNotEmpty', undefined, { BucketName: name });
    bucket.keyspace.close();
    this.config.journal?.bucketDeleted(name);
    this.byName.delete(name);
  }

  list(): Bucket[] {
    return [...this.byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  close(): void {
    for (const b of this.byName.values()) b.keyspace.close();
    this.config.journal?.close();
  }
}
