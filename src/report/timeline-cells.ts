// The timeline's overview when a history has too many ops to draw one by one: per process and
// time slice, a cell coloured by the worst outcome in it, neighbouring cells of one colour
// merged. A 100,000-op run at 10 processes is ~10,000 cells of a pixel each but only a few
// hundred runs of one colour: the picture is the same, and every mark costs the page its
// encoding (interpreted, under the report's CSP) on each draw and on each zoom.

import type { Op } from '../history/event.js';

export type Outcome = Op['type'];

/** The ops of one process over one or more neighbouring time slices of one worst outcome. */
export interface Cell {
  p: number;
  s: number;
  e: number;
  n: number;
  ok: number;
  fail: number;
  info: number;
  /** The worst outcome in the cell, which colours it: an info op must not hide among oks. */
  t: Outcome;
}

const WORSE: Record<Outcome, number> = { ok: 0, fail: 1, info: 2, open: 3 };

/** Starting slice count: about two per pixel of a full-width chart, finer than the eye needs. */
const MAX_SLICES = 2048;

/**
 * Cells per process and time slice (by invoke time), merged into runs; the slice doubles until
 * the runs fit `max`.
 */
export function aggregate(ops: readonly Op[], endNs: number, max: number): { cells: Cell[]; sliceNs: number } {
  const first = ops[0]?.invokeTime ?? 0;
  let slices = MAX_SLICES;
  for (;;) {
    const sliceNs = Math.max(1, Math.ceil((endNs - first + 1) / slices));
    const cells = mergeRuns(sliceCells(ops, first, endNs, sliceNs));
    if (cells.length <= max || slices <= 1) return { cells, sliceNs };
    slices = Math.floor(slices / 2);
  }
}

/** One cell per process and slice that has ops, keyed by process then slice number. */
function sliceCells(ops: readonly Op[], first: number, endNs: number, sliceNs: number): Map<number, Map<number, Cell>> {
  const byProcess = new Map<number, Map<number, Cell>>();
  for (const op of ops) {
    const b = Math.floor((op.invokeTime - first) / sliceNs);
    let row = byProcess.get(op.process);
    if (!row) byProcess.set(op.process, (row = new Map()));
    let c = row.get(b);
    if (!c) {
      const s = first + b * sliceNs;
      row.set(b, (c = { p: op.process, s, e: Math.min(endNs, s + sliceNs), n: 0, ok: 0, fail: 0, info: 0, t: 'ok' }));
    }
    c.n++;
    if (op.type === 'ok') c.ok++;
    else if (op.type === 'fail') c.fail++;
    else c.info++;
    if (WORSE[op.type] > WORSE[c.t]) c.t = op.type;
  }
  return byProcess;
}

/** Joins each process's cells that touch (slice b and b + 1) and share a worst outcome. */
function mergeRuns(byProcess: Map<number, Map<number, Cell>>): Cell[] {
  const out: Cell[] = [];
  for (const row of byProcess.values()) {
    let run: Cell | null = null;
    let lastB = Number.NaN;
    for (const [b, c] of [...row].sort((x, y) => x[0] - y[0])) {
      if (run && b === lastB + 1 && c.t === run.t) {
        run.e = c.e;
        run.n += c.n;
        run.ok += c.ok;
        run.fail += c.fail;
        run.info += c.info;
      } else out.push((run = { ...c }));
      lastB = b;
    }
  }
  return out;
}
