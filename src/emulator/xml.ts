import { S3Error } from './errors.js';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/** Escapes text for an XML element; control characters become character references. */
export function xmlEscape(text: string): string {
  return text.replace(/[&<>"']|[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, (c) => ESCAPES[c] ?? `&#x${c.charCodeAt(0).toString(16)};`);
}

export const XML_HEADER = '<?xml version="1.0" encoding="UTF-8"?>\n';
export const S3_NS = 'http://s3.amazonaws.com/doc/2006-03-01/';

/** `<name>escaped value</name>`, the one shape of leaf S3's responses use. */
export function el(name: string, value: string | number | boolean): string {
  return `<${name}>${typeof value === 'string' ? xmlEscape(value) : String(value)}</${name}>`;
}

export function xmlUnescape(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|amp|lt|gt|quot|apos);/g, (_, ref: string) => {
    if (ref[0] === '#') {
      const code = ref[1] === 'x' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      return String.fromCodePoint(code);
    }
    return { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }[ref]!;
  });
}

export interface DeleteRequest {
  quiet: boolean;
  /** Each entry's key and version, and its conditions: ETag, LastModifiedTime, Size (as sent). */
  objects: { key: string; versionId?: string; etag?: string; lastModifiedTime?: string; size?: string }[];
}

/**
 * Reads the body of DeleteObjects. The document is flat (Delete > Object > Key), so a
 * tolerant scan does the job of a parser; CDATA is accepted because some clients use it.
 */
export function parseDeleteRequest(xml: string): DeleteRequest {
  if (!/<Delete[\s>]/.test(xml)) throw new S3Error('MalformedXML');
  const objects: DeleteRequest['objects'] = [];
  const field = (body: string, name: string): string | undefined => {
    const m = new RegExp(`<${name}>(?:<!\\[CDATA\\[([\\s\\S]*?)\\]\\]>|([\\s\\S]*?))</${name}>`).exec(body);
    return m ? (m[1] ?? xmlUnescape(m[2]!)) : undefined;
  };
  for (const m of xml.matchAll(/<Object>([\s\S]*?)<\/Object>/g)) {
    const key = field(m[1]!, 'Key');
    if (key === undefined) throw new S3Error('MalformedXML');
    const versionId = field(m[1]!, 'VersionId');
    const conditions = { etag: field(m[1]!, 'ETag'), lastModifiedTime: field(m[1]!, 'LastModifiedTime'), size: field(m[1]!, 'Size') };
    const given = Object.fromEntries(Object.entries(conditions).filter(([, v]) => v !== undefined));
    objects.push({ key, ...(versionId !== undefined ? { versionId } : {}), ...given });
  }
  if (objects.length === 0 || objects.length > 1000) throw new S3Error('MalformedXML');
  const quiet = /<Quiet>\s*true\s*<\/Quiet>/i.test(xml);
  return { quiet, objects };
}

export type VersioningStatus = 'Enabled' | 'Suspended';

/** The Status of a PutBucketVersioning body: Enabled or Suspended, anything else MalformedXML. */
export function parseVersioningStatus(xml: string): VersioningStatus {
  const m = /<VersioningConfiguration[\s>][\s\S]*?<Status>\s*(Enabled|Suspended)\s*<\/Status>/.exec(xml);
  if (!m) throw new S3Error('MalformedXML');
  return m[1] as VersioningStatus;
}

/** Reads LocationConstraint from a CreateBucket body, if there is one. */
export function parseLocationConstraint(xml: string): string | undefined {
  const m = /<LocationConstraint>([\s\S]*?)<\/LocationConstraint>/.exec(xml);
  return m ? xmlUnescape(m[1]!.trim()) : undefined;
}

export interface CompletedPart {
  partNumber: number;
  etag: string;
}

/** Reads CompleteMultipartUpload's part list (PartNumber and ETag of each Part). */
export function parseCompleteMultipart(xml: string): CompletedPart[] {
  if (!/<CompleteMultipartUpload[\s>]/.test(xml)) throw new S3Error('MalformedXML');
  const parts: CompletedPart[] = [];
  for (const m of xml.matchAll(/<Part>([\s\S]*?)<\/Part>/g)) {
    const number = /<PartNumber>\s*(\d+)\s*<\/PartNumber>/.exec(m[1]!);
    const etag = /<ETag>([\s\S]*?)<\/ETag>/.exec(m[1]!);
    if (!number || !etag) throw new S3Error('MalformedXML');
    parts.push({ partNumber: Number(number[1]), etag: xmlUnescape(etag[1]!.trim()) });
  }
  if (parts.length === 0) throw new S3Error('MalformedXML');
  return parts;
}
