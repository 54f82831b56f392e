// The scanner of our own history lines (src/history/scan-event.ts) must give, for every line it
// takes, exactly what JSON.parse gives (values, field order, -0), and take no line JSON.parse
// refuses. Lines written by the Recorder, hand-written odd ones, and random mutations of both.

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { historyOf } from '../src/history/build.js';
import type { EventType, ProcessId } from '../src/history/event.js';
import { readHistory } from '../src/history/read.js';
import { Recorder, type EventInput } from '../src/history/recorder.js';
import { EventScanner } from '../src/history/scan-event.js';

const dir = mkdtempSync(join(tmpdir(), 'objcheck-scan-'));
let n = 0;
const fresh = (): string => join(dir, `h${n++}.jsonl`);

/** What the reader makes of one line: the scanner's event, or JSON.parse's (which may throw). */
function scanOrParse(scanner: EventScanner, line: string): { scanned: boolean; value: unknown } {
  const bytes = Buffer.from(line, 'utf8');
  const e = scanner.scan(bytes, 0, bytes.length);
  return e === undefined ? { scanned: false, value: JSON.parse(line) } : { scanned: true, value: e };
}

/** The line as the scanner reads it is the line as JSON.parse reads it; a line JSON.parse refuses is never scanned. */
function expectSameAsParse(scanner: EventScanner, line: string): boolean {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    const bytes = Buffer.from(line, 'utf8');
    expect(scanner.scan(bytes, 0, bytes.length), line).toBeUndefined();
    return false;
  }
  const { scanned, value } = scanOrParse(scanner, line);
  expect(value, line).toStrictEqual(parsed);
  if (scanned) {
    expect(Object.keys(value as object), line).toEqual(Object.keys(parsed as object));
    for (const k of Object.keys(parsed as object)) expect(Object.is((value as Record<string, unknown>)[k], (parsed as Record<string, unknown>)[k]) || typeof (parsed as Record<string, unknown>)[k] === 'object', `${line} ${k}`).toBe(true);
  }
  return scanned;
}

const text = fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.constantFrom('k1', 'register/k12', 'k\u00e9', 'a"b', 'a\\b', 'tab\there', 'nl\nx', '\u2028', '}', ''));
const value = fc.oneof(
  fc.integer(),
  fc.maxSafeInteger(),
  fc.constant(null),
  fc.boolean(),
  text,
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.jsonValue(),
);
const input = fc.record(
  {
    process: fc.oneof(fc.nat(), fc.constant<ProcessId>('nemesis')),
    type: fc.constantFrom<EventType>('invoke', 'ok', 'fail', 'info'),
    f: fc.oneof(fc.constantFrom('get', 'put', 'delete', 'cas', 'set-meta'), text),
    key: text,
    value,
    error: text,
  },
  { requiredKeys: ['process', 'type', 'f'] },
);

/** Lines written by the Recorder itself. */
function recorded(inputs: EventInput[]): string[] {
  const file = fresh();
  const r = new Recorder(file);
  for (const i of inputs) r.record(i);
  r.close();
  return readFileSync(file, 'utf8').split('\n').slice(0, -1);
}

