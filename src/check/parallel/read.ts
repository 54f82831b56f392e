import { ChunkAssembler } from '../../history/assemble.js';
import { KeyedOps, type KeyedOpsOptions } from '../../history/keyed-ops.js';
import { droppedTailMessage, scanChunk, type ChunkScan } from '../../history/lines.js';
import type { ThreadPool } from './pool.js';
import { scanFile } from './scan-file.js';

/**
 * A history file read into per-partition op records (KeyedOps) on the pool's threads, never
 * as objects: memory follows the budget, not the file. The caller closes what it returns
 * (its spill folder), also when it goes on to fail; on an error here it is closed already.
 */
export async function readKeyedOps(
  pool: ThreadPool,
  file: string,
  size: number,
  options: KeyedOpsOptions,
  onBytes?: (n: number) => void,
): Promise<{ ops: KeyedOps; droppedTail?: string }> {
  const ops = new KeyedOps(options);
  const assembler = new ChunkAssembler(file);
  try {
    await scanFile(
      pool,
      file,
      size,
      false,
      (scan, bytes, start, end) => {
        addChunkScan(ops, assembler, scan, () => scanChunk(file, start, end, size, false));
        onBytes?.(bytes);
      },
      true,
    );
  } catch (err) {
    ops.close();
    throw err;
  }
  return { ops, ...(assembler.droppedTail === 0 ? {} : { droppedTail: droppedTailMessage(file, assembler.droppedTail) }) };
}

/**
 * The next chunk of the file into `ops`: at once when its thread paired its ops and its edges
 * allow, else event by event (its columns whole again from `rescan` when they were cut down to
 * what the pairing needs: rare, a file that breaks a rule).
 */
export function addChunkScan(ops: KeyedOps, assembler: ChunkAssembler, scan: ChunkScan, rescan: () => ChunkScan): void {
  const { strings, ops: paired } = scan;
  const map = ops.strings.merge(strings);
  const all = (): boolean => {
    if (ops.addChunk(scan.columns, strings, map, paired!)) return true;
    // The same lines scanned the same way: the same strings, the same numbers.
    if (scan.columns.length !== paired!.events) scan.columns = rescan().columns;
    return false;
  };
  assembler.add(scan, (i) => ops.add(scan.columns, i, strings, map), paired && all);
}
