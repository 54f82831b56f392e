// A worker thread of checkFiles: takes file jobs, answers with their verdicts.
import { parentPort, workerData } from 'node:worker_threads';
import { checkFile, type FileCheckSettings } from './check-file.js';

const settings = workerData as FileCheckSettings;
parentPort!.on('message', (job: { i: number; file: string } | null) => {
  if (job === null) {
    parentPort!.close();
    return;
  }
  checkFile(job.file, settings).then(
    (verdict) => parentPort!.postMessage({ i: job.i, verdict }),
    (err: unknown) => parentPort!.postMessage({ i: job.i, crash: err instanceof Error ? (err.stack ?? err.message) : String(err) }),
  );
});
parentPort!.postMessage({ ready: true });