describe('EventScanner', () => {
  it('reads the lines the Recorder writes as JSON.parse does', () => {
    fc.assert(
      fc.property(fc.array(input, { maxLength: 30 }), (inputs) => {
        const scanner = new EventScanner();
        for (const line of recorded(inputs)) expectSameAsParse(scanner, line);
      }),
      { numRuns: 300 },
    );
  });

  it('takes the common lines itself (the fast path is used)', () => {
    const scanner = new EventScanner();
    const lines = recorded([
      { process: 3, type: 'invoke', f: 'put', key: 'k7', value: 12 },
      { process: 3, type: 'ok', f: 'put', key: 'k7' },
      { process: 4, type: 'ok', f: 'get', key: 'k7', value: null },
      { process: 5, type: 'info', f: 'put', key: 'k7', value: -3, error: 'timeout' },
      { process: 'nemesis', type: 'info', f: 'end' },
      { process: 6, type: 'ok', f: 'get', key: 'register/k123456789', value: 'a string' },
    ]);
    for (const line of lines) expect(expectSameAsParse(scanner, line), line).toBe(true);
  });

  it('shares repeated strings and keeps different ones apart', () => {
    const scanner = new EventScanner();
    const at = (line: string) => scanOrParse(scanner, line).value as { key: string };
    const a = at('{"index":0,"time":0,"process":0,"type":"invoke","f":"get","key":"k1"}');
    const b = at('{"index":1,"time":0,"process":0,"type":"invoke","f":"get","key":"k1"}');
    const c = at('{"index":2,"time":0,"process":0,"type":"invoke","f":"get","key":"1k"}');
    // "Aa" and "BB": the same length and the same hash (31 * 65 + 97 = 31 * 66 + 66).
    const d = at('{"index":3,"time":0,"process":0,"type":"invoke","f":"get","key":"Aa"}');
    const e = at('{"index":4,"time":0,"process":0,"type":"invoke","f":"get","key":"BB"}');
    expect([a.key, b.key, c.key, d.key, e.key]).toEqual(['k1', 'k1', '1k', 'Aa', 'BB']);
  });

  it.each([
    ['fields in another order', '{"time":5,"index":0,"process":1,"type":"invoke","f":"get","key":"k"}'],
    ['spaces', '{"index": 0,"time":5,"process":1,"type":"invoke","f":"get","key":"k"}'],
    ['a space before the brace', '{"index":0,"time":5,"process":1,"type":"invoke","f":"get","key":"k" }'],
    ['a space after the brace', '{"index":0,"time":5,"process":1,"type":"invoke","f":"get","key":"k"} '],
    ['an extra field', '{"index":0,"time":5,"process":1,"type":"invoke","f":"get","key":"k","extra":1}'],
    ['a repeated field', '{"index":0,"time":5,"process":1,"type":"invoke","f":"get","key":"a","key":"b"}'],
    ['unicode in a key', '{"index":0,"time":5,"process":1,"type":"invoke","f":"get","key":"k\u00e9\ud83d\ude00"}'],
    ['an escaped quote in a key', '{"index":0,"time":5,"process":1,"type":"invoke","f":"get","key":"k\\"}"}'],
    ['a \\u escape', '{"index":0,"time":5,"process":1,"type":"invoke","f":"get","key":"\\u006b1"}'],
    ['a lone surrogate escape', '{"index":0,"time":5,"process":1,"type":"invoke","f":"get","key":"\\ud800"}'],
    ['a brace inside a string', '{"index":0,"time":5,"process":1,"type":"ok","f":"get","key":"k}","value":"}"}'],
    ['an exponent', '{"index":0,"time":5e3,"process":1,"type":"invoke","f":"get","key":"k"}'],
    ['an exponent in the value', '{"index":0,"time":5,"process":1,"type":"invoke","f":"put","key":"k","value":1E2}'],
    ['a fraction', '{"index":0,"time":5,"process":1,"type":"invoke","f":"put","key":"k","value":1.50}'],
    ['a whole number as a fraction', '{"index":0,"time":5.0,"process":1,"type":"invoke","f":"get","key":"k"}'],
    ['minus zero', '{"index":0,"time":5,"process":1,"type":"invoke","f":"put","key":"k","value":-0}'],
    ['a negative value', '{"index":0,"time":5,"process":1,"type":"invoke","f":"put","key":"k","value":-17}'],
    ['a number past 2^53', '{"index":0,"time":9007199254740993,"process":1,"type":"invoke","f":"get","key":"k"}'],
    ['fifteen digits', '{"index":0,"time":999999999999999,"process":1,"type":"invoke","f":"get","key":"k"}'],
    ['sixteen digits', '{"index":0,"time":1000000000000000,"process":1,"type":"invoke","f":"get","key":"k"}'],
    ['a nested value', '{"index":0,"time":5,"process":1,"type":"ok","f":"cas","key":"r0","value":{"refused":"PreconditionFailed (HTTP 412)","n":[1,[2,{}]]}}'],
    ['an array value', '{"index":0,"time":5,"process":1,"type":"invoke","f":"cas","key":"r0","value":[17,21]}'],
    ['true and false', '{"index":0,"time":5,"process":1,"type":"ok","f":"acquire","key":"l","value":true}'],
    ['a nemesis event', '{"index":0,"time":5,"process":"nemesis","type":"info","f":"start-partition","value":{"kind":"blackhole"}}'],
    ['an unknown type', '{"index":0,"time":5,"process":1,"type":"done","f":"get","key":"k"}'],
    ['a process as a string', '{"index":0,"time":5,"process":"1","type":"invoke","f":"get","key":"k"}'],
    ['an empty key', '{"index":0,"time":5,"process":1,"type":"invoke","f":"get","key":""}'],
    ['a key of another type', '{"index":0,"time":5,"process":1,"type":"invoke","f":"get","key":3}'],
    ['an error and a value', '{"index":0,"time":5,"process":1,"type":"info","f":"put","key":"k","value":4,"error":"socket hang up"}'],
    ['a DEL character', '{"index":0,"time":5,"process":1,"type":"invoke","f":"get","key":"k\u007f"}'],
    ['a __proto__ field', '{"index":0,"time":5,"process":1,"type":"invoke","f":"get","__proto__":{"x":1}}'],
  ])('agrees with JSON.parse on %s', (_, line) => {
    expectSameAsParse(new EventScanner(), line);
  });

  it.each([
    ['leading zeros', '{"index":01,"time":5,"process":1,"type":"invoke","f":"get","key":"k"}'],
    ['a raw tab in a string', '{"index":0,"time":5,"process":1,"type":"invoke","f":"get","key":"k\t"}'],
    ['a trailing comma', '{"index":0,"time":5,"process":1,"type":"invoke","f":"get","key":"k",}'],
    ['a line cut short', '{"index":0,"time":5,"process":1,"type":"invoke","f":"get","key":"k'],
    ['a string cut short before the brace', '{"index":0,"time":5,"process":1,"type":"invoke","f":"get","key":"k}'],
    ['a bad escape', '{"index":0,"time":5,"process":1,"type":"invoke","f":"get","key":"\\x"}'],
    ['a minus with no digits', '{"index":0,"time":5,"process":1,"type":"invoke","f":"put","key":"k","value":-}'],
    ['two braces', '{"index":0,"time":5,"process":1,"type":"invoke","f":"get","key":"k"}}'],
  ])('refuses what JSON.parse refuses: %s', (_, line) => {
    expect(expectSameAsParse(new EventScanner(), line)).toBe(false);
  });

  /** 1 to 25 digits, as many of each length. */
  const integerText = fc.tuple(fc.integer({ min: 0, max: 9 }), fc.array(fc.integer({ min: 0, max: 9 }), { maxLength: 24 })).map(([d, ds]) => (d === 0 ? '0' : `${d}${ds.join('')}`));

  it('agrees with JSON.parse on integers of any length, where summing digits in doubles would round differently', () => {
    fc.assert(
      fc.property(integerText, integerText, fc.boolean(), (v, t, negative) => {
        expectSameAsParse(new EventScanner(), `{"index":0,"time":${t},"process":1,"type":"invoke","f":"put","key":"k","value":${negative ? '-' : ''}${v}}`);
      }),
      { numRuns: 1000 },
    );
  });

  it('agrees with JSON.parse on random edits of recorded lines', () => {
    const edit = fc.record({ at: fc.nat(), cut: fc.nat({ max: 3 }), insert: fc.oneof(fc.constantFrom(' ', '"', '\\', '}', ',', '0', '-', 'e', '.', '\u00e9', '\t', '{"a":1}', ',"x":2'), fc.string({ maxLength: 3 })) });
    fc.assert(
      fc.property(fc.array(fc.tuple(input, fc.array(edit, { minLength: 1, maxLength: 3 })), { minLength: 1, maxLength: 10 }), (cases) => {
        const lines = recorded(cases.map(([i]) => i));
        cases.forEach(([, edits], j) => {
          let line = lines[j]!;
          for (const e of edits) {
            const at = e.at % (line.length + 1);
            line = line.slice(0, at) + e.insert + line.slice(at + e.cut);
          }
          expectSameAsParse(new EventScanner(), line);
        });
      }),
      { numRuns: 400 },
    );
  });

  it('reads lines in a run as it reads them one by one: to their line end, or not at all', () => {
    // line(): the line at p, its end not known first, bounded by the last "\n" of the buffer.
    const ends = fc.constantFrom('\n', '\r\n', '\r', ' \n', '}\n', '\r\r\n', '\u2028\n');
    const edit = fc.record({ at: fc.nat(), cut: fc.nat({ max: 3 }), insert: fc.constantFrom('', ' ', '"', '\\', '}', '\n', '\r', '0', '-', '.', 'e', '\u00e9', ',"x":2') });
    fc.assert(
      fc.property(fc.array(fc.tuple(input, fc.option(edit), ends), { minLength: 1, maxLength: 12 }), (cases) => {
        const lines = recorded(cases.map(([i]) => i)).map((l, j) => {
          const e = cases[j]![1];
          if (e === null) return l;
          const at = e.at % (l.length + 1);
          return l.slice(0, at) + e.insert + l.slice(at + e.cut);
        });
        const text = lines.map((l, j) => l + cases[j]![2]).join('');
        const b = Buffer.from(text, 'utf8');
        const lastNl = b.lastIndexOf(10);
        const scanner = new EventScanner();
        for (let p = 0; p < lastNl; ) {
          const nl = b.indexOf(10, p);
          const line = b.toString('utf8', p, nl);
          const q = scanner.line(b, p, lastNl);
          if (q >= 0) {
            // Taken: the line's own end, and what JSON.parse makes of the line without its "\r".
            expect(q, line).toBe(nl);
            const body = line.endsWith('\r') ? line.slice(0, -1) : line;
            expect(scanner.event(), line).toStrictEqual(JSON.parse(body));
            expect(scanner.read(b, p, p + Buffer.byteLength(body)), line).toBe(true);
          } else {
            // Left: the line as read alone is left too.
            const crlf = line.endsWith('\r') ? 1 : 0;
            expect(scanner.read(b, p, nl - crlf), line).toBe(false);
          }
          p = nl + 1;
        }
      }),
      { numRuns: 400 },
    );
  });

  it('reads only its own line of a buffer that holds others', () => {
    const lines = recorded([
      { process: 1, type: 'invoke', f: 'get', key: 'k' },
      { process: 1, type: 'ok', f: 'get', key: 'k', value: 5 },
    ]);
    const bytes = Buffer.from(lines.join('\n'));
    const scanner = new EventScanner();
    const first = lines[0]!.length;
    expect(scanner.scan(bytes, 0, first)).toStrictEqual(JSON.parse(lines[0]!));
    expect(scanner.scan(bytes, first + 1, bytes.length)).toStrictEqual(JSON.parse(lines[1]!));
    // A line whose string would only close in the next line is not read across the line's end.
    const open = Buffer.from('{"index":0,"time":5,"process":1,"type":"invoke","f":"get","key":"k}\n","x":"y"}');
    expect(scanner.scan(open, 0, open.indexOf(10))).toBeUndefined();
  });
});

