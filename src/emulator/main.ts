#!/usr/bin/env node
// The emulator as a standalone server, for tools other than objcheck (AWS CLI, rclone...).
import { parseCliArgs, USAGE } from './cli-args.js';
import { startEmulator } from './index.js';
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
  const emulator = await startEmulator(parsed.options);
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

main().then(
  (code) => process.exit(code),
  (e) => {
    process.stderr.write(`objcheck-emulator: ${(e as Error).stack ?? String(e)}\n`);
    process.exit(1);
  },
);
