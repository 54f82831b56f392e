import { parseArgs } from 'node:util';
import { CONSISTENCY_MODELS, OptionsError, type ConsistencyModelName, type ConsistencyOptions, type EmulatorOptions, type KeyPair } from './options.js';
import type { MsRange } from './models/s3-legacy.js';

export const USAGE = `Usage: objcheck-emulator [options]

An S3-compatible server with tunable consistency, on a loopback port.

  --port N                 port (default 9000; 0 picks a free one)
  --host ADDR              address to bind (default 127.0.0.1)
  --region NAME            region clients must sign for (default us-east-1)
  --seed N                 seed of every random choice (default 1)
  --key ID:SECRET          a key pair (repeatable; default objcheck:objcheck-secret)
  --user ID:USER_ID[:NAME] the canonical user id (and display name) of key ID, which owners
                           and ACL grants name (repeatable; default: the key id itself)
  --bucket NAME            a bucket to create at start (repeatable)
  --consistency MODEL      strong | s3-legacy | quorum (default strong)

  s3-legacy:
  --stale-window MIN:MAX           ms after an overwrite/delete that reads may be stale (50:500)
  --stale-probability P            chance a read inside that window is stale (0.5)
  --negative-cache-window MIN:MAX  ms a 404 keeps being served after the key is created (50:500)
  --list-lag MIN:MAX               ms before LIST reflects a write (50:500)

  quorum:
  --replicas N, --write-quorum W, --read-quorum R   (default 3, 1, 1: eventually consistent)
  --write-delay SPEC, --ack-delay SPEC, --read-delay SPEC, --response-delay SPEC
                           per-message delays, e.g. exp:5, uniform:1:10, pareto:1:1.5,
                           mix:0.9*const:1,0.1*exp:50 (default: write exp:5, others 0)
  --clock-skew=MS,MS,...   one clock offset per coordinator (use "=" for negative values)
  --read-repair            send the newest version to stale replicas after a read

  faults:
  --drop-acked-writes P    chance that an acknowledged write is lost
  --drop-mode MODE         nowhere (never applied) | coordinator (applied on one copy, then lost)
  --loss-after-ms N        how long a coordinator-mode lost write lives (default 50)
  --single-replica-reads   quorum: each read asks one random replica
  --cache-front            a cache that honours Cache-Control max-age
  --ignore-conditions      If-Match / If-None-Match on writes ignored: every conditional write succeeds

  access control (the first --key owns everything; the others need a bucket policy):
  --policy-delay MS        bucket policy changes govern requests MS after they were answered
  --key-state-delay MS     disabling or enabling a key takes effect MS after it was answered

  --config-delay MS        bucket configuration (versioning) changes govern writes MS after
                           they were answered (default 0)
  --replica-lag SPEC       also serve a read-only replica on another port; each write reaches
                           it after a lag drawn from SPEC (a delay spec: 300, exp:50, ...)

  persistence (strong only):
  --data-dir DIR           keep the store in DIR (a journal) and recover it at start
  --fsync always|never     always (default): fdatasync before acknowledging a write;
                           never: leave it to the OS (survives a kill, not a power cut)
  --ack-before-durable MS  acknowledge writes at once and journal them MS later, so that
                           a kill loses acknowledged writes (a durability bug on purpose)

  --ground-truth FILE      log what really happened as JSON lines
  --exit-with-stdin        exit when stdin closes (a parent that starts us and dies)
  --help`;

const MODEL_FLAGS: Record<string, ConsistencyModelName> = {
  'stale-window': 's3-legacy',
  'stale-probability': 's3-legacy',
  'negative-cache-window': 's3-legacy',
  'list-lag': 's3-legacy',
  replicas: 'quorum',
  'write-quorum': 'quorum',
  'read-quorum': 'quorum',
  'write-delay': 'quorum',
  'ack-delay': 'quorum',
  'read-delay': 'quorum',
  'response-delay': 'quorum',
  'clock-skew': 'quorum',
  'read-repair': 'quorum',
};

function number(text: string, flag: string): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n)) throw new OptionsError(`--${flag} needs a number, got "${text}"`);
  return n;
}

function msRange(text: string, flag: string): MsRange {
  const parts = text.split(':');
  if (parts.length === 1) return [number(parts[0]!, flag), number(parts[0]!, flag)];
  if (parts.length !== 2) throw new OptionsError(`--${flag} needs MIN:MAX in ms, got "${text}"`);
  return [number(parts[0]!, flag), number(parts[1]!, flag)];
}

function keyPair(text: string): KeyPair {
  const colon = text.indexOf(':');
  if (colon <= 0 || colon === text.length - 1) throw new OptionsError(`--key needs ID:SECRET, got "${text}"`);
  return { accessKeyId: text.slice(0, colon), secretAccessKey: text.slice(colon + 1) };
}

