import type { HistoryEvent } from '../../src/history/event.js';

type Step = [process: number, type: HistoryEvent['type'], f: string, key?: string, value?: unknown, error?: string];

/** Events from compact steps, with index and time (1 ms apart) filled in. */
export function events(...steps: Step[]): HistoryEvent[] {
  return steps.map(([process, type, f, key, value, error], index) => {
    const e: HistoryEvent = { index, time: index * 1_000_000, process, type, f };
    if (key !== undefined) e.key = key;
    if (value !== undefined) e.value = value;
    if (error !== undefined) e.error = error;
    else if (type === 'fail' || type === 'info') e.error = 'test';
    return e;
  });
}

export function jsonl(es: readonly object[]): string {
  return es.map((e) => JSON.stringify(e)).join('\n') + '\n';
}
