import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { generate } from '../bench/check/generate.js';
import { ChunkAssembler } from '../src/history/assemble.js';
import { pairScan } from '../src/history/chunk-ops.js';
import { KeyedOps } from '../src/history/keyed-ops.js';
import { scanChunk } from '../src/history/lines.js';
import { decodeOps } from '../src/history/op-records.js';
import { addChunkScan } from '../src/check/parallel/read.js';
import { events, jsonl } from './helpers/events.js';

const dir = mkdtempSync(join(tmpdir(), 'objcheck-chunk-ops-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const write = (name: string, text: string): string => {
  const f = join(dir, name);
  writeFileSync(f, text);
  return f;
};

/**
 * What KeyedOps makes of a file cut at `cuts`: each chunk's events one by one (`paired` false,
 * as before chunks were paired on their threads), or paired apart and added at once where
 * their edges allow. Everything the check reads of it, or the error's words.
 */
/** Chunks that read() took at once (paired on their thread): the point of pairing them there. */
let atOnce = 0;

function read(file: string, cuts: number[], paired: boolean, budgetBytes = 1e9): unknown {
  const size = statSync(file).size;
  const bounds = [0, ...[...new Set(cuts)].filter((c) => c > 0 && c < size).sort((a, b) => a - b), size];
  const keyed = new KeyedOps({ byKey: true, budgetBytes });
  const addChunk = keyed.addChunk.bind(keyed);
  keyed.addChunk = (...args) => {
    const ok = addChunk(...args);
    if (ok) atOnce++;
    return ok;
  };
  const assembler = new ChunkAssembler(file);
  try {
    for (let i = 0; i + 1 < bounds.length; i++) {
      const whole = () => scanChunk(file, bounds[i]!, bounds[i + 1]!, size, false);
      const scan = whole();
      if (paired) pairScan(scan);
      addChunkScan(keyed, assembler, scan, whole);
    }
    const groups = [...keyed.groups.values()].map((g) => [g.key, g.count, decodeOps(keyed.load(g), keyed.strings.strings)]);
    return { groups, finish: keyed.finish(), firstOps: keyed.firstOps, nemesis: keyed.nemesis, ended: keyed.ended, events: keyed.eventCount, droppedTail: assembler.droppedTail, spilled: keyed.spilledBytes > 0 };
  } catch (err) {
    return (err as Error).message;
  } finally {
    keyed.close();
  }
}

const line = (e: object) => JSON.stringify(e);
const base = events(
  [0, 'invoke', 'put', 'k1', 1],
  [1, 'invoke', 'get', 'k1'],
  [0, 'ok', 'put', 'k1'],
  [5, 'invoke', 'put', undefined, 'x'],
  [1, 'ok', 'get', 'k1', 1],
  [2, 'invoke', 'put', 'k2', { big: [1, 2] }],
  [2, 'info', 'put', 'k2'],
  [3, 'invoke', 'get', 'k2'],
  [4, 'invoke', 'cas', 'k2', [1, 2]],
  [5, 'fail', 'put', undefined, undefined, 'no'],
  [3, 'ok', 'get', 'k2', null],
  [4, 'ok', 'cas', 'k2'],
  [6, 'invoke', 'get', ''],
  [6, 'ok', 'get', '', 'v'],
);
const lines = jsonl(base).split('\n').slice(0, -1);
const nemesis = (index: number, f: string) => line({ index, time: index * 1_000_000, process: 'nemesis', type: 'info', f });
const at = (i: number, e: Record<string, unknown>) => line({ ...JSON.parse(lines[i]!), ...e });
const join_ = (ls: string[]) => ls.join('\n') + '\n';
const renumber = (ls: string[]) => ls.map((l, i) => l.replace(/"index":\d+,"time":\d+/, `"index":${i},"time":${i * 1_000_000}`));

/** Files good and bad: each rule between events broken once, at lines a cut may put on either side of an edge. */
const cases: Record<string, string> = {
  valid: join_(lines),
  'nemesis events and the end marker': join_(renumber([lines[0]!, nemesis(0, 'start-partition'), ...lines.slice(1), nemesis(0, 'end')])),
  'open ops at the end': join_(lines.slice(0, 9)),
  // (Without the key "", which no key shares a group with: such a chunk is taken event by event.)
  'big process numbers': join_(lines.slice(0, 12).map((l) => l.replace(/"process":(\d+)/, (_, d: string) => `"process":${2 ** 40 + Number(d)}`))),
  'big process reused after info': join_(renumber([...lines, at(5, { process: 2 })]).map((l) => l.replace(/"process":(\d+)/, (_, d: string) => `"process":${70_000 + Number(d)}`))),
  'last line cut short': join_(lines) + '{"index":14,"ti',
  'index gap': join_(lines.map((l, i) => (i === 8 ? l.replace('"index":8', '"index":9') : l))),
  'time backwards': join_(lines.map((l, i) => (i === 7 ? l.replace(/"time":\d+/, '"time":0') : l))),
  'completion without invocation': join_(renumber([...lines.slice(0, 3), lines[2]!, ...lines.slice(3)])),
  'invocation while open': join_(renumber([...lines.slice(0, 2), at(1, { f: 'put' }), ...lines.slice(2)])),
  'completion of another f': join_(lines.map((l, i) => (i === 10 ? l.replace('"f":"get"', '"f":"put"') : l))),
  'completion of another key': join_(lines.map((l, i) => (i === 11 ? l.replace('"key":"k2"', '"key":"k3"') : l))),
  'completion without a key': join_(lines.map((l, i) => (i === 11 ? l.replace(',"key":"k2"', '') : l))),
  'process reused after info': join_(renumber([...lines, at(5, { process: 2 })])),
  'end marker while open': join_(renumber([...lines.slice(0, 9), nemesis(0, 'end'), ...lines.slice(9)])),
  'event after the end marker': join_(renumber([...lines, nemesis(0, 'end'), lines[0]!])),
  'bad JSON': join_(lines.map((l, i) => (i === 6 ? l.slice(0, -3) : l))),
};

describe('a chunk paired on its thread (src/history/chunk-ops.ts) adds up as its events one by one', () => {
  for (const [name, text] of Object.entries(cases)) {
    it(name, () => {
      const file = write(`${name.replace(/\W+/g, '-')}.jsonl`, text);
      const expected = read(file, [], false);
      if (['open ops at the end', 'big process numbers'].includes(name)) {
        atOnce = 0;
        read(file, [], true);
        expect(atOnce).toBe(1);
      }
      if (name === 'valid' || name.startsWith('nemesis') || name.startsWith('open') || name === 'big process numbers') expect(typeof expected).not.toBe('string');
      else if (!name.startsWith('last')) expect(expected).toMatch(/\.jsonl:\d+: /);
      // Every cut, alone and with another a line on: a rule broken across an edge breaks at one.
      // (Not as fast-check's examples: those count against numRuns, and only the first would run.)
      for (let i = 0; i <= text.length; i++) {
        expect(read(file, [i], true)).toEqual(expected);
        expect(read(file, [i, i + 90], true)).toEqual(expected);
      }
      fc.assert(
        fc.property(fc.array(fc.nat({ max: text.length }), { maxLength: 6 }), (cuts) => {
          expect(read(file, cuts, true)).toEqual(expected);
        }),
        { numRuns: 100 },
      );
    });
  }

  it('a generated history with crashes, whole or spilled past a small budget', async () => {
    const file = join(dir, 'gen.jsonl');
    await generate(file, 20_000, 20, 10, 0.05, 5);
    const size = statSync(file).size;
    const cuts = Array.from({ length: 7 }, (_, i) => Math.floor((size * (i + 1)) / 8));
    const expected = read(file, cuts, false);
    atOnce = 0;
    expect(read(file, cuts, true)).toEqual(expected);
    expect(atOnce).toBe(8);
    const small = read(file, cuts, true, 64 * 1024) as { spilled: boolean };
    expect(small.spilled).toBe(true);
    expect({ ...small, spilled: false }).toEqual(expected);
    // Cut short mid-history: ops left open at the end.
    const half = write('gen-half.jsonl', readFileSync(file, 'utf8').split('\n').slice(0, 20_001).join('\n') + '\n');
    expect(read(half, cuts, true)).toEqual(read(half, cuts, false));
  });
});
