// Tooltips that are the mark's datum itself, titled by the page when one is shown. Vega-Lite's
// own tooltip is an object expression over every field, and under the report's CSP (no eval)
// Vega interprets it for every mark on every draw and zoom: for thousands of marks, seconds.
// The page (html.ts BOOT) reads the tables from the spec's usermeta.

import type { NumberKind } from '../../util/format-number.js';

/** [field, title] or [field, title, kind]: a number is shown as its kind reads (formatNumber in util/format-number.ts). */
export type TooltipField = readonly [string, string] | readonly [string, string, NumberKind];

/** How to title a datum that has the field `when` (the page's way to tell one layer's data from another's). */
export interface TooltipTable {
  when: string;
  /** In display order; fields a datum lacks are left out. */
  fields: readonly TooltipField[];
}

/** The mark property that makes a layer's tooltip its datum. */
export const DATUM_TOOLTIP = { content: 'data' } as const;

/** The spec's usermeta that carries the tables to the page. */
export function tooltipMeta(...tables: TooltipTable[]): { tooltips: TooltipTable[] } {
  return { tooltips: tables };
}
