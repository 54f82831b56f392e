import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expect } from 'vitest';
import type { WindowFigure } from '../../checkers/windows/check-windows.js';
import type { CheckResult } from '../../checkers/checker.js';

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
