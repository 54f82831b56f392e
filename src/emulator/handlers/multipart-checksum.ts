// Checksums of multipart uploads, S3's way. An upload started with x-amz-checksum-algorithm keeps
// each part's checksum (the one sent, or computed when none was), and its object's checksum is
// either COMPOSITE (the algorithm over the parts' binary checksums, then "-" and the part count)
// or FULL_OBJECT (the algorithm over the whole body; what a CRC of the parts combines to). The
// completion is refused with BadDigest when the checksum it expects differs. An upload started
// without an algorithm keeps none.
import { checksumHeader, computeChecksum, CHECKSUM_ALGORITHMS, type StoredChecksum } from '../auth/checksums.js';
import { S3Error } from '../errors.js';
import { header, type S3Request } from './types.js';
import type { UploadChecksum } from './multipart-uploads.js';


/** The checksum an upload asks for at its start (x-amz-checksum-algorithm, x-amz-checksum-type), if any. */
export function requestedUploadChecksum(request: S3Request): UploadChecksum | undefined {
  const name = header(request, 'x-amz-checksum-algorithm')?.toUpperCase();
  const typeText = header(request, 'x-amz-checksum-type')?.toUpperCase();
  if (name === undefined) {
    if (typeText !== undefined) throw new S3Error('InvalidRequest', 'The x-amz-checksum-type header can only be used with the x-amz-checksum-algorithm header.');
    return undefined;
  }
  const algorithm = Object.values(CHECKSUM_ALGORITHMS).find((a) => a === name);
  if (!algorithm) throw new S3Error('InvalidRequest', `Checksum algorithm ${name} is not supported`);
  // S3's defaults and limits: CRC-64/NVME is full-object only; the SHAs are composite only.
  const type = typeText ?? (algorithm === 'CRC64NVME' ? 'FULL_OBJECT' : 'COMPOSITE');
  if (type !== 'COMPOSITE' && type !== 'FULL_OBJECT') throw new S3Error('InvalidRequest', `Checksum type ${typeText} is not supported`);
  if ((type === 'COMPOSITE' && algorithm === 'CRC64NVME') || (type === 'FULL_OBJECT' && algorithm.startsWith('SHA'))) {
    throw new S3Error('InvalidRequest', `The ${type} checksum type cannot be used with the ${algorithm} checksum algorithm.`);
  }
  return { algorithm, type };
}

/** A part's checksum with the upload's algorithm: as the part request sent it (already verified), or computed. */
export function partChecksum(spec: UploadChecksum, request: S3Request, body: Buffer): string {
  const name = checksumHeader(spec);
  const sent = header(request, name) ?? request.payload.trailers[name];
  return sent?.trim() ?? computeChecksum(spec.algorithm, body);
}

/**
 * The completed object's checksum from its parts (bodies and checksums, in order), checked against
 * the one the completion request expects, if it sent one: a mismatch is BadDigest.
 */
export function objectChecksum(spec: UploadChecksum, parts: readonly { body: Buffer; checksum: string }[], request: S3Request): StoredChecksum {
  const value =
    spec.type === 'FULL_OBJECT'
      ? computeChecksum(spec.algorithm, Buffer.concat(parts.map((p) => p.body)))
      : `${computeChecksum(spec.algorithm, Buffer.concat(parts.map((p) => Buffer.from(p.checksum, 'base64'))))}-${parts.length}`;
  const expected = header(request, checksumHeader(spec));
  if (expected !== undefined && expected.trim() !== value) throw new S3Error('BadDigest', `The ${spec.algorithm} you specified did not match the calculated checksum.`);
  return { algorithm: spec.algorithm, value, type: spec.type };
}

/** The XML elements a completion's answer names its checksum with. */
export function checksumXml(c: StoredChecksum | undefined): string {
  return c ? `<Checksum${c.algorithm}>${c.value}</Checksum${c.algorithm}><ChecksumType>${c.type ?? 'FULL_OBJECT'}</ChecksumType>` : '';
}
