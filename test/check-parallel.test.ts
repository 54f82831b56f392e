import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generate } from '../bench/check/generate.js';
import { newCheckProgress } from '../src/cli/check-progress.js';
import { ChunkAssembler } from '../src/history/assemble.js';
import { HistoryBuilder } from '../src/history/build.js';
import { decodeEvent, StringTable } from '../src/history/columns.js';
import type { History } from '../src/history/event.js';
import { KeyedOps } from '../src/history/keyed-ops.js';
import { droppedTailMessage, scanChunk } from '../src/history/lines.js';
import { decodeOps, encodeOps, STRIDE } from '../src/history/op-records.js';
import { readHistory } from '../src/history/read.js';
import { ThreadPool } from '../src/check/parallel/pool.js';
import { readKeyedOps } from '../src/check/parallel/read.js';
import { checkFile, type FileCheckSettings, type FileVerdict } from '../src/cli/check-file.js';
import { events, jsonl } from './helpers/events.js';
import { FINAL_PHASE } from '../src/history/op-values.js';

const dir = mkdtempSync(join(tmpdir(), 'objcheck-parallel-'));
const write = (name: string, text: string): string => {
  const f = join(dir, name);
  writeFileSync(f, text);
  return f;
};

/** What readHistory makes of a file: the history, or its error's words. */
async function whole(file: string): Promise<History | string> {
  try {
    return await readHistory(file);
  } catch (err) {
    return (err as Error).message;
  }
}

/** The file read as chunks cut at `cuts` (byte offsets), scanned apart (through a `window` of bytes) and put together. */
function chunked(file: string, cuts: number[], window?: number): History | string {
  const size = statSync(file).size;
  const bounds = [0, ...[...new Set(cuts)].filter((c) => c > 0 && c < size).sort((a, b) => a - b), size];
  const builder = new HistoryBuilder();
  const assembler = new ChunkAssembler(file);
  try {
    for (let i = 0; i + 1 < bounds.length; i++) {
      const scan = scanChunk(file, bounds[i]!, bounds[i + 1]!, size, true, undefined, window);
      assembler.add(scan, (j) => builder.add(decodeEvent(scan.columns, j, scan.strings)));
    }
  } catch (err) {
    return (err as Error).message;
  }
  const h = builder.finish();
  return assembler.droppedTail === 0 ? h : { ...h, droppedTail: droppedTailMessage(file, assembler.droppedTail) };
}

const ok = events([0, 'invoke', 'put', 'k1', 1], [1, 'invoke', 'get', 'k1'], [0, 'ok', 'put', 'k1'], [1, 'ok', 'get', 'k1', 1], [2, 'invoke', 'put', 'k2', { big: [1, 2] }], [2, 'info', 'put', 'k2'], [3, 'invoke', 'get', 'k2'], [3, 'ok', 'get', 'k2', null]);
const lines = jsonl(ok).split('\n').slice(0, -1);
const join_ = (ls: string[]) => ls.join('\n') + '\n';

/** Files good and bad, each rule of the format broken once, at different lines. */
const cases: Record<string, string> = {
  valid: join_(lines),
  crlf: lines.join('\r\n') + '\r\n',
  'other shape (JSON.parse path)': join_(lines.map((l, i) => (i === 3 ? l.replace('{"index":3,', '{ "index": 3, "extra": true,') : l))),
  'bad JSON': join_(lines.map((l, i) => (i === 5 ? l.slice(0, -3) : l))),
  'blank line inside': join_([...lines.slice(0, 4), '', ...lines.slice(4)]),
  'blank lines at the end': join_(lines) + '\n\n',
  'blank lines then bad JSON at the end': join_(lines) + '\n\n{"index":',
  'last line cut short': join_(lines) + '{"index":8,"ti',
  'index gap': join_(lines.map((l, i) => (i === 6 ? l.replace('"index":6', '"index":7') : l))),
  'time backwards': join_(lines.map((l, i) => (i === 4 ? l.replace(/"time":\d+/, '"time":0') : l))),
  'completion without invocation': join_([...lines.slice(0, 2), lines[3]!.replace('"index":3', '"index":2'), ...lines.slice(3).map((l) => l)]),
  'process reused after info': join_([...lines, JSON.stringify({ index: 8, time: 9e6, process: 2, type: 'invoke', f: 'get', key: 'k2' })]),
  'bad shape (no error on info)': join_(lines.map((l, i) => (i === 5 ? l.replace(',"error":"test"', '') : l))),
  'empty f': join_(lines.map((l, i) => (i === 7 ? l.replace('"f":"get"', '"f":""') : l))),
};

