import { compile } from 'vega-lite';
import { HistoryBuilder } from '../../src/history/build.js';
import type { History, HistoryEvent } from '../../src/history/event.js';
import type { TopLevelSpec } from '../../src/report/specs/common.js';

/** Compiles a spec to Vega as the page will, collecting vega-lite's warnings and errors. */
export function compileSpec(spec: TopLevelSpec): { warnings: string[]; vega: ReturnType<typeof compile>['spec'] } {
  const warnings: string[] = [];
  const sink = (...args: unknown[]) => warnings.push(args.map(String).join(' '));
  let lvl = 0;
  const logger = {
    level(l?: number) {
      if (l === undefined) return lvl;
      lvl = l;
      return logger;
    },
    warn: (...a: unknown[]) => (sink(...a), logger),
    error: (...a: unknown[]) => (sink(...a), logger),
    info: () => logger,
    debug: () => logger,
  };
  const out = compile(spec, { logger: logger as never });
  return { warnings, vega: out.spec };
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
