#!/usr/bin/env node
import type { Argv } from 'yargs';
import type { ImportFormat } from '../../checkers/linearizable/import/index.js';
import { MIN_PART_SIZE, S3_CLIENT_KINDS, type S3ClientKind } from '../targets/target.js';
import { EXIT, UserError } from '../util/errors.js';
import type { TargetConfig } from './target-config.js';

// A command's modules are loaded once the command is known (the targets and the AWS SDK are not
// needed to check a file), and the common `check FILES… [--json]` skips yargs (~60 ms to load).

/** What `check` needs to parse its flags and run. */
async function loadCheck() {
  const [imp, lin, reg, cmd] = await Promise.all([
    import('../../checkers/linearizable/import/index.js'),
    import('../../checkers/linearizable/registry.js'),
    import('../../checkers/registry.js'),
    import('./check-command.js'),
  ]);
  return { FORMATS: imp.FORMATS, modelNames: lin.modelNames, checkers: reg.checkers, checkCommand: cmd.checkCommand };
}

/** What `workload` and `probe` need to parse their flags and run. */
async function loadWorkload() {
  const [wl, values, nem, tgt, cmd] = await Promise.all([
    import('../../workloads/registry.js'),
    import('../../workloads/values.js'),
    import('../nemesis/registry.js'),
    import('../targets/registry.js'),
    import('./workload-command.js'),
  ]);
  return {
    workloads: wl.workloads,
    workloadFor: wl.workloadFor,
    DEFAULT_VALUE_SIZE: values.DEFAULT_VALUE_SIZE,
    nemeses: nem.nemeses,
    targets: tgt.targets,
    workloadCommand: cmd.workloadCommand,
  };
}
type WorkloadModules = Awaited<ReturnType<typeof loadWorkload>>;

/**
 * `check` with nothing but files and at most one --json: its files and flag, without yargs.
 * Anything else (another flag, a dash, no file) is undefined and goes through yargs, which
 * parses it, or refuses it with its usual message.
 */
function plainCheck(args: readonly string[]): { files: string[]; json: boolean } | undefined {
  if (args[0] !== 'check') return undefined;
  const files: string[] = [];
  let json = false;
  for (const a of args.slice(1)) {
    if (a === '--json' && !json) json = true;
    else if (a !== '' && !a.startsWith('-')) files.push(a);
    else return undefined;
  }
  return files.length > 0 ? { files, json } : undefined;
}

const positiveInt = (name: string) => (v: unknown) => {
  if (v === undefined) return v;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1) throw new UserError(`--${name} must be a whole number of at least 1, got ${show(v)}`);
  return v;
};
const positive = (name: string) => (v: unknown) => {
  if (v === undefined) return v;
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) throw new UserError(`--${name} must be a number above 0, got ${show(v)}`);
  return v;
};
const nonNegative = (name: string) => (v: unknown) => {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new UserError(`--${name} must be a number of at least 0, got ${show(v)}`);
  return v;
};
const osdCount = (v: unknown) => {
  if (v === undefined) return v;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1 || v > 9) throw new UserError(`--osds must be a whole number from 1 to 9, got ${show(v)}`);
  return v;
};
const nonNegativeOpt = (name: string) => (v: unknown) => (v === undefined ? v : nonNegative(name)(v));
const url = (name: string) => (v: unknown) => {
  if (v === undefined) return v;
  try {
    const u = new URL(String(v));
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('not http');
  } catch {
    throw new UserError(`--${name} must be an http:// or https:// URL, got ${show(v)}`);
  }
  return String(v);
};
function show(v: unknown): string {
  return typeof v === 'number' && Number.isNaN(v) ? 'a value that is not a number' : JSON.stringify(v);
}

