// A run's history too big to hold whole in this process: the workload's own check goes key by
// key (as `objcheck check` would), and the report, which reads it whole, is refused with one
// line rather than V8's out-of-memory crash (a stack dump, exit 134).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { objcheckWorkload } from './windows/helpers.js';

const cli = resolve(import.meta.dirname, '../dist/src/cli/main.js');
/** The verdicts and figures, without the time taken. */
const stable = (v: unknown): unknown => JSON.parse(JSON.stringify(v, (k, x) => (k === 'ms' || k === 'reducedBudgetPartitions' ? undefined : x)));

describe('a history too big to hold whole', () => {
  it('objcheck workload --max-memory: the run checked key by key, with what the whole check finds; its report refused in a heap too small to draw it', async () => {
    // About 0.6 MB of history: checking it whole would take ~2.7 MB, more than 2.
    const r = await objcheckWorkload(['--target', 'emulator', '--ops', '3000', '--keys', '5', '--seed', '7', '--max-memory', '2', '--consistency', 's3-legacy', '--stale-window', '0:20']);
    expect(r.stderr).not.toMatch(/FATAL|heap out of memory/);
    const folder = /^run folder: (.+)$/m.exec(r.stdout)?.[1];
    expect(folder, r.stdout + r.stderr).toBeDefined();
    const keyed = JSON.parse(readFileSync(join(folder!, 'results.json'), 'utf8')) as { checkers: Record<string, { valid: unknown }>; stats: { bytes?: unknown } };
    // Every checker of the register workload ran; none is unknown for want of the whole history.
    expect(Object.keys(keyed.checkers)).toEqual(['read-validity', 'linearizable', 'stale-reads', 'session-guarantees', 'visibility', 'delta-atomicity']);
    for (const [name, c] of Object.entries(keyed.checkers)) expect(c.valid, name).not.toBe('unknown');
    expect(keyed.stats.bytes).toBeDefined();
    // The same as `objcheck check` of the folder, whole (results.json rewritten: --json prints it too).
    const whole = spawnSync(process.execPath, [cli, 'check', '--json', folder!], { encoding: 'utf8' });
    const line = JSON.parse(whole.stdout) as { checkers: unknown; valid: unknown };
    expect(stable(keyed.checkers)).toEqual(stable(line.checkers));
    expect(r.code).toBe(line.valid === false ? 1 : 0);
    // The stale window finds stale reads: the merge had something to order.
    expect(keyed.checkers['stale-reads']!.valid).toBe(false);

    // The report reads the history whole: in a 32 MB old space it is refused, one line, exit 3.
    const report = spawnSync(process.execPath, ['--max-old-space-size=32', cli, 'report', folder!], { encoding: 'utf8' });
    expect(report.stderr).not.toMatch(/FATAL|heap out of memory/);
    expect(report.stderr.trim()).toMatch(/^error: .+: no report drawn: the history \(1 MB\) needs about \d+ MB of heap to be drawn, more than this process's \d+ MB \(NODE_OPTIONS=--max-old-space-size=MB raises it\); results\.json has the verdicts$/);
    expect(report.status).toBe(3);
    // objcheck check --report: the verdict stands, the report is a warning.
    const check = spawnSync(process.execPath, ['--max-old-space-size=32', cli, 'check', '--report', folder!], { encoding: 'utf8' });
    expect(check.stderr).not.toMatch(/FATAL|heap out of memory/);
    expect(check.stderr).toMatch(/^warning: could not write the report of .+: no report drawn: the history/m);
    expect(check.status).toBe(1);
  }, 120_000);
});
