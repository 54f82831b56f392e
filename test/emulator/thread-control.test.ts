// The emulator on its worker thread (the compiled dist/src/emulator/thread.js: run `tsc -b`
// first), steered from this thread through EmulatorThreadControl.
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { S3Client } from '@aws-sdk/client-s3';
import { afterEach, describe, expect, it } from 'vitest';
import type { EmulatorOptions } from '../../src/emulator/index.js';
import { EmulatorThreadControl } from '../../src/emulator/thread-client.js';
import { projectRoot } from '../../src/util/tool-info.js';
import { sleep } from '../../src/util/sleep.js';
import { put, readText } from './sdk.js';

const THREAD = join(projectRoot(), 'dist/src/emulator/thread.js');
const BUCKET = 'thread';

type Started = { endpoint: string; region: string; credentials: { accessKeyId: string; secretAccessKey: string } };

let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
});

async function startThread(options: EmulatorOptions): Promise<{ worker: Worker; control: EmulatorThreadControl; s3: S3Client; exited: Promise<number> }> {
  const worker = new Worker(THREAD, { workerData: { seed: 8, buckets: [BUCKET], ...options } });
  const exited = new Promise<number>((resolve) => worker.once('exit', resolve));
  // Made before the start-up message arrives, as the target may: it must ignore that message.
  const control = new EmulatorThreadControl(worker);
  const started = await new Promise<Started>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  const s3 = new S3Client({ endpoint: started.endpoint, region: started.region, forcePathStyle: true, maxAttempts: 1, credentials: started.credentials });
  cleanup = async () => {
    s3.destroy();
    worker.postMessage('close');
    await exited;
  };
  return { worker, control, s3, exited };
}

describe('EmulatorThreadControl', () => {
  it('partitions and heals the emulator on its thread: a majority write waits for the heal', async () => {
    const { control, s3 } = await startThread({ consistency: { model: 'quorum', replicas: 3, writeQuorum: 2, readQuorum: 2, delays: { writePropagation: '0' } } });
    await control.partitionReplicas([1, 2]);
    expect(await control.describeFaults()).toMatchObject({ model: 'quorum', partitions: [[1, 2]] });
    let acknowledged = false;
    const write = put(s3, BUCKET, 'k', 'v').then(() => (acknowledged = true));
    await sleep(300);
    expect(acknowledged).toBe(false);
    await control.healPartitions();
    await write;
    expect(await readText(s3, BUCKET, 'k')).toBe('v');
    expect(await control.describeFaults()).toMatchObject({ partitions: [], heldMessages: 0 });
  });

  it('sets and resets clock skews, and rejects with the emulator’s reason', async () => {
    const { control, s3 } = await startThread({ consistency: { model: 'quorum', replicas: 3, writeQuorum: 3, readQuorum: 1, delays: { writePropagation: '0' } } });
    await put(s3, BUCKET, 'k', 'first');
    await control.setClockSkews([-5000]);
    await put(s3, BUCKET, 'k', 'second');
    expect(await readText(s3, BUCKET, 'k')).toBe('first');
    await control.resetClockSkews();
    expect(await control.describeFaults()).toMatchObject({ clockSkewsMs: [0] });
    await put(s3, BUCKET, 'k', 'third');
    expect(await readText(s3, BUCKET, 'k')).toBe('third');
    await expect(control.partitionReplicas([3])).rejects.toThrow(/replica 3 does not exist/);
    await expect(control.setClockSkews([0, 0])).rejects.toThrow(/one offset per coordinator/);
    // Concurrent requests each get their own answer.
    const answers = await Promise.allSettled([control.partitionReplicas([0]), control.partitionReplicas([9]), control.healPartitions()]);
    expect(answers.map((a) => a.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  });

  it('refuses partitions for a model without replicas; rejects once the thread has exited', async () => {
    const { worker, control, exited } = await startThread({ consistency: 'strong' });
    await expect(control.partitionReplicas([0])).rejects.toThrow(/needs the quorum model/);
    await control.healPartitions();
    worker.postMessage('close');
    await exited;
    await expect(control.healPartitions()).rejects.toThrow(/exited/);
  });
});