/** The emulator's own flags, passed through to its parser (src/emulator/cli-args.ts), which checks them. */
const EMULATOR_OPTIONS = {
  consistency: { type: 'string', describe: 'strong | s3-legacy | quorum (default strong)' },
  replicas: { type: 'string', describe: 'quorum: replicas N' },
  'write-quorum': { type: 'string', describe: 'quorum: W' },
  'read-quorum': { type: 'string', describe: 'quorum: R' },
  'write-delay': { type: 'string', describe: 'quorum: write propagation delay, e.g. exp:50, uniform:1:10, pareto:1:1.5, mix:0.9*const:1,0.1*exp:50' },
  'ack-delay': { type: 'string', describe: 'quorum: ack delay' },
  'read-delay': { type: 'string', describe: 'quorum: read request delay' },
  'response-delay': { type: 'string', describe: 'quorum: read response delay' },
  'clock-skew': { type: 'string', describe: 'quorum: one clock offset a coordinator, ms (--clock-skew=0,-40)' },
  'read-repair': { type: 'boolean', describe: 'quorum: repair stale replicas after reads' },
  'stale-window': { type: 'string', describe: 's3-legacy: MIN:MAX ms that reads may be stale after an overwrite/delete' },
  'stale-probability': { type: 'string', describe: 's3-legacy: chance a read in that window is stale' },
  'negative-cache-window': { type: 'string', describe: 's3-legacy: MIN:MAX ms a 404 is still served after the first PUT' },
  'list-lag': { type: 'string', describe: 's3-legacy: MIN:MAX ms before LIST shows a write' },
  'drop-acked-writes': { type: 'string', describe: 'fault: chance an acknowledged write is lost' },
  'drop-mode': { type: 'string', describe: 'fault: nowhere | coordinator' },
  'single-replica-reads': { type: 'boolean', describe: 'fault (quorum): each read asks one random replica' },
  'cache-front': { type: 'boolean', describe: 'fault: a cache that honours Cache-Control max-age (the cache workload reads through it)' },
  'policy-delay': { type: 'string', describe: 'access control: bucket policy changes take effect MS after they were answered (the revocation workload)' },
  'replica-lag': { type: 'string', describe: 'also serve a read-only replica whose copy lags by this delay spec (the replication workload, with --read-target replica)' },
  'config-delay': { type: 'string', describe: 'bucket versioning changes govern writes MS after they were answered (the config workload)' },
  'key-state-delay': { type: 'string', describe: 'access control: disabling or enabling an access key takes effect MS after it was answered' },
  'ignore-conditions': { type: 'boolean', describe: 'fault: If-Match / If-None-Match on writes ignored (every conditional write succeeds)' },
  'data-dir': { type: 'string', describe: 'keep the store in this folder (a journal) and recover it at start; runs the emulator in a child process so --nemesis kill,pause apply (strong model)' },
  fsync: { type: 'string', choices: ['always', 'never'], describe: 'with --data-dir: always (default) syncs before acknowledging; never leaves it to the OS' },
  'ack-before-durable': { type: 'number', describe: 'with --data-dir: acknowledge writes at once and journal them this many ms later (a durability bug on purpose: a kill loses them)' },
  process: { type: 'boolean', describe: 'run the emulator in a child process (in memory unless --data-dir) so that --nemesis kill,pause apply' },
  'ground-truth': { type: 'boolean', describe: 'record what the emulator really did in ground-truth.jsonl of the run folder' },
} as const;

/** The emulator flags given, as the emulator's own command line. */
function emulatorFlags(argv: Record<string, unknown>): string[] {
  const flags: string[] = [];
  for (const [name, spec] of Object.entries(EMULATOR_OPTIONS)) {
    const v = argv[name];
    if (v === undefined || v === false || name === 'ground-truth') continue;
    if (argv.target !== 'emulator') throw new UserError(`--${name} applies to --target emulator only`);
    // "=" keeps a negative value (a clock skew) from reading as a flag.
    flags.push(spec.type === 'boolean' ? `--${name}` : `--${name}=${String(v)}`);
  }
  if (argv['ground-truth'] && argv.target !== 'emulator') throw new UserError('--ground-truth applies to --target emulator only');
  return flags;
}

