import type { Checker } from '../../checkers/checker.js';
import { eventCount, lastEventTime, type History, type Op } from '../../src/history/event.js';
import { Random } from '../../src/util/random.js';

/**
 * The checker key by key, as a check too big to hold whole runs it (src/cli/check-file.ts): a
 * history a key (ops without one together, as the records group them), what crosses a thread
 * cloned, the keys in a shuffled order; each key's history and the outline carry the nemesis
 * events and the history's end.
 */
export async function checkByKey(checker: Checker, h: History, maxAnomalies: number | undefined, seed: number): Promise<unknown> {
  const keys = new Map<string, Op[]>();
  for (const op of h.ops) keys.set(op.key ?? '', [...(keys.get(op.key ?? '') ?? []), op]);
  const options = maxAnomalies === undefined ? {} : { maxAnomalies };
  const end = { events: eventCount(h), time: lastEventTime(h) };
  const histories = shuffled([...keys.values()], seed).map((ops): History => ({ events: [], ops, nemesis: h.nemesis, end }));
  const parts = histories.map((k) => structuredClone(checker.byKey!.keyPart(k, options)));
  const question = checker.byKey!.question?.(parts, options);
  const answers = question === undefined ? undefined : shuffled(histories, seed + 1).map((k) => structuredClone(checker.byKey!.answer!(k, structuredClone(question))));
  // The outline: the nemesis events, not the ops.
  return structuredClone(await checker.byKey!.merge(parts, options, { events: [], ops: [], nemesis: h.nemesis, end }, answers));
}

export function shuffled<T>(xs: T[], seed: number): T[] {
  const out = [...xs];
  const random = new Random(seed);
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random.next() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
