import { hash } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { S3Error } from '../errors.js';
import { crc32c, crc64nvme } from './crc.js';

const u32 = (n: number) => {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(n >>> 0);
  return out.toString('base64');
};

/** Every integrity value S3 takes, computed as S3 encodes it (base64 of the digest). */
const COMPUTE: Record<string, (body: Buffer) => string> = {
  'content-md5': (b) => hash('md5', b, 'base64'),
  'x-amz-checksum-crc32': (b) => {
    const out = Buffer.alloc(4);
    out.writeUInt32BE(crc32(b) >>> 0);
    return out.toString('base64');
  },
  'x-amz-checksum-crc32c': (b) => u32(crc32c(b)),
  'x-amz-checksum-crc64nvme': (b) => crc64nvme(b).toString('base64'),
  'x-amz-checksum-sha1': (b) => hash('sha1', b, 'base64'),
  'x-amz-checksum-sha256': (b) => hash('sha256', b, 'base64'),
};

/** S3's names of its checksum algorithms, by the header that carries each. */
export const CHECKSUM_ALGORITHMS: Record<string, ChecksumAlgorithm> = {
  'x-amz-checksum-crc32': 'CRC32',
  'x-amz-checksum-crc32c': 'CRC32C',
  'x-amz-checksum-crc64nvme': 'CRC64NVME',
  'x-amz-checksum-sha1': 'SHA1',
  'x-amz-checksum-sha256': 'SHA256',
};

const ALGORITHM_HEADERS = Object.entries(CHECKSUM_ALGORITHMS);

export type ChecksumAlgorithm = 'CRC32' | 'CRC32C' | 'CRC64NVME' | 'SHA1' | 'SHA256';

/** A checksum kept with an object, as its writer sent it (and the emulator verified it). */
export interface StoredChecksum {
  algorithm: ChecksumAlgorithm;
  /** Base64, as S3 shows it; a multipart COMPOSITE one ends in "-" and the part count. */
  value: string;
  /** A multipart object's: of the parts' checksums (COMPOSITE) or of the whole body (FULL_OBJECT); absent: FULL_OBJECT. */
  type?: 'COMPOSITE' | 'FULL_OBJECT';
}

/** The checksum of a body with one of S3's algorithms, base64 as S3 shows it. */
export function computeChecksum(algorithm: ChecksumAlgorithm, body: Buffer): string {
  return COMPUTE[`x-amz-checksum-${algorithm.toLowerCase()}`]!(body);
}

/** The header that carries a stored checksum: x-amz-checksum-sha256 and the like. */
export function checksumHeader(c: { algorithm: ChecksumAlgorithm }): string {
  return `x-amz-checksum-${c.algorithm.toLowerCase()}`;
}

/**
 * The checksum a write sent (as a header or an aws-chunked trailer), which S3 keeps with the
 * object and shows again on request; call after verifyChecksums. None sent: undefined.
 */
export function sentChecksum(...sources: Record<string, string | string[] | undefined>[]): StoredChecksum | undefined {
  for (const source of sources) {
    for (const [name, algorithm] of ALGORITHM_HEADERS) {
      const value = source[name];
      if (typeof value === 'string') return { algorithm, value: value.trim() };
    }
  }
  return undefined;
}

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