/** Which store, and how to reach or start it: for every command that opens a target. */
function targetOptions(y: Argv, { targets }: WorkloadModules) {
  return y
    .option('target', { type: 'string', default: 'memory', choices: [...targets.keys()], describe: 'the store to test' })
    .option('op-timeout', { type: 'number', default: 5000, describe: 'ms before an operation is abandoned (a write then is indeterminate)', coerce: positive('op-timeout') })
    .option('bucket', { type: 'string', describe: 'bucket (S3-compatible targets); the run touches only objcheck/<run>/ in it' })
    .option('region', { type: 'string', describe: 'region (S3-compatible targets)' })
    .option('endpoint', { type: 'string', describe: 'S3-compatible endpoint URL (e.g. http://127.0.0.1:9000)', coerce: url('endpoint') })
    .option('create-bucket', { type: 'boolean', describe: 'create the bucket if it is missing (never done otherwise)' })
    .option('keep-objects', { type: 'boolean', default: false, describe: "leave the run's objects in the bucket (default: delete them at the end)" })
    .option('start', { type: 'boolean', default: false, describe: 'start the store first where the target knows how (minio: docker compose; rgw: a throwaway Ceph cluster)' })
    .option('osds', { type: 'number', describe: 'rgw --start: storage daemons (OSDs) in the cluster, 1 to 9 (default 1; with 3, writes need 2 copies)', coerce: osdCount })
    .option('netns', { type: 'boolean', default: false, describe: 'rgw --start: each daemon in a network namespace of its own, on a bridge objcheck makes, for the net-* faults (root only)' })
    .option('client', {
      type: 'string',
      choices: S3_CLIENT_KINDS,
      describe: "S3-compatible targets: the workers' client, lean (objcheck's own signed HTTP client, a fifth to a tenth of the SDK's CPU a request) or sdk (the AWS SDK v3) (default: lean)",
    })
    .options(EMULATOR_OPTIONS)
    .group(Object.keys(EMULATOR_OPTIONS), 'Emulator (--target emulator; see docs/emulator.md):');
}

/** The flags of targetOptions, as yargs parses them. */
type TargetArgs = {
  target: string;
  'op-timeout'?: number;
  bucket?: string;
  region?: string;
  endpoint?: string;
  'create-bucket'?: boolean;
  'keep-objects': boolean;
  start: boolean;
  osds?: number;
  netns: boolean;
  client?: string;
};

function targetConfig(argv: TargetArgs): TargetConfig {
  if (argv.client !== undefined && argv.target === 'memory') throw new UserError('--client applies to S3-compatible targets only');
  return {
    target: argv.target,
    opTimeout: argv['op-timeout']!,
    bucket: argv.bucket,
    region: argv.region,
    endpoint: argv.endpoint,
    createBucket: argv['create-bucket'],
    keepObjects: argv['keep-objects'],
    start: argv.start,
    osds: argv.osds,
    ...(argv.netns ? { netns: true } : {}),
    ...(argv.client !== undefined ? { client: argv.client as S3ClientKind } : {}),
    emulatorFlags: emulatorFlags(argv),
  };
}

