// What a report is made of: the run folder's three files, as read, and the inlined libraries.

import type { Results } from '../check/run-checkers.js';
import type { History } from '../history/event.js';
import type { ProbeResult } from '../probe/run-probe.js';

/**
 * run.json as written by `objcheck workload`. Every field is optional here: a report must
 * render runs recorded by older (or newer) versions, and histories checked without a run.
 */
export interface RunInfo {
  name?: string;
  complete?: boolean;
  stopReason?: string | null;
  error?: string;
  start?: string;
  end?: string | null;
  workload?: string;
  target?: Record<string, unknown>;
  config?: Record<string, unknown>;
  tool?: { name?: string; version?: string; git?: { commit: string; dirty: boolean } | null; node?: string };
  lateOps?: number;
  /** With --probe: the conformance probe's table. */
  probe?: ProbeResult[];
  /** The run's clock (src/history/clock.ts): its bound ε and where it came from. */
  clock?: { epsilonMs: number | null; source: string; detail: string; offsetMs?: number };
  /** With --shard: which shard of how many. */
  shard?: { index: number; count: number };
  /** A merged run (objcheck merge): its shards and the bound their ops are held to (src/cli/merge-command.ts's MergeRecord). */
  merge?: { keysMode: string; epsilonMs: number | null; shards: { folder: string; complete: boolean; epsilonMs: number | null; source: string; offsetMs?: number }[]; splitOps?: number };
}

/** One run, ready to render. */
export interface RunData {
  /** The run folder's name (what the report and the index call the run). */
  name: string;
  run: RunInfo | null;
  results: Results;
  history: History;
}

/** The minified builds of vega and vega-embed, inlined into every page (the charts come compiled from Vega-Lite). */
export interface Libraries {
  vega: string;
  vegaEmbed: string;
}

/** Who rendered the page (the version that re-rendered an old run may differ from the run's). */
export interface Renderer {
  version: string;
  commit: string | null;
}

export interface ReportInput {
  data: RunData;
  libraries: Libraries;
  renderer: Renderer;
  /** Overrides the marks budget per chart (tests use a small one to exercise sampling). */
  maxMarks?: number;
}
