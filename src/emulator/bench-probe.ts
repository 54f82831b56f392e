// A quick throughput probe: SDK workers doing PUT then GET of small objects against the
// emulator (strong by default). The server runs on its own thread, so that server and client
// each get a core, and the report says how busy each was: which side is the bottleneck.
//
//   node dist/src/emulator/bench-probe.js [--seconds 10] [--workers 16] [--size 128]
//     [--keys 1000] [--consistency strong] [--client-threads 1] [--same-thread] [--raw]
//
// --raw replaces the SDK by requests signed once and replayed (a signature stays valid for
// 15 minutes): the client then costs little, and the figure is the server's own capacity.
// The SDK is a dev dependency: this is a developer's tool, not part of the emulator.
import { Agent, request as httpRequest } from 'node:http';
import type { EventLoopUtilization } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SignatureV4 } from '@smithy/signature-v4';
import type { HttpRequest } from '@smithy/types';
import { Random } from '../util/random.js';
import { NodeSha256 } from './auth/node-sha256.js';
import { startEmulator, type EmulatorOptions } from './index.js';

const BUCKET = 'bench';

interface ServerInfo {
  endpoint: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
}

interface LoadSpec {
  server: ServerInfo;
  seconds: number;
  workers: number;
  keys: number;
  size: number;
  raw: boolean;
  seed: number;
}

interface LoadResult {
  ops: number;
  errors: number;
  latencies: number[];
}

type ThreadData = { role: 'server'; options: EmulatorOptions } | { role: 'client'; spec: LoadSpec };

async function serverThread(options: EmulatorOptions): Promise<void> {
  const emulator = await startEmulator(options);
  parentPort!.postMessage({ endpoint: emulator.endpoint, region: emulator.region, credentials: emulator.credentials } satisfies ServerInfo);
  parentPort!.on('message', (m) => {
    if (m === 'elu') parentPort!.postMessage(performance.eventLoopUtilization());
    else void emulator.close().then(() => process.exit(0));
  });
}

type Request = { method: string; path: string; headers: Record<string, string>; body?: Buffer };

/** PUT and GET of every key, signed once with the SDK's signer. */
async function presignAll(spec: LoadSpec, host: string, body: Buffer): Promise<[Request, Request][]> {
  const { region, credentials } = spec.server;
  const signer = new SignatureV4({ service: 's3', region, credentials, sha256: NodeSha256, uriEscapePath: false });
  const out: [Request, Request][] = [];
  for (let k = 0; k < spec.keys; k++) {
    const path = `/${BUCKET}/k${k}`;
    const sign = async (method: string, headers: Record<string, string>, b?: Buffer) =>
      (await signer.sign({ method, protocol: 'http:', hostname: host, path, query: {}, headers, ...(b ? { body: b } : {}) } as unknown as HttpRequest)).headers as Record<string, string>;
    out.push([
      { method: 'PUT', path, headers: await sign('PUT', { host, 'content-length': String(body.length) }, body), body },
      { method: 'GET', path, headers: await sign('GET', { host }) },
    ]);
  }
  return out;
}

/** One client's load: `workers` loops of PUT-then-GET on random keys until the deadline. */
async function runLoad(spec: LoadSpec): Promise<LoadResult> {
  const url = new URL(spec.server.endpoint);
  const body = Buffer.alloc(spec.size, 'x');
  const result: LoadResult = { ops: 0, errors: 0, latencies: [] };
  let put: (key: number) => Promise<void>;
  let get: (key: number) => Promise<void>;
  let done: () => void;
  if (spec.raw) {
    const signed = await presignAll(spec, url.host, body);
    const agent = new Agent({ keepAlive: true, maxSockets: spec.workers });
    const send = (r: Request) =>
      new Promise<void>((resolve, reject) => {
        const req = httpRequest({ host: url.hostname, port: url.port, method: r.method, path: r.path, headers: r.headers, agent }, (res) => {
          res.resume();
          res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`status ${res.statusCode}`))));
        });
        req.on('error', reject);
        req.end(r.body);
      });
    put = (k) => send(signed[k]![0]);
    get = (k) => send(signed[k]![1]);
    done = () => agent.destroy();
  } else {
    const s3 = new S3Client({
      endpoint: spec.server.endpoint,
      region: spec.server.region,
      forcePathStyle: true,
      maxAttempts: 1,
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      credentials: spec.server.credentials,
    });
    put = async (k) => void (await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: `k${k}`, Body: body })));
    get = async (k) => {
      const out = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: `k${k}` }));
      await out.Body!.transformToByteArray();
    };
    done = () => s3.destroy();
  }
  const deadline = performance.now() + spec.seconds * 1000;
  await Promise.all(
    Array.from({ length: spec.workers }, async (_, w) => {
      const random = new Random(spec.seed + w);
      while (performance.now() < deadline) {
        const key = random.int(spec.keys);
        for (const op of [put, get]) {
          const t = performance.now();
          try {
            await op(key);
            result.latencies.push(performance.now() - t);
            result.ops++;
          } catch {
            result.errors++;
          }
        }
      }
    }),
  );
  done();
  return result;
}

