import { ChunkAssembler } from '../../history/assemble.js';
import { KeyedOps, type KeyedOpsOptions } from '../../history/keyed-ops.js';
import { droppedTailMessage } from '../../history/lines.js';
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
    await scanFile(pool, file, size, false, (scan, bytes) => {
      const { columns, strings } = scan;
      const map = ops.strings.merge(strings);
      assembler.add(scan, (i) => ops.add(columns, i, strings, map));
      onBytes?.(bytes);
    });
  } catch (err) {
    ops.close();
    throw err;
  }
  return { ops, ...(assembler.droppedTail === 0 ? {} : { droppedTail: droppedTailMessage(file, assembler.droppedTail) }) };
}
