import { describe, expect, it } from 'vitest';
import { visibility } from '../../checkers/visibility.js';
import { historyOf } from '../../src/history/build.js';
import type { HistoryEvent } from '../../src/history/event.js';

/**
 * One key; each cycle writes a new value and reads it 1 ms later. Between the nemesis events the
 * read returns the previous value (stale); elsewhere it returns the new one.
 */
function history(cycles: number, faultFrom: number, faultTo: number): HistoryEvent[] {
  const es: HistoryEvent[] = [];
  let time = 0;
  const push = (e: Omit<HistoryEvent, 'index' | 'time'>, dt = 1_000_000) => {
    time += dt;
    es.push({ index: es.length, time, ...e });
  };
  for (let i = 1; i <= cycles; i++) {
    if (i === faultFrom) push({ process: 'nemesis', type: 'info', f: 'start-partition' });
    if (i === faultTo) push({ process: 'nemesis', type: 'info', f: 'stop-partition' });
    push({ process: 0, type: 'invoke', f: 'put', key: 'k', value: i });
    push({ process: 0, type: 'ok', f: 'put', key: 'k' });
    const stale = i >= faultFrom && i < faultTo && i > 1;
    push({ process: 1, type: 'invoke', f: 'get', key: 'k' });
    push({ process: 1, type: 'ok', f: 'get', key: 'k', value: stale ? i - 1 : i });
  }
  return es;
}

describe('visibility under faults', () => {
  it('estimates reads that began during a fault apart from the others', async () => {
    const r = await visibility.check(historyOf(history(400, 101, 301)));
    const byFault = r.byFault as {
      faults: number;
      during: { samples: number; consistentFraction: number; windows: Record<string, { ms: number | null; atLeastMs?: number }> };
      outside: { samples: number; consistentFraction: number; windows: Record<string, { ms: number | null }> };
    };
    expect(byFault.faults).toBe(1);
    expect(byFault.during).toMatchObject({ samples: 200, consistentFraction: 0 });
    expect(byFault.outside).toMatchObject({ samples: 200, consistentFraction: 1 });
    // Outside, every read right after its write was fresh; during, none was, as far as reads went.
    expect(byFault.outside.windows['99%']!.ms).toBe(0);
    expect(byFault.during.windows['99%']!.ms).toBeNull();
    expect(byFault.during.windows['99%']!.atLeastMs).toBeGreaterThan(0);
    expect(r.summary).toMatch(/99% window during faults > [\d.]+ ms \(200 reads\), outside 0\.0 ms \(200 reads\)/);
  });

  it('says nothing of faults when there were none', async () => {
    expect((await visibility.check(historyOf(history(50, 1000, 1000)))).byFault).toBeUndefined();
  });
});