function spawn<T>(data: ThreadData): { worker: Worker; first: Promise<T> } {
  const worker = new Worker(new URL(import.meta.url), { workerData: data });
  const first = new Promise<T>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  return { worker, first };
}

function ask<T>(worker: Worker, message: string): Promise<T> {
  return new Promise((resolve) => {
    worker.once('message', resolve);
    worker.postMessage(message);
  });
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      seconds: { type: 'string', default: '10' },
      workers: { type: 'string', default: '16' },
      size: { type: 'string', default: '128' },
      keys: { type: 'string', default: '1000' },
      consistency: { type: 'string', default: 'strong' },
      'client-threads': { type: 'string', default: '1' },
      'same-thread': { type: 'boolean', default: false },
      raw: { type: 'boolean', default: false },
    },
  });
  delete process.env.AWS_CA_BUNDLE;
  const options: EmulatorOptions = { consistency: values.consistency as EmulatorOptions['consistency'], buckets: [BUCKET], seed: 1 };
  const threads = Number(values['client-threads']);
  const workers = Number(values.workers);

  let server: ServerInfo;
  let serverWorker: Worker | undefined;
  let closeInProcess: (() => Promise<void>) | undefined;
  if (values['same-thread']) {
    const emulator = await startEmulator(options);
    server = emulator;
    closeInProcess = () => emulator.close();
  } else {
    const s = spawn<ServerInfo>({ role: 'server', options });
    serverWorker = s.worker;
    server = await s.first;
  }

  const spec = (share: number, t: number): LoadSpec => ({
    server,
    seconds: Number(values.seconds),
    workers: share,
    keys: Number(values.keys),
    size: Number(values.size),
    raw: values.raw,
    seed: 1000 * (t + 1),
  });
  const serverBefore = serverWorker ? await ask<EventLoopUtilization>(serverWorker, 'elu') : undefined;
  const mainBefore = performance.eventLoopUtilization();
  const started = performance.now();
  let results: LoadResult[];
  if (threads <= 1) {
    results = [await runLoad(spec(workers, 0))];
  } else {
    const shares = Array.from({ length: threads }, (_, t) => Math.floor(workers / threads) + (t < workers % threads ? 1 : 0));
    results = await Promise.all(shares.map((share, t) => spawn<LoadResult>({ role: 'client', spec: spec(share, t) }).first));
  }
  const elapsed = (performance.now() - started) / 1000;
  const mainBusy = performance.eventLoopUtilization(mainBefore).utilization;
  const serverAfter = serverWorker ? await ask<EventLoopUtilization>(serverWorker, 'elu') : undefined;
  if (serverWorker) await new Promise((resolve) => serverWorker.once('exit', resolve).postMessage('stop'));
  await closeInProcess?.();

  const ops = results.reduce((n, r) => n + r.ops, 0);
  const latencies = results.flatMap((r) => r.latencies).sort((a, b) => a - b);
  console.log(
    JSON.stringify({
      client: values.raw ? 'raw (pre-signed replay)' : 'aws-sdk-v3',
      consistency: values.consistency,
      serverThread: !values['same-thread'],
      clientThreads: Math.max(1, threads),
      workers,
      seconds: Number(elapsed.toFixed(2)),
      ops,
      errors: results.reduce((n, r) => n + r.errors, 0),
      opsPerSecond: Math.round(ops / elapsed),
      p50ms: Number(quantile(latencies, 0.5).toFixed(2)),
      p99ms: Number(quantile(latencies, 0.99).toFixed(2)),
      // How busy each event loop was (0..1): the one near 1 is the bottleneck.
      ...(threads <= 1 ? { clientThreadBusy: Number(mainBusy.toFixed(2)) } : {}),
      ...(serverAfter && serverBefore ? { serverThreadBusy: Number(performance.eventLoopUtilization(serverAfter, serverBefore).utilization.toFixed(2)) } : {}),
    }),
  );
}

if (isMainThread) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
} else {
  const data = workerData as ThreadData;
  if (data.role === 'server') void serverThread(data.options);
  else void runLoad(data.spec).then((r) => parentPort!.postMessage(r));
}
