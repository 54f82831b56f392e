import { statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { projectRoot } from '../util/tool-info.js';
import { checkFile, type FileCheckSettings, type FileVerdict } from './check-file.js';
import { newCheckProgress, showCheckProgress } from './check-progress.js';

// Compiled, also when this module runs from its TypeScript source (tests). Found when first
// needed: finding the project's root reads package.json files.
const workerPath = (): string => join(projectRoot(), 'dist/src/cli/check-worker.js');

const PARALLEL_MIN_BYTES = 32 * 1024 * 1024;

/** The size of a history file or of a run folder's history; 0 when it cannot be read (checkFile then says why). */
function sizeOf(path: string): number {
  try {
    const s = statSync(path);
    return s.isDirectory() ? statSync(join(path, 'history.jsonl')).size : s.size;
  } catch {
    return 0;
  }
}

type WorkerMessage = { ready: true } | { i: number; verdict: FileVerdict } | { i: number; crash: string };

/**
 * Checks many files on every core: this thread and a worker thread per further core take
 * files from one queue, so a long file does not hold the rest up. Verdicts reach `emit` in the
 * order of `files`, each as soon as it and those before it are done.
 */
export async function checkFiles(
  files: readonly string[],
  settings: FileCheckSettings,
  emit: (v: FileVerdict) => void,
  parallelMinBytes = PARALLEL_MIN_BYTES,
  out: NodeJS.WriteStream = process.stderr,
): Promise<void> {
  const done: (FileVerdict | undefined)[] = new Array(files.length);
  let emitted = 0;
  const deliver = (i: number, v: FileVerdict) => {
    done[i] = v;
    while (emitted < files.length && done[emitted]) emit(done[emitted++]!);
  };
  let next = 0;
  const take = (): number | undefined => (next < files.length ? next++ : undefined);

  // A worker thread costs its own start-up and its own cold JIT (~0.15 s of CPU): measured on
  // the 108 small Porcupine histories, two threads took 0.94 s against 0.78 s for one. They pay
  // only when there is real work to share: several files and tens of megabytes.
  const cores = Number(process.env.OBJCHECK_JOBS) || availableParallelism();
  const sizes = files.map(sizeOf);
  const bytes = sizes.reduce((n, s) => n + s, 0);
  const progress = newCheckProgress(bytes);
  const display = showCheckProgress(progress, out);
  const helpers = bytes < parallelMinBytes ? 0 : Math.max(0, Math.min(cores - 1, files.length - 1));
  // Files on several threads already: each one on its own thread (no pool inside a file).
  if (helpers > 0) settings = { ...settings, jobs: 1 };
  const workers = Array.from({ length: helpers }, () => runWorker(files, settings, take, (i, v) => (progress.bytesRead += sizes[i]!, deliver(i, v))));
  try {
    // This thread works too, yielding between files so that the workers' requests are answered.
    for (let i = take(); i !== undefined; i = take()) {
      const before = progress.bytesRead;
      const verdict = await checkFile(files[i]!, settings, progress);
      // A format read whole (not by chunks) and a file that could not be read count once done.
      progress.bytesRead = Math.max(progress.bytesRead, before + sizes[i]!);
      deliver(i, verdict);
      await new Promise((r) => setImmediate(r));
    }
    await Promise.all(workers);
  } finally {
    display.stop();
  }
}

function runWorker(
  files: readonly string[],
  settings: FileCheckSettings,
  take: () => number | undefined,
  deliver: (i: number, v: FileVerdict) => void,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(workerPath(), { workerData: settings });
    const feed = () => {
      const i = take();
      worker.postMessage(i === undefined ? null : { i, file: files[i] });
    };
    worker.on('message', (m: WorkerMessage) => {
      if ('crash' in m) {
        void worker.terminate();
        reject(new Error(`checking ${files[m.i]} failed in a worker: ${m.crash}`));
        return;
      }
      if ('verdict' in m) deliver(m.i, m.verdict);
      feed();
    });
    worker.on('error', reject);
    worker.on('exit', () => resolve());
  });
}
