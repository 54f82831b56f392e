import type { Checker } from '../../../checkers/checker.js';
import type { ThreadPool } from './pool.js';
import type { KeyPartsJob } from './worker.js';

/**
 * Each key's part of the checkers (their `byKey`), made on the pool's threads from the key's
 * records (`loads`: one a key, each giving a buffer of its own, moved to the thread): by
 * checker, every key's part, in no particular order (merge takes them in any).
 */
export async function keyPartsOnPool(pool: ThreadPool, checkers: readonly Checker[], loads: readonly (() => Float64Array)[]): Promise<unknown[][]> {
  const names = checkers.map((c) => c.name);
  const parts = names.map((): unknown[] => []);
  let next = 0;
  // One key a thread at a time: the records of the others stay where they are (spilled or not).
  const lane = async (): Promise<void> => {
    while (next < loads.length) {
      const records = loads[next++]!();
      const job: KeyPartsJob = { keyParts: { names, records } };
      const got = await pool.run<unknown[]>(job, [records.buffer as ArrayBuffer]);
      got.forEach((p, i) => parts[i]!.push(p));
    }
  };
  await Promise.all(Array.from({ length: Math.min(loads.length, pool.size) }, lane));
  return parts;
}
