// The little XML the lean S3 client reads and writes. S3's responses are flat, element-only
// documents with no CDATA, comments or repeated nesting of one name, so an element's text is
// what lies between its tags, with the five predefined entities and character references
// decoded; attributes are skipped (the root's xmlns).

const patterns = new Map<string, RegExp>();

function elementPattern(tag: string): RegExp {
  let p = patterns.get(tag);
  if (!p) {
    p = new RegExp(`<${tag}(?:\\s[^>]*)?(?:/>|>([\\s\\S]*?)</${tag}\\s*>)`, 'g');
    patterns.set(tag, p);
  }
  return p;
}

/** The raw inner XML of every `<tag>` element, in document order (an empty element gives ""). */
export function xmlElements(xml: string, tag: string): string[] {
  const out: string[] = [];
  for (const m of xml.matchAll(elementPattern(tag))) out.push(m[1] ?? '');
  return out;
}

/** The decoded text of the first `<tag>` element, or undefined when there is none. */
export function xmlText(xml: string, tag: string): string | undefined {
  const p = elementPattern(tag);
  p.lastIndex = 0;
  const m = p.exec(xml);
  p.lastIndex = 0;
  return m ? xmlDecode(m[1] ?? '') : undefined;
}

const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

export function xmlDecode(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-z]+);/g, (whole, ref: string) => {
    if (ref.startsWith('#x')) return String.fromCodePoint(parseInt(ref.slice(2), 16));
    if (ref.startsWith('#')) return String.fromCodePoint(parseInt(ref.slice(1), 10));
    return NAMED[ref] ?? whole;
  });
}

export function xmlEscape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&${c === '&' ? 'amp' : c === '<' ? 'lt' : c === '>' ? 'gt' : c === '"' ? 'quot' : 'apos'};`);
}
