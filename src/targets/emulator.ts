import { UserError } from '../cli/errors.js';
import { openS3Target } from './s3-target.js';
import type { Target } from './target.js';

const BUCKET = 'objcheck';

/**
 * Our S3 emulator, started in this process on a loopback port, with the consistency model and
 * faults the run asks for: a store whose behaviour, and ground truth, we control.
 */
export const emulatorTarget: Target = {
  name: 'emulator',
  description: 'the built-in S3 emulator over HTTP on a loopback port (--consistency strong|s3-legacy|quorum and its knobs)',
  async open(options) {
    // Loaded on use: a check or a memory run need not load an HTTP server and its signer.
    const [{ parseCliArgs }, { OptionsError, startEmulator }] = await Promise.all([import('../emulator/cli-args.js'), import('../emulator/index.js')]);
    let parsed;
    try {
      parsed = parseCliArgs(options.emulatorFlags ?? []).options;
    } catch (err) {
      if (err instanceof OptionsError) throw new UserError(err.message);
      throw err;
    }
    const emulator = await startEmulator({
      ...parsed,
      port: 0,
      host: '127.0.0.1',
      seed: options.seed,
      buckets: [BUCKET],
      ...(options.groundTruth ? { groundTruth: { jsonlPath: options.groundTruth.path, origin: options.groundTruth.origin } } : {}),
    });
    return openS3Target(
      {
        target: 'emulator',
        endpoint: emulator.endpoint,
        region: emulator.region,
        bucket: BUCKET,
        forcePathStyle: true,
        credentials: emulator.credentials,
        extra: { emulator: emulator.describe() },
        onClose: () => emulator.close(),
      },
      options,
    );
  },
};
