import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectFormat, importEtcdLog, importKvEdn, parseEtcdLog, parseKvEdn } from '../../checkers/linearizable/import/index.js';
import { EdnError, Keyword, parseEdn } from '../../checkers/linearizable/import/edn.js';
import { UserError } from '../../src/util/errors.js';

const ETCD = [
  'INFO  jepsen.util - 0\t:invoke\t:read\tnil',
  'INFO  jepsen.util - 1  :invoke  :cas  [3 0]',
  'INFO  jepsen.util - 0\t:ok\t:read\tnil',
  'INFO  jepsen.util - 1\t:info\t:cas\t:timed-out',
  'INFO  jepsen.util - 2\t:invoke\t:write\t4',
  'INFO  jepsen.util - 2\t:fail\t:write\t4',
  'INFO  jepsen.util - 6\t:invoke\t:read\tnil',
  'INFO  jepsen.util - 6\t:ok\t:read\t3',
  '',
].join('\n');

function userError(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(UserError);
    return (err as Error).message;
  }
  throw new Error('expected a UserError');
}

describe('EDN reader', () => {
  it('reads maps, keywords, strings, numbers, nil, vectors', () => {
    const v = parseEdn('{:process 9, :type :invoke, :f :append, :key "0", :value "x \\"9\\" y", :n [1 -2 3.5 nil]}') as Record<string, unknown>;
    expect(v.process).toBe(9);
    expect((v.type as Keyword).name).toBe('invoke');
    expect(v.value).toBe('x "9" y');
    expect(v.n).toEqual([1, -2, 3.5, null]);
  });
  it('rejects what is not one whole value', () => {
    for (const bad of ['{:a 1', '{:a 1} {:b 2}', '{:a}', '"abc', '{:a 1}}', '', '[1 2']) {
      expect(() => parseEdn(bad), bad).toThrow(EdnError);
    }
  });
});

describe('etcd Jepsen log importer', () => {
  it('turns lines into events, mapping nil to null and :info to a crashed op', () => {
    const h = parseEtcdLog(ETCD, 'x.log');
    expect(h.events).toHaveLength(8);
    expect(h.events[0]).toMatchObject({ index: 0, time: 1, process: 0, type: 'invoke', f: 'read' });
    expect(h.ops.map((o) => [o.f, o.type, o.invokeValue, o.value])).toEqual([
      ['read', 'ok', undefined, null],
      ['cas', 'info', [3, 0], undefined],
      ['write', 'fail', 4, undefined],
      ['read', 'ok', undefined, 3],
    ]);
    expect(h.ops[1]!.error).toBe('timed-out');
  });

  it('names file and line for a bad line', () => {
    expect(userError(() => parseEtcdLog('INFO  jepsen.util - 0\t:invoke\t:read\tnil\nINFO  jepsen.util - 0\t:ok\t:frob\tnil\n', 'e.log'))).toBe(
      'e.log:2: the f must be one of :read, :write, :cas, found ":frob"',
    );
    expect(userError(() => parseEtcdLog('garbage\n', 'e.log'))).toMatch(/^e\.log:1: not a Jepsen log line/);
    expect(userError(() => parseEtcdLog('INFO  jepsen.util - 0\t:invoke\t:cas\t[3 0\n', 'e.log'))).toMatch(/^e\.log:1: the value "\[3 0" is not EDN: unterminated vector/);
    // A process reused after :info breaks the history format: reported with the line.
    expect(userError(() => parseEtcdLog('INFO  jepsen.util - 0\t:invoke\t:write\t1\nINFO  jepsen.util - 0\t:info\t:write\t:timed-out\nINFO  jepsen.util - 0\t:invoke\t:read\tnil\n', 'e.log'))).toMatch(
      /^e\.log:3: field "process": process 0 is reused after an info/,
    );
  });

  it('reads a file, and says when it cannot', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'objcheck-import-'));
    const f = path.join(dir, 'etcd.log');
    writeFileSync(f, ETCD);
    expect((await importEtcdLog(f)).ops).toHaveLength(4);
    await expect(importEtcdLog(path.join(dir, 'missing.log'))).rejects.toThrow(/missing\.log: cannot read: ENOENT/);
  });
});

