import type { compile } from 'vega-lite';
import { compileChart } from '../../src/report/html.js';
import { HistoryBuilder } from '../../src/history/build.js';
import type { History, HistoryEvent } from '../../src/history/event.js';
import type { TopLevelSpec } from '../../src/report/specs/common.js';

/** Compiles a spec to Vega as the page's writer does, with vega-lite's warnings and errors. */
export function compileSpec(spec: TopLevelSpec): { warnings: string[]; vega: ReturnType<typeof compile>['spec'] } {
  const c = compileChart({ id: 'chart', spec });
  return { warnings: c.warnings, vega: c.vega as ReturnType<typeof compile>['spec'] };
}

export function historyOf(events: HistoryEvent[]): History {
  const b = new HistoryBuilder();
  for (const e of events) b.add(e);
  return b.finish();
}

/** Data values of a named dataset or of an inline data block, found anywhere in a spec. */
export function datasets(spec: unknown): Record<string, unknown[]> {
  return ((spec as { datasets?: Record<string, unknown[]> }).datasets ?? {}) as Record<string, unknown[]>;
}

/**
 * Numbers shown with more decimals than they mean: four or more decimals (ms are shown to 0.1,
 * sub-ms to the µs, seconds to the ms) or a percentage to more than 0.1.
 */
export function overPrecise(texts: readonly string[]): string[] {
  return texts.flatMap((t) => [...t.matchAll(/\d\.\d{4,}|\d\.\d{2,}\s?%/g)].map((m) => `${m[0]} in "${t.slice(Math.max(0, m.index - 40), m.index + 40)}"`));
}
