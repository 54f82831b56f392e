import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { projectRoot } from '../util/tool-info.js';
import { checkFile, type FileCheckSettings, type FileVerdict } from './check-file.js';

// Compiled, also when this module runs from its TypeScript source (tests).
const WORKER = join(projectRoot(), 'dist/src/check/check-worker.js');

type WorkerMessage = { ready: true } | { i: number; verdict: FileVerdict } | { i: number; crash: string };

/**
 * Checks many files on every core: this thread and a worker thread per further core take
 * files from one queue, so a long file does not hold the rest up. Verdicts reach `emit` in the
 * order of `files`, each as soon as it and those before it are done.
 */
export async function checkFiles(files: readonly string[], settings: FileCheckSettings, emit: (v: FileVerdict) => void): Promise<void> {
  const done: (FileVerdict | undefined)[] = new Array(files.length);
  let emitted = 0;
  const deliver = (i: number, v: FileVerdict) => {
    done[i] = v;
    while (emitted < files.length && done[emitted]) emit(done[emitted++]!);
  };
  let next = 0;
  const take = (): number | undefined => (next < files.length ? next++ : undefined);

  // A worker costs its own start-up (~0.1 s): worth it only with a few files for it.
  const cores = Number(process.env.OBJCHECK_JOBS) || availableParallelism();
  const helpers = Math.max(0, Math.min(cores - 1, Math.floor(files.length / 4)));
  const workers = Array.from({ length: helpers }, () => runWorker(files, settings, take, deliver));
  // This thread works too, yielding between files so that the workers' requests are answered.
  for (let i = take(); i !== undefined; i = take()) {
    deliver(i, await checkFile(files[i]!, settings));
    await new Promise((r) => setImmediate(r));
  }
  await Promise.all(workers);
}

function runWorker(
  files: readonly string[],
  settings: FileCheckSettings,
  take: () => number | undefined,
  deliver: (i: number, v: FileVerdict) => void,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER, { workerData: settings });
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
