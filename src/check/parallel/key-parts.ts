import type { CheckOptions, Checker } from '../../../checkers/checker.js';
import type { ThreadPool } from './pool.js';
import type { KeyJob } from './worker.js';

/**
 * Each key's part of the checkers (their `byKey`), made on the pool's threads from the key's
 * records (`loads`: one a key, each giving a buffer of its own, moved to the thread): by
 * checker, every key's part, in no particular order (merge takes them in any).
 */
export async function keyPartsOnPool(pool: ThreadPool, checkers: readonly Checker[], loads: readonly (() => Float64Array)[], options: CheckOptions): Promise<unknown[][]> {
  const names = checkers.map((c) => c.name);
  const parts = names.map((): unknown[] => []);
  for (const got of await eachKey<unknown[]>(pool, loads, { names, options })) got.forEach((p, i) => parts[i]!.push(p));
  return parts;
}

/**
 * For a checker that has a question for the keys once every part is in (read-validity: who
 * wrote this value?), every key's answer, by checker (undefined: no question).
 */
export async function keyAnswersOnPool(pool: ThreadPool, checkers: readonly Checker[], parts: readonly unknown[][], loads: readonly (() => Float64Array)[], options: CheckOptions): Promise<(unknown[] | undefined)[]> {
  const answers: (unknown[] | undefined)[] = [];
  for (const [i, c] of checkers.entries()) {
    const question = c.byKey!.question?.(parts[i] as unknown[], options);
    answers.push(question === undefined ? undefined : await eachKey(pool, loads, { names: [c.name], options, question }));
  }
  return answers;
}

/** The answer of the job on each key's records, one thread a key at a time. */
async function eachKey<T>(pool: ThreadPool, loads: readonly (() => Float64Array)[], job: Omit<KeyJob['key'], 'records'>): Promise<T[]> {
  const out: T[] = [];
  let next = 0;
  // One key a thread at a time: the records of the others stay where they are (spilled or not).
  const lane = async (): Promise<void> => {
    while (next < loads.length) {
      const records = loads[next++]!();
      const message: KeyJob = { key: { ...job, records } };
      out.push(await pool.run<T>(message, [records.buffer as ArrayBuffer]));
    }
  };
  await Promise.all(Array.from({ length: Math.min(loads.length, pool.size) }, lane));
  return out;
}
