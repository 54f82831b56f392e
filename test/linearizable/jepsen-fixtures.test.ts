// Jepsen / Knossos histories in every EDN form, and one pair a Knossos model (valid and not),
// checked as users check them: `objcheck check` processes, the format detected (no --format).
// Each fixture's verdict and reason is in test/fixtures/jepsen/verdicts.tsv, written from the
// model's definition.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const cli = resolve(import.meta.dirname, '../../dist/src/cli/main.js');
const dir = resolve(import.meta.dirname, '../fixtures/jepsen');
const rows = readFileSync(join(dir, 'verdicts.tsv'), 'utf8')
  .trim()
  .split('\n')
  .slice(1)
  .map((l) => l.split('\t') as [string, string, 'valid' | 'invalid', string]);

function check(args: string[]): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, [cli, 'check', ...args], { encoding: 'utf8' });
}

describe('Jepsen EDN histories, every form and every Knossos model', () => {
  // One process a model: the files of a model are checked together, as a user would.
  const byModel = new Map<string, typeof rows>();
  for (const row of rows) byModel.set(row[1], [...(byModel.get(row[1]) ?? []), row]);
  for (const [model, group] of byModel) {
    it(`${model === '-' ? 'the default model (cas-register)' : model}: ${group.map(([f, , v]) => `${f} ${v}`).join(', ')}`, () => {
      const r = check(['--json', ...(model === '-' ? [] : ['--model', model]), ...group.map(([f]) => join(dir, f))]);
      expect(r.stderr).toBe('');
      const got = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { file: string; valid: unknown });
      expect(got.map((g) => [g.file, g.valid])).toEqual(group.map(([f, , v]) => [join(dir, f), v === 'valid']));
      expect(r.status).toBe(group.some(([, , v]) => v === 'invalid') ? 1 : 0);
    });
  }

  it('an invalid history names the op that cannot take effect', () => {
    const r = check(['--model', 'fifo-queue', join(dir, 'queue-reordered.edn')]);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/dequeue.*→ 2.*cannot take effect/);
  });

  it('a model that does not fit the ops says so in one line, naming the op and the models that take it', () => {
    const r = check([join(dir, 'multi-register-torn.edn')]);
    expect(r.status).toBe(3);
    expect(r.stderr).toBe(`error: ${join(dir, 'multi-register-torn.edn')}:2: field "f": the cas-register model has no op "txn"; --model multi-register takes it\n`);
  });

  it('an EDN syntax error names file, line and column, exit 3', () => {
    const f = join(mkdtempSync(join(tmpdir(), 'objcheck-edn-')), 'history.edn');
    writeFileSync(f, '; a history\n[{:process 0, :type :invoke, :f :read, :value nil}\n {:process 0, :type :ok, :f :read, :value [1 2}]\n');
    const r = check([f]);
    expect(r.status).toBe(3);
    expect(r.stderr).toBe(`error: ${f}:3:47: EDN syntax: unexpected "}"\n`);
  });
});
