// The emulator on a thread of its own, so that a harness in the same process measures the
// store and not its own event loop: the server's work no longer delays the clients' timers.
// workerData: EmulatorOptions. Posts {endpoint, port, region, credentials, description} once
// listening, or {error}; a 'close' message closes the server and ends the thread.
import { parentPort, workerData } from 'node:worker_threads';
import { OptionsError, startEmulator, type EmulatorOptions } from './index.js';

try {
  const emulator = await startEmulator(workerData as EmulatorOptions);
  parentPort!.on('message', (m: unknown) => {
    if (m === 'close') void emulator.close().then(() => parentPort!.close());
  });
  parentPort!.postMessage({ endpoint: emulator.endpoint, port: emulator.port, region: emulator.region, credentials: emulator.credentials, description: emulator.describe() });
} catch (err) {
  parentPort!.postMessage({ error: err instanceof Error ? err.message : String(err), options: err instanceof OptionsError });
}
