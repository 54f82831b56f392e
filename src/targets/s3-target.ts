import type { BucketOwner } from './s3-access.js';
import type { S3Connection } from './s3-client.js';
import type { InternalFaultControl, NetworkControl, OpenTarget, ProcessControl, S3ClientKind, TargetCapabilities, TargetClient, TargetOptions } from './target.js';

/** What a capability may build on: the run's client, the bucket's owner, and another client on the same prefix with other credentials. */
export interface CapabilityContext {
  client: TargetClient;
  /** The bucket through the SDK, for bucket-wide settings (policy, versioning): never on the workers' path. */
  owner: BucketOwner;
  /** Omitted endpoint: the store's own. */
  connect(credentials: S3Connection['credentials'], endpoint?: string): TargetClient;
}

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
  /** The optional capabilities this store offers the run (see TargetCapabilities). */
  capabilities?: (ctx: CapabilityContext) => TargetCapabilities;
  /** What to do when nothing answers at the endpoint (how to start this store). */
  notRunning?: string;
  /** Nodes of a cluster we started, for the node faults. */
  nodes?: ReadonlyMap<string, ProcessControl>;
  /** The network between them, when they run on one of ours, for the network faults. */
  network?: NetworkControl;
}

/**
 * Opens any S3-compatible store: a client confined to the run's prefix, a preflight before
 * the run, and at close the deletion of the run's own objects (unless --keep-objects).
 */
export async function openS3Target(e: S3Endpoint, options: TargetOptions): Promise<OpenTarget> {
  const kind: S3ClientKind = options.client ?? 'lean';
  // The SDK takes a fifth of a second to load: only runs against S3 stores pay for it. Either
  // client needs it: the SDK's own S3Client does the preflight, the clean-up, the probe and the
  // bucket-wide settings, and finds the credentials (its default chain) when none are given.
  const [{ deletePrefix, makeS3Client, S3TargetClient }, { preflight }, lean] = await Promise.all([
    import('./s3-client.js'),
    import('./preflight.js'),
    kind === 'lean' ? import('./s3-lean-client.js') : undefined,
  ]);
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
    connections: Math.max(1, options.concurrency),
  };
  const s3 = makeS3Client(connection);
  const closers: (() => unknown)[] = [];
  /** The client the workers use, of the kind asked for; `sdk` may share the SDK client already made. */
  const workersClient = (c: S3Connection, shared?: typeof s3): TargetClient => {
    if (lean) {
      const client = lean.makeLeanClient(c, () => s3.config.credentials(), options.prefix, options.partSize);
      closers.push(() => client.destroy());
      return client;
    }
    const sdk = shared ?? makeS3Client(c);
    if (!shared) closers.push(() => sdk.destroy());
    return new S3TargetClient(sdk, e.bucket, options.prefix, options.partSize);
  };
  const client = workersClient(connection, s3);
  /** Another client of the store: other credentials (a second principal), another endpoint (a replica, a proxy). */
  const connect = (credentials: S3Connection['credentials'], otherEndpoint?: string) =>
    workersClient({ ...connection, credentials, ...(otherEndpoint ? { endpoint: otherEndpoint } : {}) });
  const destroyClients = async () => {
    for (const close of closers.splice(0)) await close();
    s3.destroy();
  };
  const where = `${e.target} at ${e.endpoint ?? `AWS ${e.region}`}`;
  try {
    await preflight(s3, { bucket: e.bucket, prefix: options.prefix, client }, { where, createBucket: options.createBucket ?? false, region: e.region, ...(e.notRunning ? { notRunning: e.notRunning } : {}) });
    if (e.capabilities) Object.assign(client, e.capabilities({ client, owner: { s3, bucket: e.bucket, prefix: options.prefix }, connect }));
    // A second endpoint by URL: the same bucket and prefix through another door, reads only.
    if (options.readTarget && /^https?:\/\//.test(options.readTarget)) Object.assign(client, { replica: connect(e.credentials, options.readTarget) });
  } catch (err) {
    await destroyClients();
    await e.onClose?.();
    throw err;
  }
  return {
    client,
    down: e.down,
    process: e.process,
    internal: e.internal,
    nodes: e.nodes,
    ...(e.network ? { network: e.network } : {}),
    connect: (other) => connect(e.credentials, other),
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
      client: kind,
      ...(options.partSize !== undefined ? { multipartPartSize: options.partSize } : {}),
      ...e.extra,
    }),
    async close() {
      try {
        if (!options.keepObjects && !e.down?.aborted) {
          await deletePrefix(s3, e.bucket, options.prefix).catch(async (err: unknown) => {
            // A server of ours that died under the run (s3rver crashes on some races) refuses the
            // clean-up, and its objects went with it: its exit may be noticed just after.
            if (e.down !== undefined && (await abortedWithin(e.down, 1000))) return 0;
            throw err;
          });
        }
      } finally {
        await destroyClients();
        await e.onClose?.();
      }
    },
  };
}

/** Whether the signal is aborted now or within ms. */
function abortedWithin(signal: AbortSignal, ms: number): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(false);
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      resolve(true);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
