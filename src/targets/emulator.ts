import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { UserError } from '../util/errors.js';
import type { EmulatorOptions } from '../emulator/options.js';
import { EmulatorThreadControl } from '../emulator/thread-client.js';
import { projectRoot } from '../util/tool-info.js';
import { openS3Target } from './s3-target.js';
import { ServerProcess } from './server-process.js';
import type { BucketOwner, s3SetVersioning } from './s3-access.js';
import type { InternalFaultControl, OpenTarget, Target, TargetCapabilities, TargetClient, TargetOptions } from './target.js';

const BUCKET = 'objcheck';
// Compiled, also when this module runs from its TypeScript source (tests).
const THREAD = join(projectRoot(), 'dist/src/emulator/thread.js');
const MAIN = join(projectRoot(), 'dist/src/emulator/main.js');
/** Not an emulator flag: asks for the emulator in a child process even without --data-dir. */
const PROCESS_FLAG = '--process';
/** The second principal of the revocation workload, when --key gave only the owner's pair. */
const PRINCIPAL = { accessKeyId: 'objcheck-reader', secretAccessKey: 'objcheck-reader-secret' };

type Started =
  | { endpoint: string; replicaEndpoint?: string; port: number; region: string; credentials: { accessKeyId: string; secretAccessKey: string }; description: Record<string, unknown> }
  | { error: string; options: boolean };

/**
 * Our S3 emulator on a loopback port, on a thread of this process, with the consistency model
 * and faults the run asks for: a store whose behaviour, and ground truth, we control.
 */
export const emulatorTarget: Target = {
  name: 'emulator',
  description:
    'the built-in S3 emulator over HTTP on a loopback port (--consistency strong|s3-legacy|quorum and its knobs; with --data-dir or --process, in a child process the kill and pause faults act on)',
  async open(options) {
    const { DEFAULT_KEY_PAIR, OptionsError, resolveOptions } = await import('../emulator/options.js');
    const { parseCliArgs } = await import('../emulator/cli-args.js');
    const flags = (options.emulatorFlags ?? []).filter((f) => f !== PROCESS_FLAG);
    let parsed: EmulatorOptions;
    try {
      parsed = parseCliArgs(flags).options;
      if (parsed.persistence || flags.length < (options.emulatorFlags ?? []).length) {
        // Checked here so that a bad flag is the user's error, not a child that would not start.
        resolveOptions(parsed);
        return await openChild(flags, parsed, options);
      }
    } catch (err) {
      if (err instanceof OptionsError) throw new UserError(err.message);
      throw err;
    }
    const keys = parsed.keys ?? [DEFAULT_KEY_PAIR];
    // Access control needs someone besides the owner to grant and revoke.
    if (parsed.accessControl && keys.length < 2) keys.push(PRINCIPAL);
    const emulatorOptions: EmulatorOptions = {
      ...parsed,
      keys,
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
    // Loaded with the SDK, only by runs that open an S3 store.
    const { s3Access, s3SetVersioning } = await import('./s3-access.js');
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
        capabilities: ({ client, owner, connect }) => ({
          ...(parsed.accessControl
            ? { access: s3Access(owner, connect(keys[1]!), keys[1]!.accessKeyId, (active) => control.setKeyActive(keys[1]!.accessKeyId, active)) }
            : {}),
          ...(options.readTarget === 'replica' && started.replicaEndpoint ? { replica: connect(started.credentials, started.replicaEndpoint) } : {}),
          ...bucketCapabilities(client, owner, parsed, s3SetVersioning),
        }),
      },
      options,
    );
  },
};

/**
 * The emulator as `node main.js` in a child process: a server that can be SIGKILLed, paused
 * and restarted on the same port with the same data directory, so that the kill fault tests
 * what the emulator made durable before it acknowledged.
 */
async function openChild(flags: string[], parsed: EmulatorOptions, options: TargetOptions): Promise<OpenTarget> {
  // A restarted child would start its ground-truth file again, and its write ids with it.
  if (options.groundTruth) throw new UserError('--ground-truth needs the emulator on a thread: drop --data-dir / --process');
  // Key states are switched through the thread, and the child reports only its main port.
  if (parsed.accessControl || parsed.replicaLag !== undefined) {
    throw new UserError(`--${parsed.accessControl ? 'policy-delay / --key-state-delay' : 'replica-lag'} needs the emulator on a thread: drop --data-dir / --process`);
  }
  const { DEFAULT_KEY_PAIR } = await import('../emulator/options.js');
  const { s3SetVersioning } = await import('./s3-access.js');
  const server = new ServerProcess({
    name: 'the emulator',
    // Ours come last: for single-valued flags the last one wins, and the run needs its own port, seed and bucket.
    args: (port) => [MAIN, ...flags, '--port', String(port), '--host', '127.0.0.1', '--seed', String(options.seed), '--bucket', BUCKET, '--exit-with-stdin'],
    parsePort: (line) => {
      const m = /listening on http:\/\/127\.0\.0\.1:(\d+) /.exec(line);
      if (!m) throw new Error(`the emulator's first line does not give its port: ${line}`);
      return Number(m[1]);
    },
  });
  const port = await server.start(0);
  return openS3Target(
    {
      target: 'emulator',
      endpoint: `http://127.0.0.1:${port}`,
      region: parsed.region ?? 'us-east-1',
      bucket: BUCKET,
      forcePathStyle: true,
      credentials: parsed.keys?.[0] ?? DEFAULT_KEY_PAIR,
      extra: { emulator: { name: 'emulator', process: 'child', consistency: parsed.consistency, seed: options.seed, persistence: parsed.persistence ?? false } },
      onClose: () => server.stop(),
      down: server.down.signal,
      process: server,
      capabilities: ({ client, owner }) => bucketCapabilities(client, owner, parsed, s3SetVersioning),
    },
    options,
  );
}

/** What any emulator offers on its bucket, on a thread or in a child process (the SDK-bound part passed in: loaded only by runs). */
function bucketCapabilities(client: TargetClient, owner: BucketOwner, parsed: EmulatorOptions, setVersioning: typeof s3SetVersioning): TargetCapabilities {
  return {
    // The bucket is the run's own: its configuration is the run's to change.
    setVersioning: setVersioning(owner),
    // With the caching front every GET goes through it, as through a CDN.
    ...(parsed.faults?.cacheFront ? { cachedGet: (key, o) => client.get(key, o) } : {}),
  };
}
