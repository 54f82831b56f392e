// The emulator on a thread of its own, so that a harness in the same process measures the
// store and not its own event loop: the server's work no longer delays the clients' timers.
// workerData: EmulatorOptions. Posts {endpoint, port, region, credentials, description} once
// listening, or {error}; a 'close' message closes the server and ends the thread. Fault
// commands ({id, cmd: 'partition' | 'heal' | 'skew' | 'unskew' | 'key-state' | 'describe', ...}, see
// thread-client.ts) are answered with {id, ok: true} or {id, error}.
import { parentPort, workerData } from 'node:worker_threads';
import { OptionsError, startEmulator, type EmulatorOptions } from './index.js';
import { isThreadCommand, runThreadCommand } from './thread-commands.js';

try {
  const emulator = await startEmulator(workerData as EmulatorOptions);
  parentPort!.on('message', (m: unknown) => {
    if (m === 'close') void emulator.close().then(() => parentPort!.close());
    else if (isThreadCommand(m)) parentPort!.postMessage(runThreadCommand(emulator, m));
  });
  parentPort!.postMessage({ endpoint: emulator.endpoint, replicaEndpoint: emulator.replicaEndpoint, port: emulator.port, region: emulator.region, credentials: emulator.credentials, description: emulator.describe() });
} catch (err) {
  parentPort!.postMessage({ error: err instanceof Error ? err.message : String(err), options: err instanceof OptionsError });
}
