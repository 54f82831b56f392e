import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '../src/util/errors.js';
import { readHistory } from '../src/history/read.js';
import { events, jsonl } from './helpers/events.js';

const dir = mkdtempSync(join(tmpdir(), 'objcheck-read-'));
let n = 0;
function file(text: string): string {
  const f = join(dir, `h${n++}.jsonl`);
  writeFileSync(f, text);
  return f;
}

/** Twenty valid events: ten put/get pairs on two processes. */
function valid() {
  const steps: Parameters<typeof events> = [];
  for (let i = 0; i < 10; i++) {
    steps.push([i % 2, 'invoke', 'put', 'k', i + 1], [i % 2, 'ok', 'put', 'k', undefined]);
  }
  return events(...steps);
}

async function rejection(text: string): Promise<string> {
  const f = file(text);
  const err = await readHistory(f).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(UserError);
  return (err as Error).message;
}

describe('readHistory', () => {
  it('reads CRLF line ends, and a value whose UTF-8 bytes straddle the reader\'s 4 MiB chunks', async () => {
    // Long "é…" values push the two-byte characters across every chunk boundary.
    const steps: Parameters<typeof events> = [];
    for (let i = 0; i < 2000; i++) steps.push([0, 'invoke', 'put', 'k', `${'é'.repeat(1500 + (i % 7))}${i}`], [0, 'ok', 'put', 'k', undefined]);
    const es = events(...steps);
    const h = await readHistory(file(jsonl(es).replace(/\n/g, '\r\n')));
    expect(h.events).toHaveLength(es.length);
    expect(h.ops.map((o) => o.invokeValue)).toEqual(es.filter((e) => e.type === 'invoke').map((e) => e.value));
  });

  it('names the line of an error after many chunks, counting from 1', async () => {
    const es = valid();
    const text = jsonl(es).replace(/"put"/, `"put"${' '.repeat(5 << 20)}`);
    expect(await rejection(`${text}{"index":20}\n`)).toMatch(/:21: field "time"/);
  });

  it('pairs invocations with completions into ops', async () => {
    const h = await readHistory(
      file(
        jsonl(
          events(
            [0, 'invoke', 'put', 'k1', 7],
            [1, 'invoke', 'get', 'k1'],
            [0, 'ok', 'put', 'k1'],
            [1, 'ok', 'get', 'k1', 7],
            [2, 'invoke', 'put', 'k1', 8],
            [2, 'info', 'put', 'k1', undefined, 'timed out'],
            [3, 'invoke', 'delete', 'k1'],
          ),
        ),
      ),
    );
    expect(h.ops.map((o) => [o.process, o.f, o.type, o.invokeValue, o.value])).toEqual([
      [0, 'put', 'ok', 7, undefined],
      [1, 'get', 'ok', undefined, 7],
      [2, 'put', 'info', 8, undefined],
      [3, 'delete', 'open', undefined, undefined],
    ]);
    expect(h.ops[2]!.error).toBe('timed out');
    expect(h.ops[3]!.completeTime).toBeNull();
  });

  it('names the file, line and field of a malformed line 17', async () => {
    const lines = jsonl(valid()).split('\n');
    lines[16] = '{"index":16,"time":16000000,"process":0,"type":"invoke","f":"put","key":"k","value":9'; // truncated JSON
    const f = join(dir, 'history.jsonl');
    writeFileSync(f, lines.join('\n'));
    const err = await readHistory(f).catch((e: Error) => e);
    expect((err as Error).message).toMatch(new RegExp(`^${f.replace(/[.]/g, '\\.')}:17: not valid JSON`));
  });

  it.each([
    ['a wrong type', { type: 'done' }, /:3: field "type": must be one of invoke, ok, fail, info; found "done"/],
    ['a negative time', { time: -5 }, /:3: field "time": must be a non-negative integer/],
    ['a missing f', { f: undefined }, /:3: field "f": must be a non-empty string, found nothing/],
    ['a numeric key', { key: 3 }, /:3: field "key": must be a string, found 3/],
    ['a skipped index', { index: 7 }, /:3: field "index": expected 2, found 7/],
    ['a bad process', { process: 'p1' }, /:3: field "process": must be a non-negative integer or "nemesis"/],
  ])('rejects %s', async (_, change, pattern) => {
    const es: Record<string, unknown>[] = valid().map((e) => ({ ...e }));
    Object.assign(es[2]!, change);
    expect(await rejection(jsonl(es))).toMatch(pattern);
  });

  it('rejects time that goes backwards', async () => {
    const es = valid();
    es[5]!.time = 1;
    expect(await rejection(jsonl(es))).toMatch(/:6: field "time": 1 is earlier than the previous event's/);
  });

  it('rejects a second invocation on a process with an open op', async () => {
    const es = events([0, 'invoke', 'put', 'k', 1], [0, 'invoke', 'get', 'k']);
    expect(await rejection(jsonl(es))).toMatch(/:2: field "process": process 0 invokes get while its put \(index 0\) is still open/);
  });

  it('rejects a completion with no invocation, and one that does not match it', async () => {
    expect(await rejection(jsonl(events([0, 'ok', 'get', 'k', null])))).toMatch(/:1: field "type": ok for process 0, which has no open invocation/);
    expect(await rejection(jsonl(events([0, 'invoke', 'get', 'k'], [0, 'ok', 'put', 'k'])))).toMatch(/:2: field "f": completion says put but process 0 invoked get/);
    expect(await rejection(jsonl(events([0, 'invoke', 'get', 'a'], [0, 'ok', 'get', 'b', null])))).toMatch(/:2: field "key"/);
  });

  it('rejects a process reused after an info, and fail/info without an error', async () => {
    const reused = events([0, 'invoke', 'put', 'k', 1], [0, 'info', 'put', 'k'], [0, 'invoke', 'get', 'k']);
    expect(await rejection(jsonl(reused))).toMatch(/:3: field "process": process 0 is reused after an info/);
    const noError = [{ index: 0, time: 0, process: 0, type: 'invoke', f: 'get', key: 'k' }, { index: 1, time: 1, process: 0, type: 'fail', f: 'get', key: 'k' }];
    expect(await rejection(jsonl(noError))).toMatch(/:2: field "error": a fail event must say why/);
  });

  it('keeps nemesis events apart from client ops', async () => {
    const es = [
      { index: 0, time: 0, process: 'nemesis', type: 'info', f: 'start-partition' },
      { index: 1, time: 1, process: 0, type: 'invoke', f: 'get', key: 'k' },
      { index: 2, time: 2, process: 0, type: 'ok', f: 'get', key: 'k', value: null },
      { index: 3, time: 3, process: 'nemesis', type: 'info', f: 'stop-partition' },
    ];
    const h = await readHistory(file(jsonl(es)));
    expect(h.ops).toHaveLength(1);
    expect(h.nemesis.map((e) => e.f)).toEqual(['start-partition', 'stop-partition']);
  });

  it('rejects an empty line inside the file but accepts a final newline', async () => {
    expect(await rejection(jsonl(valid().slice(0, 2)) + '\n' + jsonl(valid().slice(2, 4)))).toMatch(/:3: empty line inside the history/);
    await expect(readHistory(file(jsonl(valid())))).resolves.toBeTruthy();
  });

  it('says when the file cannot be read', async () => {
    await expect(readHistory(join(dir, 'missing.jsonl'))).rejects.toThrow(/missing\.jsonl: cannot read: ENOENT/);
  });
});