function workloadOptions(y: Argv, work: WorkloadModules) {
  const { workloads, workloadFor, nemeses, DEFAULT_VALUE_SIZE } = work;
  return targetOptions(y, work)
    .option('workload', { type: 'string', default: 'register', choices: [...workloads.keys()], describe: 'what the workers do' })
    .option('concurrency', { type: 'number', default: 5, describe: 'workers (concurrent clients)', coerce: positiveInt('concurrency') })
    .option('time-limit', { type: 'number', describe: 'seconds to run (default 10 when --ops is not given)', coerce: positive('time-limit') })
    .option('ops', { type: 'number', describe: 'stop after starting this many operations', coerce: positiveInt('ops') })
    .option('rate', { type: 'number', describe: 'start at most this many operations a second, on a fixed schedule', coerce: positive('rate') })
    .option('keys', { type: 'number', default: 5, describe: 'distinct keys (objects) to spread operations over', coerce: positiveInt('keys') })
    .option('read-target', {
      type: 'string',
      describe: 'replication workload: where to read: replica (the target\'s own, e.g. the emulator with --replica-lag) or the URL of an S3-compatible endpoint serving the same bucket',
      coerce: (v: string | undefined) => {
        if (v === undefined || v === 'replica') return v;
        return url('read-target')(v);
      },
    })
    .option('baseline', { type: 'string', describe: 'known deviations (YAML or JSON: known: [{checker, kind, target, why}]): exit 0 when only these appear, 1 on anything new' })
    .option('lag-span', { type: 'number', describe: `pbs workload: reads are planned at lags spread uniformly over this many ms after each write (default 1000); make it longer than the window to be measured`, coerce: positive('lag-span') })
    .option('max-age', { type: 'number', describe: 'cache workload: the Cache-Control max-age its writes carry, in seconds (default 1)', coerce: nonNegativeOpt('max-age') })
    .option('mix', { type: 'string', describe: 'with --workload mixed: the parts and their weights, e.g. register=4,list=1,cas=1 (default: every workload, weight 1)' })
    .option('value-size', { type: 'number', default: DEFAULT_VALUE_SIZE, describe: 'bytes of each value written (self-verifying: an id and a checksum inside, padded to this size)', coerce: positiveInt('value-size') })
    .option('part-size', {
      type: 'number',
      describe: `S3-compatible targets: PUT values larger than this many bytes as multipart uploads of parts this size (at least ${MIN_PART_SIZE}, S3's smallest part)`,
      coerce: (v: unknown) => {
        if (v === undefined) return v;
        if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < MIN_PART_SIZE) throw new UserError(`--part-size must be a whole number of bytes of at least ${MIN_PART_SIZE} (5 MiB, S3's smallest part), got ${show(v)}`);
        return v;
      },
    })
    .option('seed', { type: 'number', describe: 'seed of the operation generator (default: random, recorded in run.json)' })
    .option('latency', { type: 'number', default: 1, describe: 'simulated mean latency in ms (memory target)', coerce: nonNegative('latency') })
    .option('check-timeout', { type: 'number', describe: 'seconds the linearizability check may take; undecided keys are then unknown', coerce: positive('check-timeout') })
    .option('max-memory', { type: 'number', describe: "MB the check of the run's history may use, as objcheck check --max-memory: a history too big to check whole within it (or V8's heap) is checked key by key", coerce: positive('max-memory') })
    .option('quiesce', { type: 'number', describe: 'after the run, seconds of quiet, then every worker reads every key until they agree (lost writes, convergence)', coerce: nonNegativeOpt('quiesce') })
    .option('nemesis', {
      type: 'string',
      describe: `faults to inject, comma-separated: ${[...nemeses.keys()].join(', ')}`,
      coerce: (v: string | undefined) => {
        if (v === undefined) return [];
        const names = v.split(',').map((x) => x.trim()).filter(Boolean);
        for (const n of names) if (!nemeses.has(n)) throw new UserError(`--nemesis: no fault named ${JSON.stringify(n)}; known: ${[...nemeses.keys()].join(', ')}`);
        return names;
      },
    })
    .option('probe', { type: 'boolean', default: false, describe: "first check the store against S3's documented rules (objcheck probe); the table goes in run.json and the report" })
    .option('nemesis-interval', { type: 'number', default: 2, describe: 'seconds each fault lasts, and each quiet period between faults', coerce: positive('nemesis-interval') })
    .option('results', { type: 'string', default: 'results', describe: 'folder that holds the run folders' })
    .option('name', { type: 'string', describe: 'run folder name (default: <workload>-<target>-<UTC time>, the --start-at time when given)' })
    .option('shard', { type: 'string', describe: 'run shard I of N (I from 0): process numbers of its own, its folder <results>/<name>/shard-I; join the shards with objcheck merge' })
    .option('start-at', { type: 'string', describe: 'ISO time (e.g. 2026-12-07T05:30:00Z) at which the workers start: the same for every shard, so that they overlap' })
    .option('keys-mode', { type: 'string', choices: ['shared', 'disjoint'], describe: 'with --shard: every shard on the same keys (shared, the default: anomalies across clients) or each on its own (disjoint: exact checks)' })
    .option('clock-error-ms', { type: 'number', describe: "bound on this machine's clock error in ms, for objcheck merge (default: chrony's, when chronyc answers)", coerce: nonNegativeOpt('clock-error-ms') })
    .option('clock-offset-ms', { type: 'number', describe: 'TEST ONLY: shift this run\'s wall-clock anchor by so many ms, as a clock that is off would (to see what ε is for)' })
    .option('upload', { type: 'string', describe: "with --shard: put the shard's folder in s3://bucket/prefix/<name>/shard-I/ (credentials: the AWS default chain), where objcheck merge s3://bucket/prefix/<name> finds it" })
    .option('upload-endpoint', { type: 'string', describe: 'an S3-compatible endpoint for --upload (default: AWS)', coerce: url('upload-endpoint') })
    .group(['shard', 'start-at', 'keys-mode', 'clock-error-ms', 'clock-offset-ms', 'upload', 'upload-endpoint'], 'Shards (many machines, one test; see docs/architecture.md):')
    .check((argv) => {
      if (argv['read-target'] !== undefined && argv.workload !== 'replication') throw new UserError('--read-target applies to --workload replication only');
      if (argv['lag-span'] !== undefined && argv.workload !== 'pbs') throw new UserError('--lag-span applies to --workload pbs only');
      // pbs starts each op at its planned time; a fixed --rate schedule would move them all.
      if (argv.rate !== undefined && argv.workload === 'pbs') throw new UserError('--rate does not apply to --workload pbs: its ops start at planned times (--keys and --lag-span set its pace)');
      if (argv.mix !== undefined) {
        try {
          workloadFor(argv.workload, argv.mix);
        } catch (err) {
          throw new UserError(`--mix: ${(err as Error).message}`);
        }
      }
      if (argv['keys-mode'] !== undefined && argv.shard === undefined) throw new UserError('--keys-mode applies with --shard only');
      if (argv.upload !== undefined && argv.shard === undefined) throw new UserError('--upload applies with --shard only');
      if (argv['upload-endpoint'] !== undefined && argv.upload === undefined) throw new UserError('--upload-endpoint applies with --upload only');
      if (argv['clock-offset-ms'] !== undefined && !Number.isFinite(argv['clock-offset-ms'])) throw new UserError(`--clock-offset-ms must be a number of ms, got ${show(argv['clock-offset-ms'])}`);
      if (argv.seed !== undefined && !(Number.isSafeInteger(argv.seed) && argv.seed >= 0 && argv.seed < 2 ** 32)) {
        throw new UserError(`--seed must be a whole number from 0 to 4294967295, got ${show(argv.seed)}`);
      }
      return true;
    });
}