describe('readHistory with the scanner', () => {
  /** A valid history of random ops with odd values, some lines in other shapes. */
  const ops = fc.array(
    fc.record({ f: fc.constantFrom('get', 'put', 'cas'), key: text, v: value, end: fc.constantFrom('ok', 'fail', 'info'), reorder: fc.boolean() }),
    { maxLength: 40 },
  );

  it('makes the same History as JSON.parse of every line, in LF and CRLF files', async () => {
    await fc.assert(
      fc.asyncProperty(ops, fc.boolean(), async (list, crlf) => {
        const events: Record<string, unknown>[] = [];
        let process = 0;
        for (const o of list) {
          events.push({ index: events.length, time: events.length * 10, process, type: 'invoke', f: o.f, key: o.key, value: o.v });
          const done: Record<string, unknown> = { index: events.length, time: events.length * 10, process, type: o.end, f: o.f, key: o.key };
          if (o.end === 'ok') done.value = o.v;
          else done.error = 'because';
          events.push(done);
          if (o.end === 'info') process++;
        }
        const lines = events.map((e, i) => (list[i >> 1]?.reorder && i % 2 === 1 ? JSON.stringify(e, Object.keys(e).reverse()) : JSON.stringify(e)));
        const file = fresh();
        writeFileSync(file, lines.map((l) => `${l}${crlf ? '\r' : ''}\n`).join(''));
        const read = await readHistory(file);
        expect(read).toStrictEqual(historyOf(lines.map((l) => JSON.parse(l) as unknown)));
      }),
      { numRuns: 150 },
    );
  });

  it('reads a line that spans the reader\'s chunks, and a last line without a newline', async () => {
    const long = 'v'.repeat(5 << 20);
    const lines = [
      '{"index":0,"time":0,"process":0,"type":"invoke","f":"put","key":"k","value":1}',
      `{"index":1,"time":1,"process":0,"type":"ok","f":"put","key":"k","error":"${long}"}`,
      '{"index":2,"time":2,"process":0,"type":"invoke","f":"get","key":"k"}',
      '{"index":3,"time":3,"process":0,"type":"ok","f":"get","key":"k","value":1}',
    ];
    const file = fresh();
    writeFileSync(file, lines.join('\n'));
    expect(await readHistory(file)).toStrictEqual(historyOf(lines.map((l) => JSON.parse(l) as unknown)));
  });
});
