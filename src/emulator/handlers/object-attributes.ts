// GetObjectAttributes (GET ?attributes): what HEAD tells and a multipart object's part list, in
// one XML answer, for the attributes x-amz-object-attributes asks for (ETag, ObjectParts,
// StorageClass, ObjectSize; Checksum when the object has one: its writer's, or its multipart upload's).
// A read of the object like HEAD: the version addressed is judged by the same rules.
import { S3Error } from '../errors.js';
import type { ObjectVersion } from '../object-version.js';
import { S3_NS, el } from '../xml.js';
import { addressedVersion } from './addressed.js';
import { header, type EmulatorState, type S3Request, type S3Response } from './types.js';
import { versionIdHeader } from './versions.js';
import { xmlResponse } from './xml-response.js';

const ATTRIBUTES = new Set(['ETag', 'Checksum', 'ObjectParts', 'StorageClass', 'ObjectSize']);

/** A non-negative integer header, or its default; anything else is InvalidArgument, as S3 answers. */
function count(request: S3Request, name: string, fallback: number): number {
  const text = header(request, name);
  if (text === undefined) return fallback;
  if (!/^\d+$/.test(text.trim())) throw new S3Error('InvalidArgument', `${name} must be a non-negative integer`, { ArgumentName: name, ArgumentValue: text });
  return Number(text);
}

/** The ObjectParts element: a multipart object's parts after the marker, at most maxParts of them. */
function partsXml(version: ObjectVersion, sizes: readonly number[], marker: number, maxParts: number): string {
  const after = sizes.map((size, i) => ({ number: i + 1, size, checksum: version.partChecksums?.[i] })).filter((p) => p.number > marker);
  const page = after.slice(0, maxParts);
  const truncated = after.length > page.length;
  let xml = `<ObjectParts>${el('PartsCount', sizes.length)}${el('PartNumberMarker', marker)}`;
  if (page.length > 0) xml += el('NextPartNumberMarker', page[page.length - 1]!.number);
  xml += `${el('MaxParts', maxParts)}${el('IsTruncated', truncated)}`;
  const algorithm = version.checksum?.algorithm;
  for (const p of page) xml += `<Part>${el('PartNumber', p.number)}${el('Size', p.size)}${p.checksum !== undefined && algorithm ? el(`Checksum${algorithm}`, p.checksum) : ''}</Part>`;
  return `${xml}</ObjectParts>`;
}

function attributesXml(version: ObjectVersion, wanted: ReadonlySet<string>, marker: number, maxParts: number): string {
  let xml = `<GetObjectAttributesOutput xmlns="${S3_NS}">`;
  // Unlike everywhere else, S3 gives this ETag without quotes.
  if (wanted.has('ETag')) xml += el('ETag', version.etag.replace(/^"|"$/g, ''));
  const checksum = version.checksum;
  if (wanted.has('Checksum') && checksum) xml += `<Checksum>${el(`Checksum${checksum.algorithm}`, checksum.value)}${el('ChecksumType', checksum.type ?? 'FULL_OBJECT')}</Checksum>`;
  // Only a multipart object has parts to list; S3 leaves ObjectParts out for one written in one piece.
  if (wanted.has('ObjectParts') && version.partSizes) xml += partsXml(version, version.partSizes, marker, maxParts);
  if (wanted.has('StorageClass')) xml += el('StorageClass', 'STANDARD');
  if (wanted.has('ObjectSize')) xml += el('ObjectSize', version.body.length);
  return `${xml}</GetObjectAttributesOutput>`;
}

export async function getObjectAttributes(state: EmulatorState, request: S3Request): Promise<S3Response> {
  const names = (header(request, 'x-amz-object-attributes') ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (names.length === 0) throw new S3Error('InvalidArgument', 'x-amz-object-attributes header specifying the attributes to be retrieved is either missing or empty', { ArgumentName: 'x-amz-object-attributes' });
  const unknown = names.find((n) => !ATTRIBUTES.has(n));
  if (unknown !== undefined) throw new S3Error('InvalidArgument', `Invalid attribute name specified: ${unknown}`, { ArgumentName: 'x-amz-object-attributes', ArgumentValue: unknown });
  const maxParts = Math.min(count(request, 'x-amz-max-parts', 1000), 1000);
  const marker = count(request, 'x-amz-part-number-marker', 0);
  // The current version or ?versionId='s, once the caller may read it (a delete marker: 405).
  const version = await addressedVersion(state, request, 'GetObjectAttributes');
  const bucket = state.buckets.get(request.target.bucket!);
  return xmlResponse(200, attributesXml(version, new Set(names), marker, maxParts), {
    'last-modified': version.lastModified.toUTCString(),
    ...versionIdHeader(bucket, version),
  });
}
