// A small, strict EDN reader (https://github.com/edn-format/edn): one value per call, with the
// column of the first thing wrong. Maps with keyword or string keys become plain objects keyed by
// the keyword's name; keywords are Keyword instances; nil is null; lists and vectors are arrays;
// sets are Sets; tagged values are Tagged instances.

export class Keyword {
  constructor(readonly name: string) {}
  toString(): string {
    return `:${this.name}`;
  }
}

export class Symbol_ {
  constructor(readonly name: string) {}
}

export class Tagged {
  constructor(
    readonly tag: string,
    readonly value: EdnValue,
  ) {}
}

export type EdnValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | Keyword
  | Symbol_
  | Tagged
  | EdnValue[]
  | Set<EdnValue>
  | { [k: string]: EdnValue }
  | Map<EdnValue, EdnValue>;

export class EdnError extends Error {
  constructor(
    readonly what: string,
    /** 1-based column. */
    readonly column: number,
  ) {
    super(`column ${column}: ${what}`);
  }
}

const DELIMS = new Set([' ', '\t', '\n', '\r', ',', '(', ')', '[', ']', '{', '}', '"', ';']);
/** DELIMS by char code, for the hot loops. */
const DELIM_CODE = new Uint8Array(128);
for (const d of DELIMS) DELIM_CODE[d.charCodeAt(0)] = 1;
const isDelim = (c: number): boolean => c < 128 && DELIM_CODE[c] === 1;

/** Keywords are immutable: one instance per name (a history repeats a handful of them). */
const KEYWORDS = new Map<string, Keyword>();
function keyword(name: string): Keyword {
  let k = KEYWORDS.get(name);
  if (k === undefined) {
    k = new Keyword(name);
    if (KEYWORDS.size < 10_000) KEYWORDS.set(name, k);
  }
  return k;
}

