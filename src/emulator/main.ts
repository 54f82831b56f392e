#!/usr/bin/env node
// The emulator as a standalone server, for tools other than objcheck (AWS CLI, rclone...).
import { parseCliArgs, USAGE } from './cli-args.js';
import { startEmulator } from './index.js';
import { S3Error } from './errors.js';
import { OptionsError, resolveOptions } from './options.js';

async function main(): Promise<number> {
  let parsed;
  try {
    parsed = parseCliArgs(process.argv.slice(2));
    if (!parsed.help) resolveOptions(parsed.options);
  } catch (e) {
    if (!(e instanceof OptionsError)) throw e;
    process.stderr.write(`objcheck-emulator: ${e.message}\n${USAGE}\n`);
    return 3;
  }
  if (parsed.help) {
    process.stdout.write(USAGE + '\n');
    return 0;
  }
  let emulator;
  try {
    emulator = await startEmulator(parsed.options);
  } catch (e) {
    // What the user asked for cannot be: one line, not a stack trace.
    const why = userMistake(e, parsed.options);
    if (why === undefined) throw e;
    process.stderr.write(`objcheck-emulator: ${why}\n`);
    return 3;
  }
  const d = emulator.describe();
  const keys = resolveOptions(parsed.options).keys.map((k) => k.accessKeyId);
  // Access key ids and where their secrets came from, never a secret: this output ends up in logs.
  const from = parsed.options.keys === undefined ? 'secret: the default pair, see --help' : 'secrets: as given with --key';
  process.stdout.write(
    `objcheck emulator listening on ${emulator.endpoint} (region ${emulator.region}, consistency ${JSON.stringify(d.consistency)}, seed ${d.seed})\n` +
      `access key${keys.length === 1 ? '' : 's'} ${keys.join(', ')} (${from})\n`,
  );
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    // A harness that starts us as its child may die without a word: its end of our stdin closing is the sign.
    if (parsed.exitWithStdin) process.stdin.on('end', stop).on('error', stop).resume();
  });
  await emulator.close();
  return 0;
}

/** The flag a failed start is the user's mistake in, said plainly; undefined for a bug. */
function userMistake(e: unknown, options: { port?: number; host?: string; buckets?: string[] }): string | undefined {
  if (e instanceof S3Error && e.code === 'InvalidBucketName') {
    return `--bucket: ${(options.buckets ?? []).map((b) => JSON.stringify(b)).join(', ')}: ${e.message} (3 to 63 lower-case letters, digits, dots and hyphens, starting and ending with a letter or digit)`;
  }
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE') return `--port ${options.port ?? 9000} is in use on ${options.host ?? '127.0.0.1'}: pick another, or --port 0 for a free one`;
  if (code === 'EADDRNOTAVAIL' || code === 'EACCES') return `cannot listen on ${options.host ?? '127.0.0.1'}:${options.port ?? 9000} (${code}): check --host and --port`;
  return undefined;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    process.stderr.write(`objcheck-emulator: ${(e as Error).stack ?? String(e)}\n`);
    process.exit(1);
  },
);