export async function main(args: string[]): Promise<number> {
  const plain = plainCheck(args);
  if (plain) {
    const { checkCommand } = await import('./check-command.js');
    return checkCommand(plain);
  }
  // Stays undefined when no command ran, which after a successful parse means --help.
  let code: number | undefined;
  const [{ default: yargs }, check, work] = await Promise.all([
    import('yargs'),
    args[0] === 'workload' || args[0] === 'probe' || args[0] === 'report' || args[0] === 'merge' ? undefined : loadCheck(),
    args[0] === 'check' || args[0] === 'report' || args[0] === 'merge' ? undefined : loadWorkload(),
  ]);
  const parser = yargs(args)
    .scriptName('objcheck')
    .usage('$0 <command> [options]\n\nA Jepsen-style consistency tester for object stores.')
    .command(
      'workload',
      'run a workload against a target, record its history, check it',
      (y) => workloadOptions(y, work!),
      async (argv) => {
        const { workloadCommand } = work!;
        const timeLimit = argv['time-limit'] ?? (argv.ops === undefined ? 10 : undefined);
        code = await workloadCommand({
          ...targetConfig(argv),
          workload: argv.workload,
          mix: argv.mix,
          concurrency: argv.concurrency!,
          timeLimit,
          ops: argv.ops,
          rate: argv.rate,
          keys: argv.keys!,
          maxAge: argv['max-age'],
          lagSpanMs: argv['lag-span'],
          ...(argv.baseline !== undefined ? { baseline: await loadBaseline(argv.baseline) } : {}),
          readTarget: argv['read-target'],
          valueSize: argv['value-size']!,
          partSize: argv['part-size'],
          seed: argv.seed ?? Math.floor(Math.random() * 2 ** 32),
          latency: argv.latency,
          checkTimeout: argv['check-timeout'],
          ...(argv['max-memory'] !== undefined ? { maxMemoryMb: argv['max-memory'] } : {}),
          groundTruth: argv['ground-truth'] === true,
          probe: argv.probe,
          quiesce: argv.quiesce,
          nemesis: (argv.nemesis as string[] | undefined) ?? [],
          nemesisInterval: argv['nemesis-interval']!,
          results: argv.results,
          name: argv.name,
          ...(await shardOptions(argv)),
        });
      },
    )
    .command(
      'check <files..>',
      're-run the checkers on stored histories (run folders or history.jsonl files)',
      (y) => {
        const { FORMATS, modelNames, checkers } = check!;
        return y
          .positional('files', { type: 'string', array: true, demandOption: true, describe: 'run folders or history files' })
          .option('json', { type: 'boolean', default: false, describe: 'one JSON object a line per file' })
          .option('report', { type: 'boolean', default: false, describe: "also write each run folder's report.html (results.json is always written)" })
          .option('baseline', { type: 'string', describe: 'known deviations (YAML or JSON: known: [{checker, kind, target, why}]): exit 0 when only these appear, 1 on anything new' })
          .option('format', { type: 'string', choices: [...FORMATS], describe: 'history format (default: detected from each file)' })
          .option('model', { type: 'string', choices: modelNames(), describe: "linearizability model (default: the format's; register for ours)" })
          .option('check-timeout', { type: 'number', describe: 'seconds the linearizability check may take; undecided keys are then unknown', coerce: positive('check-timeout') })
          .option('max-memory', {
            type: 'number',
            describe: "MB the check of a big history may use (with --checkers linearizable: its ops spill to a temporary folder past an eighth of it, and the search's cache gets a quarter); a key that would take more is unknown, saying so; a history too big to check whole within it gets the checkers that take a key at a time (the register workload's, lost-writes, create-once, read-after-create, mutual-exclusion, a mixed run's parts), the others unknown (default: a quarter of the machine's memory, at most 2 GiB; past it a history is checked key by key when every checker can be, whole otherwise, as V8's heap allows)",
            coerce: positive('max-memory'),
          })
          .option('checkers', {
            type: 'string',
            describe: `comma-separated checkers (default: the workload's); one of ${[...checkers.keys()].join(', ')}`,
            coerce: (v: string | undefined) => {
              if (v === undefined) return v;
              const names = v.split(',').map((s) => s.trim()).filter(Boolean);
              for (const n of names) if (!checkers.has(n)) throw new UserError(`--checkers: no checker named ${JSON.stringify(n)}; known: ${[...checkers.keys()].join(', ')}`);
              return names;
            },
          });
      },
      async (argv) => {
        code = await check!.checkCommand({
          files: argv.files as string[],
          json: argv.json,
          report: argv.report,
          checkers: argv.checkers,
          format: argv.format as ImportFormat | undefined,
          model: argv.model,
          checkTimeout: argv['check-timeout'],
          ...(argv['max-memory'] !== undefined ? { maxMemoryMb: argv['max-memory'] } : {}),
          ...(argv.baseline !== undefined ? { baseline: await loadBaseline(argv.baseline) } : {}),
        });
      },
    )
    .command(
      'baseline <run>',
      "write a baseline that knows every anomaly of a run (for --baseline): one entry per checker and kind, on the run's target",
      (y) => y.positional('run', { type: 'string', describe: 'a run folder (results.json and run.json inside)' }).option('out', { type: 'string', describe: 'write it here (default: print it)' }),
      async (argv) => {
        const { baselineCommand } = await import('./baseline-command.js');
        code = baselineCommand(argv.run!, argv.out);
      },
    )
    // yargs turns a flag given twice into a list (and its 'last one wins' setting breaks
    // variadic positionals, yargs#2011): refuse it plainly instead.
    .check((argv) => {
      for (const [key, value] of Object.entries(argv)) {
        if (key !== '_' && key !== 'files' && key !== 'folders' && key !== 'checkers' && key !== 'nemesis' && key !== 'runs' && !/[A-Z]/.test(key) && Array.isArray(value)) throw new UserError(`--${key} was given more than once`);
      }
      return true;
    })
    .command(
      'probe',
      "check a store against S3's documented rules, one client at a time: expected beside observed",
      (y) => targetOptions(y, work!).option('json', { type: 'boolean', default: false, describe: 'one JSON object a line: check, expected, observed, ok' }),
      async (argv) => {
        const { probeCommand } = await import('./probe-command.js');
        code = await probeCommand({ ...targetConfig(argv), json: argv.json });
      },
    )
    .command(
      'merge <folders..>',
      'join the shards of one test (objcheck workload --shard) into one run: one history on one timeline, checked and reported',
      (y) =>
        y
          .positional('folders', { type: 'string', array: true, demandOption: true, describe: 'shard folders (<run>/shard-I), or the run folder that holds them, or s3://bucket/prefix/<name> (what --upload put there)' })
          .option('out', { type: 'string', demandOption: true, describe: 'the merged run folder to write (new, or empty)' })
          .option('check-timeout', { type: 'number', describe: 'seconds the linearizability check may take; undecided keys are then unknown', coerce: positive('check-timeout') })
          .option('upload', { type: 'string', describe: 'also put the merged run folder in s3://bucket/prefix/<name of --out>/' })
          .option('upload-endpoint', { type: 'string', describe: 'an S3-compatible endpoint for s3:// folders and --upload (default: AWS)', coerce: url('upload-endpoint') })
          .option('clock-error-ms', {
            type: 'number',
            describe: "take every shard's clock error ε as this many ms instead of its run.json's (a what-if: 0 shows what the merge would claim with no bound; below the truth it is unsound)",
            coerce: nonNegativeOpt('clock-error-ms'),
          }),
      async (argv) => {
        const { mergeCommand } = await import('./merge-command.js');
        code = await mergeCommand({
          folders: argv.folders as string[],
          out: argv.out,
          checkTimeout: argv['check-timeout'],
          ...(argv['clock-error-ms'] !== undefined ? { clockErrorMs: argv['clock-error-ms'] } : {}),
          ...(argv['upload-endpoint'] !== undefined ? { uploadEndpoint: argv['upload-endpoint'] } : {}),
          ...(argv.upload !== undefined ? { upload: argv.upload } : {}),
        });
      },
    )
    .command(
      'report [runs..]',
      'write report.html for run folders (and JUnit XML), or the index of all runs',
      (y) =>
        y
          .positional('runs', { type: 'string', array: true, describe: 'run folders' })
          .option('junit', { type: 'string', describe: 'also write JUnit XML for these runs to FILE (one test case per checker)' })
          .option('index', { type: 'string', describe: 'also (re)write <results dir>/index.html, every run newest first' }),
      async (argv) => {
        const { reportCommand } = await import('../report/main.js');
        code = await reportCommand({ runs: (argv.runs as string[] | undefined) ?? [], junit: argv.junit, index: argv.index });
      },
    )
    .demandCommand(1, 'name a command: workload, check, baseline, probe, report or merge')
    .strict()
    .help()
    .alias('help', 'h')
    .version(false)
    .wrap(Math.min(100, process.stdout.columns || 100))
    .exitProcess(false)
    .fail((msg, err) => {
      // yargs wraps what a coerce function throws in its own YError: still the user's mistake.
      if (err && err.name !== 'YError' && !(err instanceof UserError)) throw err;
      throw new UserError(inUserWords((err?.message ?? msg).replace(/\s*\n\s*/g, ' '), args));
    });
  await parser.parseAsync();
  return code ?? EXIT.valid;
}

