import type { OpenTarget, S3ClientKind, Target, TargetOptions } from '../targets/target.js';
import { UserError } from '../util/errors.js';

/** Which store and how to reach or start it: what every command that opens a target is told. */
export interface TargetConfig {
  target: string;
  /** Milliseconds. */
  opTimeout: number;
  bucket?: string;
  region?: string;
  endpoint?: string;
  createBucket?: boolean;
  keepObjects: boolean;
  start: boolean;
  osds?: number;
  /** rgw --start: each daemon in its own network namespace. */
  netns?: boolean;
  /** S3-compatible targets: the workers' client (absent: lean). */
  client?: S3ClientKind;
  /** The emulator's flags, for --target emulator. */
  emulatorFlags: string[];
}

/** The target options that come straight from the command line. */
export function openOptions(c: TargetConfig) {
  return {
    opTimeoutMs: c.opTimeout,
    bucket: c.bucket,
    region: c.region,
    endpoint: c.endpoint,
    createBucket: c.createBucket,
    keepObjects: c.keepObjects,
    start: c.start,
    osds: c.osds,
    ...(c.netns ? { netns: true } : {}),
    ...(c.client !== undefined ? { client: c.client } : {}),
    emulatorFlags: c.emulatorFlags,
  } satisfies Partial<TargetOptions>;
}

/** Opens the target; a failure that is not already the user's own error says which target failed. */
export async function openTarget(target: Target, options: TargetOptions): Promise<OpenTarget> {
  try {
    return await target.open(options);
  } catch (err) {
    if (err instanceof UserError) throw err;
    throw new UserError(`cannot open target ${target.name}: ${(err as Error).message}`);
  }
}