/** --user KEY_ID:USER_ID[:DISPLAY NAME], applied to the --key pair it names. */
function withUsers(keys: KeyPair[], users: string[]): KeyPair[] {
  for (const text of users) {
    const [id, userId, ...name] = text.split(':');
    const key = keys.find((k) => k.accessKeyId === id);
    if (!key || !userId) throw new OptionsError(`--user needs KEY_ID:USER_ID[:DISPLAY NAME] for a key given with --key, got "${text}"`);
    key.userId = userId;
    if (name.length > 0) key.displayName = name.join(':');
  }
  return keys;
}

export interface CliResult {
  help: boolean;
  options: EmulatorOptions;
  /** Not an emulator option: how main.ts lives as a child process. */
  exitWithStdin: boolean;
}

/** Turns the command line into emulator options; every mistake is an OptionsError with the flag named. */
export function parseCliArgs(argv: string[]): CliResult {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        help: { type: 'boolean' },
        port: { type: 'string' },
        host: { type: 'string' },
        region: { type: 'string' },
        seed: { type: 'string' },
        key: { type: 'string', multiple: true },
        user: { type: 'string', multiple: true },
        bucket: { type: 'string', multiple: true },
        consistency: { type: 'string' },
        'stale-window': { type: 'string' },
        'stale-probability': { type: 'string' },
        'negative-cache-window': { type: 'string' },
        'list-lag': { type: 'string' },
        replicas: { type: 'string' },
        'write-quorum': { type: 'string' },
        'read-quorum': { type: 'string' },
        'write-delay': { type: 'string' },
        'ack-delay': { type: 'string' },
        'read-delay': { type: 'string' },
        'response-delay': { type: 'string' },
        'clock-skew': { type: 'string' },
        'read-repair': { type: 'boolean' },
        'drop-acked-writes': { type: 'string' },
        'drop-mode': { type: 'string' },
        'loss-after-ms': { type: 'string' },
        'single-replica-reads': { type: 'boolean' },
        'cache-front': { type: 'boolean' },
        'policy-delay': { type: 'string' },
        'key-state-delay': { type: 'string' },
        'config-delay': { type: 'string' },
        'replica-lag': { type: 'string' },
        'ignore-conditions': { type: 'boolean' },
        'ground-truth': { type: 'string' },
        'virtual-host-suffix': { type: 'string' },
        'max-object-bytes': { type: 'string' },
        'data-dir': { type: 'string' },
        fsync: { type: 'string' },
        'ack-before-durable': { type: 'string' },
        'exit-with-stdin': { type: 'boolean' },
      },
    });
  } catch (e) {
    throw new OptionsError((e as Error).message);
  }
  const v = parsed.values;
  if (v.help) return { help: true, options: {}, exitWithStdin: false };
  const model = (v.consistency ?? 'strong') as ConsistencyModelName;
  if (!CONSISTENCY_MODELS.includes(model)) throw new OptionsError(`--consistency must be one of ${CONSISTENCY_MODELS.join(', ')}`);
  for (const [flag, owner] of Object.entries(MODEL_FLAGS)) {
    if ((v as Record<string, unknown>)[flag] !== undefined && owner !== model) throw new OptionsError(`--${flag} applies to --consistency ${owner}`);
  }

  let consistency: ConsistencyOptions;
  if (model === 's3-legacy') {
    consistency = {
      model,
      ...(v['stale-window'] !== undefined ? { staleWindowMs: msRange(v['stale-window'], 'stale-window') } : {}),
      ...(v['stale-probability'] !== undefined ? { staleReadProbability: number(v['stale-probability'], 'stale-probability') } : {}),
      ...(v['negative-cache-window'] !== undefined ? { negativeCacheWindowMs: msRange(v['negative-cache-window'], 'negative-cache-window') } : {}),
      ...(v['list-lag'] !== undefined ? { listLagMs: msRange(v['list-lag'], 'list-lag') } : {}),
    };
  } else if (model === 'quorum') {
    const delays = {
      ...(v['write-delay'] !== undefined ? { writePropagation: v['write-delay'] } : {}),
      ...(v['ack-delay'] !== undefined ? { ack: v['ack-delay'] } : {}),
      ...(v['read-delay'] !== undefined ? { readRequest: v['read-delay'] } : {}),
      ...(v['response-delay'] !== undefined ? { readResponse: v['response-delay'] } : {}),
    };
    // In the flags' own words here: options.ts checks the same for library callers, in theirs.
    const replicas = v.replicas !== undefined ? number(v.replicas, 'replicas') : 3;
    if (!Number.isInteger(replicas) || replicas < 1) throw new OptionsError(`--replicas must be a whole number of at least 1, got ${v.replicas}`);
    for (const flag of ['write-quorum', 'read-quorum'] as const) {
      if (v[flag] === undefined) continue;
      const q = number(v[flag], flag);
      if (!Number.isInteger(q) || q < 1 || q > replicas) {
        throw new OptionsError(`--${flag} must be a whole number from 1 to --replicas (${replicas}${v.replicas === undefined ? ', the default' : ''}), got ${v[flag]}`);
      }
    }
    consistency = {
      model,
      ...(v.replicas !== undefined ? { replicas: number(v.replicas, 'replicas') } : {}),
      ...(v['write-quorum'] !== undefined ? { writeQuorum: number(v['write-quorum'], 'write-quorum') } : {}),
      ...(v['read-quorum'] !== undefined ? { readQuorum: number(v['read-quorum'], 'read-quorum') } : {}),
      delays,
      ...(v['clock-skew'] !== undefined ? { coordinatorSkewsMs: v['clock-skew'].split(',').map((s) => number(s, 'clock-skew')) } : {}),
      ...(v['read-repair'] ? { readRepair: true } : {}),
    };
  } else {
    consistency = { model };
  }

  const dropMode = v['drop-mode'];
  if (dropMode !== undefined && dropMode !== 'nowhere' && dropMode !== 'coordinator') throw new OptionsError('--drop-mode must be nowhere or coordinator');
  const fsync = v.fsync;
  if (fsync !== undefined && fsync !== 'always' && fsync !== 'never') throw new OptionsError('--fsync must be always or never');
  if (v['data-dir'] === undefined && (fsync !== undefined || v['ack-before-durable'] !== undefined)) {
    throw new OptionsError(`--${fsync !== undefined ? 'fsync' : 'ack-before-durable'} needs --data-dir`);
  }
  if (v.user && !v.key) throw new OptionsError('--user names a key given with --key');
  const options: EmulatorOptions = {
    port: v.port !== undefined ? number(v.port, 'port') : 9000,
    ...(v.host !== undefined ? { host: v.host } : {}),
    ...(v.region !== undefined ? { region: v.region } : {}),
    ...(v.seed !== undefined ? { seed: number(v.seed, 'seed') } : {}),
    ...(v.key ? { keys: withUsers(v.key.map(keyPair), v.user ?? []) } : {}),
    ...(v.bucket ? { buckets: v.bucket } : {}),
    consistency,
    faults: {
      ...(v['drop-acked-writes'] !== undefined ? { dropAckedWrites: number(v['drop-acked-writes'], 'drop-acked-writes') } : {}),
      ...(dropMode !== undefined ? { dropMode } : {}),
      ...(v['loss-after-ms'] !== undefined ? { lossAfterMs: number(v['loss-after-ms'], 'loss-after-ms') } : {}),
      ...(v['single-replica-reads'] ? { singleReplicaReads: true } : {}),
      ...(v['cache-front'] ? { cacheFront: true } : {}),
      ...(v['ignore-conditions'] ? { ignoreConditions: true } : {}),
    },
    ...(v['policy-delay'] !== undefined || v['key-state-delay'] !== undefined
      ? {
          accessControl: {
            ...(v['policy-delay'] !== undefined ? { policyDelayMs: number(v['policy-delay'], 'policy-delay') } : {}),
            ...(v['key-state-delay'] !== undefined ? { keyStateDelayMs: number(v['key-state-delay'], 'key-state-delay') } : {}),
          },
        }
      : {}),
    ...(v['replica-lag'] !== undefined ? { replicaLag: v['replica-lag'] } : {}),
    ...(v['config-delay'] !== undefined ? { configDelayMs: number(v['config-delay'], 'config-delay') } : {}),
    ...(v['ground-truth'] !== undefined ? { groundTruth: { jsonlPath: v['ground-truth'] } } : {}),
    ...(v['virtual-host-suffix'] !== undefined ? { virtualHostSuffix: v['virtual-host-suffix'] } : {}),
    ...(v['max-object-bytes'] !== undefined ? { maxObjectBytes: number(v['max-object-bytes'], 'max-object-bytes') } : {}),
    ...(v['data-dir'] !== undefined
      ? {
          persistence: {
            dataDir: v['data-dir'],
            ...(fsync !== undefined ? { fsync } : {}),
            ...(v['ack-before-durable'] !== undefined ? { ackBeforeDurableMs: number(v['ack-before-durable'], 'ack-before-durable') } : {}),
          },
        }
      : {}),
  };
  return { help: false, options, exitWithStdin: v['exit-with-stdin'] ?? false };
}