/** --shard, --start-at, --keys-mode and the clock flags, parsed (src/runner/shard.ts says what they mean). */
async function shardOptions(argv: { shard?: string; 'start-at'?: string; 'keys-mode'?: string; 'clock-error-ms'?: number; 'clock-offset-ms'?: number; upload?: string; 'upload-endpoint'?: string }) {
  const { parseShard, parseStartAt } = await import('../runner/shard.js');
  if (argv.upload !== undefined) (await import('../runner/s3-folder.js')).parseS3Uri(argv.upload, '--upload');
  return {
    ...(argv.upload !== undefined ? { upload: argv.upload } : {}),
    ...(argv['upload-endpoint'] !== undefined ? { uploadEndpoint: argv['upload-endpoint'] } : {}),
    ...(argv.shard !== undefined ? { shard: parseShard(argv.shard), keysMode: (argv['keys-mode'] ?? 'shared') as 'shared' | 'disjoint' } : {}),
    ...(argv['start-at'] !== undefined ? { startAt: parseStartAt(argv['start-at']) } : {}),
    ...(argv['clock-error-ms'] !== undefined ? { clockErrorMs: argv['clock-error-ms'] } : {}),
    ...(argv['clock-offset-ms'] !== undefined ? { clockOffsetMs: argv['clock-offset-ms'] } : {}),
  };
}

