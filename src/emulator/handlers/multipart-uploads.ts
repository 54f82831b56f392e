// The multipart uploads in progress, and those completed lately: the emulator's state for
// CreateMultipartUpload … CompleteMultipartUpload (handlers in multipart.ts).
import type { ChecksumAlgorithm, StoredChecksum } from '../auth/checksums.js';
import { S3Error } from '../errors.js';
import type { NewObject } from '../object-version.js';

/** The checksum an upload asked for at its start (multipart-checksum.ts computes it). */
export interface UploadChecksum {
  algorithm: ChecksumAlgorithm;
  type: 'COMPOSITE' | 'FULL_OBJECT';
}

export interface Upload {
  id: string;
  bucket: string;
  key: string;
  /** Type and metadata are fixed when the upload starts, as in S3. */
  template: Omit<NewObject, 'body' | 'etag'>;
  /** The checksum asked for at the start (multipart-checksum.ts); none: no checksums kept. */
  checksum?: UploadChecksum;
  /** Each part's bytes, ETag and, with the upload's checksum, its checksum (absent for a copied part: computed at completion). */
  parts: Map<number, { body: Buffer; etag: string; checksum?: string }>;
  initiated: Date;
}

interface Completed {
  bucket: string;
  key: string;
  etag: string;
  checksum?: StoredChecksum;
}

/**
 * Uploads in progress. They live outside the consistency model: only completing one is a
 * write, and it goes through the model like any PUT.
 */
export class MultipartUploads {
  private readonly uploads = new Map<string, Upload>();
  /**
   * Uploads completed, with the ETag they were answered with: S3 accepts a retried
   * CompleteMultipartUpload (a client whose answer was lost retries), and answers it the same
   * without writing again. The newest 10,000 are remembered.
   */
  private readonly completed = new Map<string, Completed>();
  private count = 0;

  start(bucket: string, key: string, template: Upload['template'], checksum?: UploadChecksum): Upload {
    // Counter-based ids: nothing random that a seed does not control.
    const id = `objcheck-upload-${(++this.count).toString(36)}`;
    const upload: Upload = { id, bucket, key, template, ...(checksum ? { checksum } : {}), parts: new Map(), initiated: new Date() };
    this.uploads.set(id, upload);
    return upload;
  }

  get(id: string | undefined, bucket: string, key: string): Upload {
    const upload = id === undefined ? undefined : this.uploads.get(id);
    if (!upload || upload.bucket !== bucket || upload.key !== key) throw new S3Error('NoSuchUpload', undefined, id ? { UploadId: id } : {});
    return upload;
  }

  end(id: string): void {
    this.uploads.delete(id);
  }

  /** Ends an upload that completed as the object with this ETag (and checksum). */
  complete(upload: Upload, etag: string, checksum?: StoredChecksum): void {
    this.uploads.delete(upload.id);
    this.completed.set(upload.id, { bucket: upload.bucket, key: upload.key, etag, ...(checksum ? { checksum } : {}) });
    if (this.completed.size > 10_000) this.completed.delete(this.completed.keys().next().value!);
  }

  /** The ETag and checksum an upload completed with, if it did (for this bucket and key). */
  completedAs(id: string | undefined, bucket: string, key: string): Completed | undefined {
    const done = id === undefined ? undefined : this.completed.get(id);
    return done && done.bucket === bucket && done.key === key ? done : undefined;
  }

  inBucket(bucket: string): Upload[] {
    return [...this.uploads.values()].filter((u) => u.bucket === bucket).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }
}
