// Staleness as the report draws it: the ages of the stale reads (an ECDF) and the visibility
// checker's t-visibility curve with its windows, read from results.json as the checkers wrote it.

import type { CheckResult } from '../../checkers/checker.js';
import { formatCount, formatMs, formatPercent } from '../util/format-number.js';
import { staleReads } from '../../checkers/stale-reads.js';
import type { History, Op } from '../history/event.js';
import { ecdfOf, type EcdfPoint } from './series.js';

export interface Ages {
  points: EcdfPoint[];
  count: number;
  /** How the ages were obtained, for the note beside the chart. */
  note: string;
}

/**
 * Each stale-read anomaly's evidence carries its age (read start - the superseding write's
 * completion); one from a results.json without evidence names the read first and that write last
 * (docs/checkers.md). results.json lists at most maxAnomalies of them;
 * when it lists fewer than it counted, the ages come from re-running stale-reads on the history.
 */
export function staleAges(history: History, result: CheckResult | undefined): Ages | null {
  if (!result) return null;
  const counted = typeof result.staleReads === 'number' ? result.staleReads : result.anomalies.length;
  if (counted === 0) return { points: [], count: 0, note: 'no stale read' };
  let anomalies = result.anomalies;
  let note = `${counted.toLocaleString('en-US')} stale reads, from results.json`;
  if (anomalies.length < counted) {
    anomalies = (staleReads.check(history, { maxAnomalies: Infinity }) as CheckResult).anomalies;
    note = `results.json lists ${result.anomalies.length} of its ${counted.toLocaleString('en-US')} stale reads; the ages of all ${anomalies.length.toLocaleString('en-US')} were recomputed from history.jsonl by this version's stale-reads checker`;
  }
  const byIndex = new Map<number, Op>(history.ops.map((o) => [o.invokeIndex, o]));
  const ages: number[] = [];
  for (const a of anomalies) {
    if (a.evidence?.kind === 'stale-read') {
      ages.push(a.evidence.ageNs / 1e6);
      continue;
    }
    const read = byIndex.get(a.ops[0]!);
    const by = byIndex.get(a.ops.at(-1)!);
    if (read && by?.completeTime != null) ages.push((read.invokeTime - by.completeTime) / 1e6);
  }
  ages.sort((x, y) => x - y);
  return { points: ecdfOf('stale reads', ages, 500), count: ages.length, note };
}

export interface CurveBin {
  fromMs: number;
  /** Where the bin starts on the log axis: the first bin starts at 0, drawn from a tenth of its end. */
  x0: number;
  toMs: number;
  fraction: number;
  lo: number;
  hi: number;
  samples: number;
}

export interface VisibilityWindow {
  level: string;
  ms: number | null;
  lo: number | null;
  hi: number | null;
  samples: number;
  /** A sentence for the page: "99% of reads consistent after 42 ms [38, 47]" or the reason there is no figure. */
  text: string;
}

export interface Visibility {
  curve: CurveBin[];
  windows: VisibilityWindow[];
  summary: string | null;
  /** Further lines for the page: P(consistent) at t = 0, reads of overlapping writes left out. */
  notes?: string[];
}

interface RawBin {
  fromMs: number;
  toMs: number;
  samples: number;
  fraction: number;
  ci95?: [number, number];
}
interface RawWindow {
  ms: number | null;
  ci95?: [number | null, number | null];
  samples: number;
  writes?: number;
  reason?: string;
}

export function visibilityData(result: CheckResult | undefined): Visibility | null {
  if (!result || !Array.isArray(result.curve)) return null;
  const curve = (result.curve as RawBin[]).map((b) => ({
    fromMs: b.fromMs,
    x0: b.fromMs > 0 ? b.fromMs : b.toMs / 10,
    toMs: b.toMs,
    fraction: b.fraction,
    lo: b.ci95?.[0] ?? b.fraction,
    hi: b.ci95?.[1] ?? b.fraction,
    samples: b.samples,
  }));
  const windows = Object.entries((result.windows ?? {}) as Record<string, RawWindow>).map(([level, w]) => {
    const ci = w.ci95 && w.ci95[0] !== null ? ` (95% CI ${formatMs(w.ci95[0]).replace(' ms', '')} – ${formatMs(w.ci95[1])})` : '';
    return {
      level,
      ms: w.ms,
      lo: w.ci95?.[0] ?? null,
      hi: w.ci95?.[1] ?? null,
      samples: w.samples,
      text:
        w.ms === null
          ? `${level}: no figure: ${w.reason ?? 'unknown'}`
          : `${level} of reads consistent after ${formatMs(w.ms)}${ci}, from ${formatCount(w.samples, 'read')}${w.writes === undefined ? '' : ` of ${formatCount(w.writes, 'write')}`}`,
    };
  });
  const notes: string[] = [];
  const basis = result.pAt0Basis as { samples: number; upToMs: number } | null | undefined;
  if (typeof result.pAt0 === 'number' && basis) {
    notes.push(`P(consistent at t = 0) ${formatPercent(result.pAt0)}: the fitted curve's first level, over the ${formatCount(basis.samples, 'read')} up to ${formatMs(basis.upToMs)}`);
  }
  if (typeof result.overlappingExcluded === 'number' && result.overlappingExcluded > 0) {
    notes.push(`${result.overlappingExcluded.toLocaleString('en-US')} reads left out: their latest write overlapped another write of the key, so which version was the latest is ambiguous`);
  }
  return { curve, windows, summary: typeof result.summary === 'string' ? result.summary : (result.reason ?? null), notes };
}
