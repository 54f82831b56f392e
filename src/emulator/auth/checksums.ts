import { createHash } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { S3Error } from '../errors.js';

/** Checksums Node can compute natively; crc32c and crc64nvme are accepted unchecked. */
const COMPUTE: Record<string, (body: Buffer) => string> = {
  'content-md5': (b) => createHash('md5').update(b).digest('base64'),
  'x-amz-checksum-crc32': (b) => {
    const out = Buffer.alloc(4);
    out.writeUInt32BE(crc32(b) >>> 0);
    return out.toString('base64');
  },
  'x-amz-checksum-sha1': (b) => createHash('sha1').update(b).digest('base64'),
  'x-amz-checksum-sha256': (b) => createHash('sha256').update(b).digest('base64'),
};

/**
 * Verifies the integrity values a client sent (as headers or aws-chunked trailers), so that a
 * body damaged on the way is refused as S3 refuses it, with BadDigest.
 */
export function verifyChecksums(body: Buffer, values: Record<string, string | string[] | undefined>): void {
  for (const name in COMPUTE) {
    const given = values[name];
    if (typeof given !== 'string') continue;
    if (COMPUTE[name]!(body) !== given.trim()) throw new S3Error('BadDigest', undefined, { Header: name });
  }
}
