import { S3Error } from './errors.js';
import type { ObjectVersion } from './object-version.js';
import type { ByteRange } from './range.js';

/**
 * GET/HEAD ?partNumber=N: the bytes of part N of a multipart object, as S3 serves them (with the
 * part count). An object written in one piece is one part. A part that is not there is InvalidPart.
 */
export function partRange(version: ObjectVersion, text: string): { range: ByteRange | null; count: number } {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < 1 || n > 10_000) throw new S3Error('InvalidArgument', 'Part number must be an integer between 1 and 10000, inclusive', { ArgumentName: 'partNumber', ArgumentValue: text });
  const sizes = version.partSizes ?? [version.body.length];
  if (n > sizes.length) throw new S3Error('InvalidPart', 'The requested partnumber is not satisfiable', { PartNumber: text });
  if (!version.partSizes) return { range: null, count: 1 };
  let start = 0;
  for (let i = 0; i < n - 1; i++) start += sizes[i]!;
  return { range: { start, end: start + sizes[n - 1]! - 1 }, count: sizes.length };
}