describe('kv EDN importer', () => {
  const KV = [
    '{:process 0, :type :invoke, :f :get, :key "1", :value nil}',
    '{:process 1, :type :invoke, :f :append, :key "1", :value "x 1 0 y"}',
    '{:process 0, :type :ok, :f :get, :key "1", :value ""}',
    '{:process 1, :type :ok, :f :append, :key "1", :value "x 1 0 y"}',
  ].join('\n');

  it('turns EDN maps into events', async () => {
    const h = parseKvEdn(KV, 'c.txt');
    expect(h.ops.map((o) => [o.f, o.key, o.invokeValue, o.value])).toEqual([
      ['get', '1', undefined, ''],
      ['append', '1', 'x 1 0 y', 'x 1 0 y'],
    ]);
    const dir = mkdtempSync(path.join(tmpdir(), 'objcheck-import-'));
    writeFileSync(path.join(dir, 'c.txt'), KV);
    expect((await importKvEdn(path.join(dir, 'c.txt'))).events).toHaveLength(4);
  });

  it('names file and line for a bad line', () => {
    const bad = (line: string) => userError(() => parseKvEdn(`${KV}\n${line}\n`, 'c.txt'));
    expect(bad('{:process 2, :type :invoke, :f :get, :key "1"')).toMatch(/^c\.txt:5: not an EDN value: column 1: unterminated map/);
    expect(bad('{:process 2, :type :invoke, :f :get, :key "1", :value nil} x')).toMatch(/^c\.txt:5: not an EDN value: column 60: unexpected "x"/);
    expect(bad('{:process 2, :type :begin, :f :get, :key "1", :value nil}')).toBe('c.txt:5: :type must be one of :invoke, :ok, :fail, :info, found :begin');
    expect(bad('{:process 2, :type :invoke, :f :get, :key 1, :value nil}')).toBe('c.txt:5: :key must be a string, found 1');
    expect(bad('[1 2]')).toMatch(/^c\.txt:5: expected an EDN map/);
    expect(bad('{:process 3, :type :ok, :f :get, :key "1", :value ""}')).toMatch(/^c\.txt:5: field "type": ok for process 3, which has no open invocation/);
  });
});

describe('format detection', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'objcheck-detect-'));
  const file = (name: string, text: string) => {
    const f = path.join(dir, name);
    writeFileSync(f, text);
    return f;
  };

  it('decides on the first line that is not blank or a comment, however far it is', () => {
    // Comment lines past the first 4 KiB read, and a first op line that straddles a read.
    const comments = Array.from({ length: 300 }, (_, i) => `; comment line ${i}`).join('\n');
    expect(detectFormat(file('far.edn', `\n\n${comments}\n  \n${' '.repeat(4000)}[{:process 0, :type :invoke, :f :read}]\n`))).toBe('jepsen-edn');
    expect(detectFormat(file('etcd.log', `${comments}\r\n${ETCD}`))).toBe('etcd-log');
    expect(detectFormat(file('ours.jsonl', '{"type":"invoke"}\n'))).toBe('jsonl');
    expect(detectFormat(file('list.edn', '(\n{:process 0 :type :invoke :f :read :value nil}\n)'))).toBe('jepsen-edn');
    expect(detectFormat(file('nonl.edn', '#jepsen.history.Op{:index 0 :type :invoke}'))).toBe('jepsen-edn');
    expect(detectFormat(file('empty', ''))).toBe('jsonl');
  });

  it('says in one line when the first line shows no format, or the file cannot be read', () => {
    expect(() => detectFormat(file('prose.txt', '; a comment\nhello world\n'))).toThrow(/prose\.txt: cannot tell the history's format from its first line; pass --format/);
    expect(() => detectFormat(path.join(dir, 'missing'))).toThrow(/missing: cannot read: ENOENT/);
  });
});
