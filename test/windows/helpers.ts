import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expect } from 'vitest';
import type { WindowFigure } from '../../checkers/windows/check-windows.js';
import type { CheckResult } from '../../checkers/checker.js';
import type { History } from '../../src/history/event.js';
import { recordRun, type TestRun } from '../helpers/run.js';

/** The windows of a measurement checker's result, by name. */
export function windowsOf(r: CheckResult): Record<string, WindowFigure> {
  return Object.fromEntries((r.windows as WindowFigure[]).map((w) => [w.name, w]));
}

/** The must-show: the median within 20% of the configured delay, on enough samples, and no window beyond it. */
export function expectNear(w: WindowFigure | undefined, configuredMs: number): void {
  expect(w, 'window measured').toBeDefined();
  expect(w!.enough, `${w!.name}: ${w!.samples} samples`).toBe(true);
  expect(w!.ms, `${w!.name} median`).toBeGreaterThanOrEqual(configuredMs * 0.8);
  expect(w!.ms, `${w!.name} median`).toBeLessThanOrEqual(configuredMs * 1.2);
}

export function expectZero(w: WindowFigure | undefined): void {
  expect(w, 'window measured').toBeDefined();
  expect(w!.enough, `${w!.name}: ${w!.samples} samples`).toBe(true);
  expect([w!.ms, w!.maxMs, w!.censored]).toEqual([0, 0, 0]);
}

const cli = resolve(import.meta.dirname, '../../dist/src/cli/main.js');

/** `objcheck workload …` as a user runs it, in a temporary results folder. */
export function objcheckWorkload(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const results = mkdtempSync(join(tmpdir(), 'objcheck-windows-'));
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [cli, 'workload', '--results', results, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

/** A control-plane change as the emulator's ground truth logged it (docs/emulator.md). */
export interface Control {
  setting: string;
  /** A replicated write's key, with the run's prefix. */
  key?: string;
  atNs: number;
  effectiveNs: number;
}

/**
 * A run whose history and the emulator's ground truth share one clock, so that each change's
 * true window is known: when the emulator put it in force, minus when the client had its answer.
 */
export async function recordWithTruth(spec: TestRun): Promise<{ history: History; controls: Control[] }> {
  const origin = process.hrtime.bigint();
  const path = join(mkdtempSync(join(tmpdir(), 'objcheck-truth-')), 'ground-truth.jsonl');
  const history = await recordRun({ ...spec, origin, targetOptions: { ...spec.targetOptions, groundTruth: { path, origin } } });
  const controls = readFileSync(path, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { kind: string } & Control)
    .filter((e) => e.kind === 'control');
  return { history, controls };
}

/**
 * The true windows of the ok changes whose f is in `fs` (in order, matched one to one with the
 * emulator's changes of `setting`), keyed by f: the configured delay as it reached the client,
 * on the emulator's own clock. A loaded machine answers late, and the window after the answer
 * shrinks by as much; this is what an estimate must match.
 */
export function trueWindows(history: History, controls: Control[], fs: string[], setting: string): Map<string, number[]> {
  const changes = history.ops.filter((o) => fs.includes(o.f) && o.type === 'ok');
  // Writes are the run's only where their key is (the preflight's canary replicates too).
  const keys = new Set(changes.map((c) => c.key));
  const events = controls.filter((c) => c.setting === setting && (c.key === undefined || [...keys].some((k) => c.key!.endsWith(`/${k}`))));
  expect(events.length, `${setting} changes the emulator logged`).toBeGreaterThanOrEqual(changes.length - 1);
  const out = new Map<string, number[]>(fs.map((f) => [f, []]));
  changes.forEach((c, i) => {
    const e = events[i];
    if (e) out.get(c.f)!.push(Math.max(0, e.effectiveNs - c.completeTime!) / 1e6);
  });
  return out;
}

/**
 * The must-show against the emulator's clock: the median within 20% of the configured delay of
 * the median true window, on enough samples; and the true window itself mostly the configured
 * delay (the answer's latency took no more than half of it).
 */
export function expectNearTruth(w: WindowFigure | undefined, trueMs: number[], configuredMs: number): void {
  expect(w, 'window measured').toBeDefined();
  expect(w!.enough, `${w!.name}: ${w!.samples} samples`).toBe(true);
  const truth = [...trueMs].sort((a, b) => a - b)[Math.floor((trueMs.length - 1) / 2)]!;
  expect(truth, `${w!.name}: true median window`).toBeGreaterThanOrEqual(configuredMs * 0.5);
  expect(Math.abs(w!.ms! - truth), `${w!.name}: estimate ${w!.ms} ms, truth ${truth.toFixed(1)} ms, configured ${configuredMs} ms`).toBeLessThanOrEqual(configuredMs * 0.2);
}
