import { S3Error } from './errors.js';

/** An inclusive byte range, as Content-Range states it. */
export interface ByteRange {
  start: number;
  end: number;
}

/**
 * Parses a Range header against an object's size. Like S3: a header that is not a single
 * `bytes=` range is ignored (whole object), and a range that starts past the end is 416.
 */
export function parseRange(header: string | undefined, size: number): ByteRange | null {
  if (header === undefined) return null;
  const m = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header);
  if (!m || (m[1] === '' && m[2] === '')) return null;
  if (size === 0) throw new S3Error('InvalidRange', undefined, { RangeRequested: header, ActualObjectSize: '0' });
  if (m[1] === '') {
    // A suffix range: the last n bytes.
    const n = Number(m[2]);
    if (n === 0) throw new S3Error('InvalidRange', undefined, { RangeRequested: header, ActualObjectSize: String(size) });
    return { start: Math.max(0, size - n), end: size - 1 };
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (m[2] !== '' && Number(m[2]) < start) return null;
  if (start >= size) {
    throw new S3Error('InvalidRange', undefined, { RangeRequested: header, ActualObjectSize: String(size) });
  }
  return { start, end };
}
