import { describe, expect, it } from 'vitest';
import type { AnomalyRef } from '../../src/report/anomaly-index.js';
import { anomalyTable, FOLD_AFTER } from '../../src/report/anomaly-table.js';
import { timeAxis } from '../../src/report/time-axis.js';

const anomaly = (n: number): AnomalyRef => ({ checker: 'stale-reads', kind: 'stale-read', key: `k${n}`, ops: [n], explanation: `read ${n} was stale`, n });
const rowsIn = (html: string) => (html.match(/<tr id="anomaly-/g) ?? []).length;

describe('anomaly table', () => {
  it(`shows the first ${FOLD_AFTER} rows and folds the rest under "show all"`, () => {
    const html = anomalyTable(Array.from({ length: 152 }, (_, i) => anomaly(i)), new Map(), timeAxis(1e9), 1e9, new Map());
    const [shown, folded] = html.split('<details');
    expect(rowsIn(shown!)).toBe(FOLD_AFTER);
    expect(folded).toContain('<summary>show all 152 anomalies</summary>');
    expect(rowsIn(folded!)).toBe(152 - FOLD_AFTER);
    // Every row keeps its anchor, folded or not.
    for (const n of [0, 19, 20, 151]) expect(html).toContain(`<tr id="anomaly-${n}">`);
  });

  it('folds nothing when the rows fit', () => {
    const html = anomalyTable(Array.from({ length: FOLD_AFTER }, (_, i) => anomaly(i)), new Map(), timeAxis(1e9), 1e9, new Map());
    expect(html).not.toContain('<details');
    expect(rowsIn(html)).toBe(FOLD_AFTER);
  });
});
