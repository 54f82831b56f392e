import type { ChunkScan } from '../../history/lines.js';
import type { ThreadPool } from './pool.js';

/** Bytes a chunk: enough that a worker's start-up per chunk is nothing, small enough that two threads share a file evenly. */
const CHUNK_BYTES = 8 << 20;

/**
 * Scans `file` (`size` bytes) in chunks on the pool's threads and gives the chunks to
 * `onChunk` in file order, each as soon as it and those before it are scanned. At most two
 * chunks a thread are scanned ahead of the one awaited, so that memory does not grow with the
 * file when this thread is the slower. `pair`: each chunk's ops are also paired on its thread
 * (ChunkScan.ops, src/history/chunk-ops.ts pairScan), for a reader of op records.
 */
export async function scanFile(pool: ThreadPool, file: string, size: number, keepRaw: boolean, onChunk: (scan: ChunkScan, bytes: number, start: number, end: number) => void, pair = false): Promise<void> {
  // Two chunks a thread at least, so that the threads share even a file of a few chunks.
  const chunks = Math.max(pool.size * 2, Math.ceil(size / CHUNK_BYTES));
  const window = pool.size * 2;
  const started: Promise<ChunkScan>[] = [];
  const start = (i: number) => {
    const from = Math.floor((size * i) / chunks);
    const to = Math.floor((size * (i + 1)) / chunks);
    started[i] = pool.run<ChunkScan>({ scan: { file, start: from, end: to, size, keepRaw, pair } });
    // Handled when awaited in order; until then a rejection must not count as unhandled.
    started[i]!.catch(() => {});
  };
  for (let i = 0; i < Math.min(window, chunks); i++) start(i);
  for (let i = 0; i < chunks; i++) {
    const scan = await started[i]!;
    delete started[i];
    if (i + window < chunks) start(i + window);
    const from = Math.floor((size * i) / chunks);
    const to = Math.floor((size * (i + 1)) / chunks);
    onChunk(scan, to - from, from, to);
  }
}
