import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { UserError } from '../cli/errors.js';
import type { EmulatorOptions } from '../emulator/options.js';
import { EmulatorThreadControl } from '../emulator/thread-client.js';
import { projectRoot } from '../util/tool-info.js';
import { openS3Target } from './s3-target.js';
import type { InternalFaultControl, Target } from './target.js';

const BUCKET = 'objcheck';
// Compiled, also when this module runs from its TypeScript source (tests).
const THREAD = join(projectRoot(), 'dist/src/emulator/thread.js');

type Started =
  | { endpoint: string; port: number; region: string; credentials: { accessKeyId: string; secretAccessKey: string }; description: Record<string, unknown> }
  | { error: string; options: boolean };

/**
 * Our S3 emulator on a loopback port, on a thread of this process, with the consistency model
 * and faults the run asks for: a store whose behaviour, and ground truth, we control.
 */
export const emulatorTarget: Target = {
  name: 'emulator',
  description: 'the built-in S3 emulator over HTTP on a loopback port (--consistency strong|s3-legacy|quorum and its knobs)',
  async open(options) {
    const { OptionsError } = await import('../emulator/options.js');
    const { parseCliArgs } = await import('../emulator/cli-args.js');
    let parsed: EmulatorOptions;
    try {
      parsed = parseCliArgs(options.emulatorFlags ?? []).options;
    } catch (err) {
      if (err instanceof OptionsError) throw new UserError(err.message);
      throw err;
    }
    const emulatorOptions: EmulatorOptions = {
      ...parsed,
      port: 0,
      host: '127.0.0.1',
      seed: options.seed,
      buckets: [BUCKET],
      ...(options.groundTruth ? { groundTruth: { jsonlPath: options.groundTruth.path, origin: options.groundTruth.origin } } : {}),
    };
    const thread = new Worker(THREAD, { workerData: emulatorOptions });
    const started = await new Promise<Started>((resolve, reject) => {
      thread.once('message', resolve);
      thread.once('error', reject);
    });
    if ('error' in started) {
      await thread.terminate();
      throw new UserError(started.options ? started.error : `the emulator did not start: ${started.error}`);
    }
    const control = new EmulatorThreadControl(thread);
    const model = (started.description.consistency ?? {}) as { model?: string; params?: { replicas?: number; coordinatorSkewsMs?: number[] } };
    const internal: InternalFaultControl = {
      replicas: model.model === 'quorum' ? (model.params?.replicas ?? 0) : 0,
      coordinators: model.model === 'quorum' ? (model.params?.coordinatorSkewsMs?.length ?? 1) : 0,
      partitionReplicas: (ids) => control.partitionReplicas(ids),
      healPartitions: () => control.healPartitions(),
      setClockSkews: (ms) => control.setClockSkews(ms),
      resetClockSkews: () => control.resetClockSkews(),
    };
    const stop = () =>
      new Promise<void>((resolve) => {
        thread.once('exit', () => resolve());
        thread.postMessage('close');
      });
    return openS3Target(
      {
        target: 'emulator',
        endpoint: started.endpoint,
        region: started.region,
        bucket: BUCKET,
        forcePathStyle: true,
        credentials: started.credentials,
        extra: { emulator: started.description },
        onClose: stop,
        internal,
      },
      options,
    );
  },
};
