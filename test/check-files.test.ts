import { existsSync, readdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkFiles } from '../src/cli/check-files.js';
import type { FileVerdict } from '../src/cli/check-file.js';
import { corpusDir } from '../src/util/corpus.js';

const etcd = join(corpusDir(), 'porcupine', 'etcd');

describe.skipIf(!existsSync(etcd) || availableParallelism() < 2)('checkFiles on several threads', () => {
  it('gives the same verdicts, in the same order, as one thread', async () => {
    const files = readdirSync(etcd)
      .filter((f) => f.endsWith('.log'))
      .sort()
      .slice(0, 24)
      .map((f) => join(etcd, f));
    files.splice(5, 0, join(etcd, 'no-such-file.log'));
    const run = async (minBytes: number) => {
      const out: FileVerdict[] = [];
      await checkFiles(files, {}, (v) => out.push(v), minBytes);
      return out.map((v) => [v.file, 'error' in v ? v.error : v.results.valid]);
    };
    const one = await run(Infinity);
    const many = await run(0);
    expect(many).toEqual(one);
    expect(one.map(([f]) => f)).toEqual(files);
    expect(one[5]![1]).toMatch(/no-such-file\.log: no such file or folder/);
    expect(new Set(one.map(([, v]) => v))).toContain(false);
  });
});