/** A plain decimal integer (the common case), checked without a regular expression. */
function isPlainInt(t: string): boolean {
  let i = t.charCodeAt(0) === 45 || t.charCodeAt(0) === 43 ? 1 : 0; // - +
  if (i === t.length) return false;
  for (; i < t.length; i++) {
    const c = t.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/** Parses exactly one EDN value from `text` (whitespace and comments around it allowed). */
export function parseEdn(text: string): EdnValue {
  const p = new EdnReader(text);
  p.skip();
  if (p.pos >= text.length) throw new EdnError('no value', p.pos + 1);
  const v = p.value();
  p.skip();
  if (p.pos < text.length) throw new EdnError(`unexpected ${JSON.stringify(text[p.pos])} after the value`, p.pos + 1);
  return v;
}

/**
 * Reads values one after another from a whole text: `skip()` passes whitespace, commas, `;`
 * comments and `#_` discards; `value()` reads the value at `pos`. Errors carry the offset in the
 * text (EdnError.column is then offset + 1; lineColumn turns it into a line and column).
 */
export class EdnReader {
  pos = 0;
  constructor(private readonly s: string) {}

  get atEnd(): boolean {
    return this.pos >= this.s.length;
  }

  /** The character at pos ('' at the end). */
  peek(): string {
    return this.s[this.pos] ?? '';
  }

  skip(): void {
    const s = this.s;
    for (;;) {
      const c = s[this.pos];
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === ',') this.pos++;
      else if (c === ';') {
        while (this.pos < s.length && s[this.pos] !== '\n') this.pos++;
      } else if (c === '#' && s[this.pos + 1] === '_') {
        this.pos += 2;
        this.skip();
        this.value();
      } else return;
    }
  }

  private fail(what: string, at = this.pos): never {
    throw new EdnError(what, at + 1);
  }

  value(): EdnValue {
    const s = this.s;
    const c = s[this.pos];
    if (c === undefined) this.fail('unexpected end of input');
    switch (c) {
      case '"':
        return this.string();
      case ':':
        return keyword(this.token(this.pos + 1, 'keyword'));
      case '[':
        return this.seq(']', 'vector');
      case '(':
        return this.seq(')', 'list');
      case '{':
        return this.map();
      case '#': {
        if (s[this.pos + 1] === '{') {
          this.pos++;
          return new Set(this.seq('}', 'set'));
        }
        const tag = this.token(this.pos + 1, 'tag');
        this.skip();
        return new Tagged(tag, this.value());
      }
      case ')':
      case ']':
      case '}':
        this.fail(`unexpected ${JSON.stringify(c)}`);
      // eslint-disable-next-line no-fallthrough
      case '\\': {
        const start = this.pos;
        this.pos++;
        if (this.pos >= s.length) this.fail('a character literal without a character', start);
        let end = this.pos + 1;
        while (end < s.length && !DELIMS.has(s[end]!)) end++;
        const name = s.slice(this.pos, end);
        this.pos = end;
        const named: Record<string, string> = { newline: '\n', return: '\r', space: ' ', tab: '\t' };
        if (name.length === 1) return name;
        if (named[name] !== undefined) return named[name]!;
        if (/^u[0-9a-fA-F]{4}$/.test(name)) return String.fromCharCode(parseInt(name.slice(1), 16));
        return this.fail(`unknown character literal \\${name}`, start);
      }
      default:
        return this.atom();
    }
  }

  /** A run of non-delimiter characters starting at `from`; pos moves past it. */
  private token(from: number, what: string): string {
    const s = this.s;
    let end = from;
    while (end < s.length && !isDelim(s.charCodeAt(end))) end++;
    if (end === from) this.fail(`an empty ${what}`);
    this.pos = end;
    return s.slice(from, end);
  }

  private atom(): EdnValue {
    const start = this.pos;
    const t = this.token(this.pos, 'token');
    if (t === 'nil') return null;
    if (t === 'true') return true;
    if (t === 'false') return false;
    if (isPlainInt(t)) {
      const n = Number(t);
      if (Number.isSafeInteger(n)) return n;
    }
    if (/^[+-]?\d/.test(t)) {
      const m = /^([+-]?\d+)(N)?$/.exec(t);
      if (m) {
        const n = Number(m[1]);
        if (Number.isSafeInteger(n)) return n;
        return BigInt(m[1]!);
      }
      if (/^[+-]?\d+(\.\d*)?([eE][+-]?\d+)?M?$/.test(t)) return Number(t.replace(/M$/, ''));
      this.fail(`malformed number ${JSON.stringify(t)}`, start);
    }
    if (/^[^\d#:'"][^"]*$/.test(t)) return new Symbol_(t);
    return this.fail(`unexpected ${JSON.stringify(t)}`, start);
  }

  private string(): string {
    const s = this.s;
    const start = this.pos;
    this.pos++;
    let out = '';
    let runStart = this.pos;
    for (;;) {
      if (this.pos >= s.length) this.fail('unterminated string', start);
      const c = s.charCodeAt(this.pos);
      if (c === 34) {
        // "
        out += s.slice(runStart, this.pos);
        this.pos++;
        return out;
      }
      if (c === 92) {
        // backslash
        out += s.slice(runStart, this.pos);
        const e = s[this.pos + 1];
        const simple: Record<string, string> = { '"': '"', '\\': '\\', n: '\n', t: '\t', r: '\r', b: '\b', f: '\f' };
        if (e !== undefined && simple[e] !== undefined) {
          out += simple[e];
          this.pos += 2;
        } else if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(s.slice(this.pos + 2, this.pos + 6))) {
          out += String.fromCharCode(parseInt(s.slice(this.pos + 2, this.pos + 6), 16));
          this.pos += 6;
        } else {
          this.fail(`bad escape \\${e ?? ''} in a string`);
        }
        runStart = this.pos;
        continue;
      }
      this.pos++;
    }
  }

  private seq(close: string, what: string): EdnValue[] {
    const start = this.pos;
    this.pos++;
    const out: EdnValue[] = [];
    for (;;) {
      this.skip();
      if (this.pos >= this.s.length) this.fail(`unterminated ${what}`, start);
      if (this.s[this.pos] === close) {
        this.pos++;
        return out;
      }
      out.push(this.value());
    }
  }

  private map(): EdnValue {
    const start = this.pos;
    const items = this.seq('}', 'map');
    if (items.length % 2 !== 0) this.fail('a map with a key but no value', start);
    const plain = items.every((v, i) => i % 2 === 1 || v instanceof Keyword || typeof v === 'string');
    if (plain) {
      const o: { [k: string]: EdnValue } = Object.create(null);
      for (let i = 0; i < items.length; i += 2) {
        const k = items[i]!;
        const name = k instanceof Keyword ? k.name : (k as string);
        if (name in o) this.fail(`duplicate key ${k instanceof Keyword ? ':' : ''}${name} in a map`, start);
        o[name] = items[i + 1]!;
      }
      return o;
    }
    const m = new Map<EdnValue, EdnValue>();
    for (let i = 0; i < items.length; i += 2) m.set(items[i]!, items[i + 1]!);
    return m;
  }
}