describe('a history file scanned in chunks (any cuts) reads as when read whole', () => {
  for (const [name, text] of Object.entries(cases)) {
    it(name, async () => {
      const file = write(`${name.replace(/\W+/g, '-')}.jsonl`, text);
      const expected = await whole(file);
      if (name === 'valid' || name.startsWith('blank lines at')) expect(typeof expected).not.toBe('string');
      if (name.startsWith('bad') || name.includes('inside') || name.includes('gap')) expect(expected).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+: `));
      await fc.assert(
        // Windows from a few bytes, shorter than a line, to the default: lines cut at a window's end too.
        fc.asyncProperty(fc.array(fc.nat({ max: text.length }), { maxLength: 6 }), fc.option(fc.integer({ min: 1, max: 300 })), async (cuts, window) => {
          expect(chunked(file, cuts, window ?? undefined)).toEqual(expected);
        }),
        // And every single cut: a rule that spans chunks breaks at one cut, not at most.
        { numRuns: 100, examples: Array.from({ length: text.length + 1 }, (_, i) => [[i], i % 3 === 0 ? null : 1 + ((i * 37) % 200)]) },
      );
    });
  }
});

describe('op records', () => {
  it('give back the ops they were made of', async () => {
    const file = write('records.jsonl', cases.valid!);
    const h = await readHistory(file);
    const strings = new StringTable();
    const r = encodeOps(h.ops, strings);
    expect(r.length).toBe(h.ops.length * STRIDE);
    expect(decodeOps(r, strings.strings)).toEqual(h.ops);
  });
});

describe('KeyedOps: ops by key, spilled past the budget', () => {
  it('a spill that writes out a whole tail, all of its ops completed, leaves room for the next', async () => {
    // One key written over and over by one process: each of its tails fills with completed ops.
    const steps: Parameters<typeof events> = [];
    for (let v = 1; v <= 300; v++) steps.push([0, 'invoke', 'put', 'k1', v], [0, 'ok', 'put', 'k1']);
    const file = write('one-key.jsonl', jsonl(events(...steps)));
    const h = await readHistory(file);
    const size = statSync(file).size;
    // A budget of a byte: every growth spills.
    const keyed = new KeyedOps({ byKey: true, budgetBytes: 1 });
    const assembler = new ChunkAssembler(file);
    const scan = scanChunk(file, 0, size, size, false);
    const map = keyed.strings.merge(scan.strings);
    assembler.add(scan, (i) => keyed.add(scan.columns, i, scan.strings, map));
    try {
      expect(keyed.spilledBytes).toBeGreaterThan(0);
      const [group] = keyed.groups.values();
      expect(decodeOps(keyed.load(group!), keyed.strings.strings)).toEqual(h.ops);
    } finally {
      keyed.close();
    }
  });

  it('keeps every op of each key in order, spilled or not, and removes its folder on close', async () => {
    const file = join(dir, 'gen-20k.jsonl');
    await generate(file, 20_000, 20, 10, 0.05, 3);
    const h = await readHistory(file);
    const size = statSync(file).size;
    const read = (budgetBytes: number) => {
      const keyed = new KeyedOps({ byKey: true, budgetBytes });
      const assembler = new ChunkAssembler(file);
      for (const [a, b] of [[0, size / 3], [size / 3, size]].map(([x, y]) => [Math.floor(x!), Math.floor(y!)])) {
        const scan = scanChunk(file, a!, b!, size, false);
        const map = keyed.strings.merge(scan.strings);
        assembler.add(scan, (i) => keyed.add(scan.columns, i, scan.strings, map));
      }
      return keyed;
    };
    const byKey = new Map<string, unknown[]>();
    for (const op of h.ops) byKey.set(op.key!, [...(byKey.get(op.key!) ?? []), op]);
    const tmpBefore = readdirSync(tmpdir()).filter((f) => f.startsWith('objcheck-spill-')).length;
    const small = read(64 * 1024);
    expect(small.spilledBytes).toBeGreaterThan(0);
    expect(small.bytesInMemory).toBeLessThanOrEqual(2 * 64 * 1024);
    expect(readdirSync(tmpdir()).filter((f) => f.startsWith('objcheck-spill-')).length).toBe(tmpBefore + 1);
    for (const g of small.groups.values()) expect(decodeOps(small.load(g), small.strings.strings)).toEqual(byKey.get(g.key));
    const { stats, open } = small.finish();
    expect(stats).toEqual((await import('../src/history/stats.js')).historyStats(h));
    expect(open).toBe(0);
    small.close();
    expect(readdirSync(tmpdir()).filter((f) => f.startsWith('objcheck-spill-')).length).toBe(tmpBefore);
    const big = read(1e9);
    expect(big.spilledBytes).toBe(0);
    big.close();
  });
});

describe.skipIf(availableParallelism() < 2 && !process.env.CI)('one file on several threads', () => {
  let gen: string;
  let broken: string;
  /** Fewer keys than twice the threads: each key's other checkers run beside its linearizability, on another thread. */
  let few: string;
  beforeAll(async () => {
    gen = join(dir, 'gen-40k.jsonl');
    await generate(gen, 40_000, 50, 20, 0.05, 7);
    few = join(dir, 'few-keys.jsonl');
    await generate(few, 20_000, 3, 8, 0.05, 3);
    // Not linearizable: a get reads a value never written.
    const text = readFileSync(gen, 'utf8').split('\n');
    const at = text.findIndex((l, i) => i > 30_000 && /"type":"ok","f":"get","key":"k\d+","value":\d+/.test(l));
    text[at] = text[at]!.replace(/"value":\d+}$/, '"value":999999999}');
    broken = join(dir, 'broken.jsonl');
    writeFileSync(broken, text.join('\n'));
  });
  afterAll(() => {
    // Every spill folder removed: none of this test's left behind.
    expect(readdirSync(tmpdir()).filter((f) => f.startsWith('objcheck-spill-') && statSync(join(tmpdir(), f)).mtimeMs > Date.now() - 600_000).length).toBe(0);
  });

  /**
   * The verdict without the figures that vary run to run: time taken, and how many partitions
   * got the reduced budget after a failure (on threads, those already started when it came keep
   * the full one; each verdict, anomaly and count stays the same).
   */
  const stable = (v: FileVerdict): unknown => JSON.parse(JSON.stringify(v, (k, x) => (k === 'ms' || k === 'reducedBudgetPartitions' ? undefined : x)));
  const both = async (file: string, settings: FileCheckSettings) => {
    const one = await checkFile(file, { ...settings, jobs: 1 });
    const two = await checkFile(file, { ...settings, jobs: 2, parallelMinBytes: 0 });
    return { one: stable(one), two: stable(two) };
  };

  for (const checkers of [['linearizable'], undefined]) {
    it(`same verdicts, figures and anomalies on one thread and on two (${checkers ? 'linearizability alone: op records' : 'every checker: objects on one, op records key by key on two'})`, async () => {
      for (const file of [gen, broken, few]) {
        const { one, two } = await both(file, checkers ? { checkers } : {});
        expect(two).toEqual(one);
      }
      const { one } = await both(broken, checkers ? { checkers } : {});
      expect((one as { results: { valid: unknown } }).results.valid).toBe(false);
    });
  }

  it('the same error, naming the file and line, for a bad line deep in a chunk', async () => {
    const text = readFileSync(gen, 'utf8').split('\n');
    text[51_234] = text[51_234]!.slice(0, 20);
    const bad = join(dir, 'bad-line.jsonl');
    writeFileSync(bad, text.join('\n'));
    for (const checkers of [['linearizable'], undefined]) {
      const { one, two } = await both(bad, checkers ? { checkers } : {});
      expect(two).toEqual(one);
      expect(two).toMatchObject({ error: expect.stringMatching(new RegExp(`bad-line\\.jsonl:51235: not valid JSON`)) });
    }
  });

  it('--max-memory: past it the spill folder takes the records, and a key too big to check is unknown, saying why', async () => {
    const v = await checkFile(gen, { checkers: ['linearizable'], jobs: 2, parallelMinBytes: 0, maxMemoryMb: 0.5 });
    if ('error' in v) throw new Error(v.error);
    expect(v.results.valid).toBe('unknown');
    const lin = v.results.checkers['linearizable']!;
    expect(lin.unknownPartitions).toContainEqual({ key: expect.any(String), reason: expect.stringMatching(/^key "k\d+": its [\d,]+ ops need about \d+ MB to check, more than --max-memory 0\.5 MB leaves for one key; not checked$/) });
    // With room enough, the same file is valid.
    const roomy = await checkFile(gen, { checkers: ['linearizable'], jobs: 2, parallelMinBytes: 0, maxMemoryMb: 64 });
    expect(roomy).toMatchObject({ results: { valid: true } });
  });

  it('a history too big to hold whole within --max-memory: checked key by key, every checker as over the objects; one that cannot take a key at a time (list-consistency) unknown, saying why', async () => {
    const alone = stable(await checkFile(broken, { checkers: ['linearizable'], jobs: 2, parallelMinBytes: 0 })) as { results: { checkers: Record<string, unknown> } };
    // With room to hold it, on one thread, every checker runs over the objects.
    const roomy = await checkFile(broken, { jobs: 1, maxMemoryMb: 64 });
    if ('error' in roomy) throw new Error(roomy.error);
    expect(roomy.results.checkers['read-validity']!.valid).toBe(false);
    expect(roomy.warnings).toEqual([]);
    // One thread too: the records are read on a pool of one.
    for (const jobs of [1, 2]) {
      const v = await checkFile(broken, { jobs, parallelMinBytes: 0, maxMemoryMb: 20 });
      if ('error' in v) throw new Error(v.error);
      expect(Object.keys(v.results.checkers)).toEqual(Object.keys(roomy.results.checkers));
      expect((stable(v) as typeof alone).results.checkers['linearizable']).toEqual(alone.results.checkers['linearizable']);
      for (const name of ['read-validity', 'stale-reads', 'session-guarantees', 'visibility', 'delta-atomicity']) expect(v.results.checkers[name], name).toEqual(roomy.results.checkers[name]);
      expect(v.results.valid).toBe(false);
      expect(v.warnings).toEqual([]);
    }
    // Tighter still: the checkers whose parts grow with the reads get a third of the bound, in the order chosen.
    const tight = await checkFile(broken, { jobs: 2, parallelMinBytes: 0, maxMemoryMb: 5 });
    if ('error' in tight) throw new Error(tight.error);
    expect(tight.results.checkers['session-guarantees']).toEqual(roomy.results.checkers['session-guarantees']);
    expect(tight.results.checkers['visibility']).toEqual({ valid: 'unknown', anomalies: [], reason: expect.stringMatching(/^not checked: its parts of the history's keys need about \d+ MB, more than what is left of a third of --max-memory 5 MB once the other checkers' are counted$/) });
    expect(tight.warnings).toEqual([expect.stringMatching(/broken\.jsonl: visibility not checked: its parts/)]);
    // The list workload's list-consistency takes the history whole only.
    const v = await checkFile(broken, { checkers: ['linearizable', 'list-consistency'], jobs: 2, parallelMinBytes: 0, maxMemoryMb: 20 });
    if ('error' in v) throw new Error(v.error);
    expect(v.results.checkers['list-consistency']).toEqual({ valid: 'unknown', anomalies: [], reason: expect.stringMatching(/^not checked: the history \(\d+ MB\) needs about \d+ MB to be checked whole, more than --max-memory 20 MB$/) });
    expect(v.warnings).toEqual([expect.stringMatching(/broken\.jsonl: list-consistency not checked: the history \(\d+ MB\) needs about \d+ MB/)]);
  });

  it('no --max-memory: a history over what its default lets the whole check take is checked key by key, with the same results; with a checker that takes it whole only (list-consistency), read again and checked whole', async () => {
    const alone = stable(await checkFile(broken, { checkers: ['linearizable'], jobs: 2, parallelMinBytes: 0 })) as { results: { checkers: Record<string, unknown> } };
    // On one thread, within the default: the objects.
    const roomy = await checkFile(broken, { jobs: 1 });
    if ('error' in roomy) throw new Error(roomy.error);
    // The file (~8 MB) needs ~35 MB whole: over a default of 20 MB.
    for (const jobs of [1, 2]) {
      const progress = newCheckProgress(statSync(broken).size);
      const v = await checkFile(broken, { jobs, parallelMinBytes: 0, defaultMaxMemoryMb: 20 }, progress);
      if ('error' in v) throw new Error(v.error);
      expect(Object.keys(v.results.checkers)).toEqual(Object.keys(roomy.results.checkers));
      expect((stable(v) as typeof alone).results.checkers['linearizable']).toEqual(alone.results.checkers['linearizable']);
      for (const name of ['read-validity', 'stale-reads', 'session-guarantees', 'visibility', 'delta-atomicity']) expect(v.results.checkers[name], name).toEqual(roomy.results.checkers[name]);
      expect(v.warnings).toEqual([]);
      expect(progress.bytesRead).toBe(progress.bytesTotal);
    }
    const whole = await checkFile(broken, { checkers: ['read-validity', 'list-consistency'], jobs: 1 });
    if ('error' in whole) throw new Error(whole.error);
    expect(whole.results.checkers['list-consistency']!.valid).not.toBe('unknown');
    const progress = newCheckProgress(statSync(broken).size);
    const v = await checkFile(broken, { checkers: ['read-validity', 'list-consistency'], jobs: 2, parallelMinBytes: 0, defaultMaxMemoryMb: 20 }, progress);
    expect(stable(v)).toEqual(stable(whole));
    // Read twice, counted once.
    expect(progress.bytesRead).toBe(progress.bytesTotal);
  });

  it('key by key, every checker that can gives what it gives over the objects: stale reads, invalid reads, a final phase', async () => {
    // A store that lets reads lag writes by up to 30 ms, some writes timing out, a final phase.
    const { simulate } = await import('./staleness/simulator.js');
    const sim = simulate({ seed: 5, keys: 12, processes: 8, opsPerProcess: 400, replicas: 3, delay: 30e6, latency: 2e6, think: 3e6, infoRate: 0.05, deleteRate: 0.15, finalPhaseAfter: 40e6 });
    // Some reads of values nobody wrote, and of another key's values.
    const gets = sim.events.filter((e) => e.type === 'ok' && e.f === 'get' && typeof e.value === 'number');
    gets.filter((_, i) => i % 97 === 0).forEach((e, i) => (e.value = i % 2 ? 900_000 + i : gets[(i * 31) % gets.length]!.value));
    // As the runner writes a final phase: its marker, then plain gets.
    const at = sim.events.findIndex((e) => e.f === 'final-get');
    sim.events.splice(at, 0, { index: 0, time: sim.events[at]!.time, process: 'nemesis', type: 'info', f: FINAL_PHASE });
    sim.events.forEach((e, i) => {
      e.index = i;
      if (e.f === 'final-get') e.f = 'get';
    });
    const file = write('simulated.jsonl', jsonl(sim.events));
    const whole = await checkFile(file, { jobs: 1 });
    const keyed = await checkFile(file, { jobs: 2, parallelMinBytes: 0, maxMemoryMb: 1 });
    if ('error' in whole || 'error' in keyed) throw new Error(JSON.stringify([whole, keyed]).slice(0, 600));
    for (const name of ['read-validity', 'stale-reads', 'session-guarantees', 'visibility', 'delta-atomicity', 'lost-writes']) expect(keyed.results.checkers[name], name).toEqual(whole.results.checkers[name]);
    expect((stable(keyed) as FileVerdict & { results: unknown }).results).toMatchObject({ checkers: { linearizable: (stable(whole) as { results: { checkers: Record<string, unknown> } }).results.checkers['linearizable'] } });
    // What they found: stale reads, invalid reads of both kinds, broken session guarantees.
    expect(whole.results.checkers['stale-reads']!.valid).toBe(false);
    expect(whole.results.checkers['lost-writes']!.finalReads).toBeGreaterThan(0);
    expect(new Set(whole.results.checkers['read-validity']!.anomalies.map((a) => a.kind))).toEqual(new Set(['phantom-value', 'value-from-other-key']));
    expect(Object.keys(keyed.results.checkers)).toEqual(['read-validity', 'linearizable', 'stale-reads', 'session-guarantees', 'visibility', 'delta-atomicity', 'lost-writes']);
    expect(keyed.results.checkers['session-guarantees']!.valid).toBe(false);
  });

  it('a history too big for the heap: no out-of-memory crash, every checker run key by key', async () => {
    // Whole, this file's check dies out of memory in a 32 MB old space (V8's fatal error, exit 134).
    const file = join(dir, 'gen-160k.jsonl');
    await generate(file, 160_000, 50, 20, 0.05, 7);
    const cli = resolve(import.meta.dirname, '../dist/src/cli/main.js');
    const r = spawnSync(process.execPath, ['--max-old-space-size=32', cli, 'check', file], { encoding: 'utf8' });
    expect(r.stderr).not.toMatch(/FATAL|JavaScript heap out of memory/);
    expect(r.status, r.stderr).toBe(0);
    for (const name of ['read-validity', 'linearizable', 'stale-reads', 'session-guarantees', 'delta-atomicity']) expect(r.stdout).toMatch(new RegExp(`^ {2}${name}: valid$`, 'm'));
    expect(r.stdout).toMatch(/^ {2}visibility: valid$/m);
  });

  it('readKeyedOps removes its spill folder when the file turns out bad', async () => {
    const text = readFileSync(gen, 'utf8').split('\n');
    text[70_000] = '{';
    const bad = join(dir, 'bad-late.jsonl');
    writeFileSync(bad, text.join('\n'));
    const pool = new ThreadPool(2, { failedAt: new SharedArrayBuffer(8) });
    const before = readdirSync(tmpdir()).filter((f) => f.startsWith('objcheck-spill-')).length;
    try {
      await expect(readKeyedOps(pool, bad, statSync(bad).size, { byKey: true, budgetBytes: 32 * 1024 })).rejects.toThrow(/bad-late\.jsonl:70001: not valid JSON/);
    } finally {
      await pool.close();
    }
    expect(readdirSync(tmpdir()).filter((f) => f.startsWith('objcheck-spill-')).length).toBe(before);
    expect(existsSync(bad)).toBe(true);
  });
});
