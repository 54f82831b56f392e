import type { S3Connection } from './s3-client.js';
import type { InternalFaultControl, OpenTarget, ProcessControl, TargetOptions } from './target.js';

export interface S3Endpoint {
  /** The target's name, for run.json. */
  target: string;
  endpoint?: string;
  region: string;
  bucket: string;
  forcePathStyle: boolean;
  credentials?: S3Connection['credentials'];
  /** Facts about the store for run.json (never credentials). */
  extra?: Record<string, unknown>;
  /** Called after the client is gone: stop a server the target started. */
  onClose?: () => Promise<void>;
  /** Aborted when a server the target started has died. */
  down?: AbortSignal;
  /** A server process the target started, for the process faults. */
  process?: ProcessControl;
  /** Faults inside a store we simulate. */
  internal?: InternalFaultControl;
  /** Nodes of a cluster we started, for the node faults. */
  nodes?: ReadonlyMap<string, ProcessControl>;
}

/**
 * Opens any S3-compatible store: a client confined to the run's prefix, a preflight before
 * the run, and at close the deletion of the run's own objects (unless --keep-objects).
 */
export async function openS3Target(e: S3Endpoint, options: TargetOptions): Promise<OpenTarget> {
  // The SDK takes a fifth of a second to load: only runs against S3 stores pay for it.
  const [{ deletePrefix, makeS3Client, S3TargetClient }, { preflight }] = await Promise.all([import('./s3-client.js'), import('./preflight.js')]);
  // Network faults put a proxy between the workers and the store: the client talks to it.
  const endpoint = e.endpoint && options.connectThrough ? await options.connectThrough(e.endpoint) : e.endpoint;
  const connection: S3Connection = {
    endpoint,
    region: e.region,
    bucket: e.bucket,
    forcePathStyle: e.forcePathStyle,
    credentials: e.credentials,
    requestTimeoutMs: options.opTimeoutMs + 1000,
    maxSockets: Math.max(16, options.concurrency * 2),
  };
  const s3 = makeS3Client(connection);
  const client = new S3TargetClient(s3, e.bucket, options.prefix, options.partSize);
  const others: (typeof s3)[] = [];
  const where = `${e.target} at ${e.endpoint ?? `AWS ${e.region}`}`;
  try {
    await preflight(s3, client, { where, createBucket: options.createBucket ?? false, region: e.region });
  } catch (err) {
    s3.destroy();
    await e.onClose?.();
    throw err;
  }
  return {
    client,
    down: e.down,
    process: e.process,
    internal: e.internal,
    nodes: e.nodes,
    connect(other) {
      const s = makeS3Client({ ...connection, endpoint: other });
      others.push(s);
      return new S3TargetClient(s, e.bucket, options.prefix, options.partSize);
    },
    s3: {
      client: s3,
      bucket: e.bucket,
      prefix: options.prefix,
      async withSecret(secretAccessKey) {
        const { accessKeyId } = e.credentials ?? (await s3.config.credentials());
        return makeS3Client({ ...connection, credentials: { accessKeyId, secretAccessKey } });
      },
    },
    describe: () => ({
      name: e.target,
      endpoint: e.endpoint ?? `AWS ${e.region}`,
      region: e.region,
      bucket: e.bucket,
      prefix: options.prefix,
      pathStyle: e.forcePathStyle,
      ...(options.partSize !== undefined ? { multipartPartSize: options.partSize } : {}),
      ...e.extra,
    }),
    async close() {
      try {
        if (!options.keepObjects && !e.down?.aborted) await deletePrefix(s3, e.bucket, options.prefix);
      } finally {
        for (const o of others) o.destroy();
        s3.destroy();
        await e.onClose?.();
      }
    },
  };
}