/** Reads --baseline before anything runs: a bad file is a usage error, not a failed run. */
async function loadBaseline(file: string) {
  const { readBaseline } = await import('../check/baseline.js');
  return readBaseline(file);
}

/**
 * yargs's messages in the words of the command line: "Unknown arguments: bogus-flag, bogusFlag"
 * (yargs lists each option under both spellings, and stray words the same way) becomes "unknown
 * option --bogus-flag" or "unexpected argument "extra"", with where the options are listed.
 */
export function inUserWords(message: string, args: readonly string[]): string {
  const command = args[0];
  const help = command && ['workload', 'check', 'baseline', 'probe', 'report', 'merge'].includes(command) ? `objcheck ${command} --help` : 'objcheck --help';
  if (/^Not enough non-option arguments/.test(message) && command === 'check') return `objcheck check needs at least one history file or run folder (${help})`;
  const invalid = /^Invalid values?: Argument: ([\w-]+), Given: (.*?), Choices: (.*)$/.exec(message);
  if (invalid) return `--${invalid[1]} ${invalid[2]} is not one of ${invalid[3]!.replace(/"/g, '')}`;
  const unknown = /^Unknown arguments?: (.*)$/.exec(message);
  if (!unknown) return message;
  const given = unknown[1]!.split(', ').filter((a) => a !== '');
  // yargs adds the camelCase twin of a dashed option: keep the spelling the user typed.
  const names = given.filter((a) => !(/[A-Z]/.test(a) && given.includes(a.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`))));
  const typedAsOption = (a: string) => args.some((x) => x === `--${a}` || x.startsWith(`--${a}=`) || x === `-${a}`);
  const options = names.filter(typedAsOption).map((a) => (a.length === 1 ? `-${a}` : `--${a}`));
  const stray = names.filter((a) => !typedAsOption(a)).map((a) => JSON.stringify(a));
  const parts = [
    ...(options.length > 0 ? [`unknown ${options.length === 1 ? 'option' : 'options'} ${options.join(', ')}`] : []),
    ...(stray.length > 0 ? [`unexpected ${stray.length === 1 ? 'argument' : 'arguments'} ${stray.join(', ')}`] : []),
  ];
  return `${parts.join('; ')} (${help} lists the options)`;
}

// The reader of our output went away (`objcheck check … | head`): nothing more can be said, and
// that is not a crash. Exit 2: the verdict was not delivered in full.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code !== 'EPIPE') throw err;
  process.exit(EXIT.unknown);
});

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    if (err instanceof UserError) {
      process.stderr.write(`error: ${err.message}\n`);
      process.exitCode = err.exitCode;
    } else {
      // Not the user's mistake: a bug of ours. Show everything needed to report it.
      process.stderr.write(`internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exitCode = EXIT.usage;
    }
  },
);
