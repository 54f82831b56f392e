import { afterEach } from 'vitest';
import { GetObjectCommand, PutObjectCommand, S3Client, type PutObjectCommandInput } from '@aws-sdk/client-s3';
import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../../src/emulator/index.js';

// The SDK would otherwise load the environment's CA bundle, which loopback HTTP does not need.
delete process.env.AWS_CA_BUNDLE;

export function sdkClient(emulator: RunningEmulator, overrides: { secretAccessKey?: string; accessKeyId?: string } = {}): S3Client {
  return new S3Client({
    endpoint: emulator.endpoint,
    region: emulator.region,
    forcePathStyle: true,
    maxAttempts: 1,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    credentials: { ...emulator.credentials, ...overrides },
  });
}

export async function withEmulator(options: EmulatorOptions): Promise<{ emulator: RunningEmulator; s3: S3Client }> {
  const emulator = await startEmulator(options);
  return { emulator, s3: sdkClient(emulator) };
}

/** The error's S3 code and HTTP status, for asserting on refusals. */
export async function failure(promise: Promise<unknown>): Promise<{ name: string; status: number | undefined }> {
  try {
    await promise;
  } catch (e) {
    const err = e as { name: string; $metadata?: { httpStatusCode?: number } };
    return { name: err.name, status: err.$metadata?.httpStatusCode };
  }
  throw new Error('expected the request to fail');
}

/** The object's body as text, or null for NoSuchKey; the body is always read (it holds a socket). */
export async function readText(s3: S3Client, bucket: string, key: string): Promise<string | null> {
  try {
    const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return await out.Body!.transformToString();
  } catch (e) {
    if ((e as Error).name === 'NoSuchKey') return null;
    throw e;
  }
}

export function put(s3: S3Client, bucket: string, key: string, body: string, extra: Partial<PutObjectCommandInput> = {}) {
  return s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ...extra }));
}

/**
 * For a test file: a `start` that opens an emulator (these defaults under the test's options) and
 * two independent clients (separate connection pools), all closed after each test.
 */
export function twoClientEmulator(defaults: EmulatorOptions): (options: EmulatorOptions) => Promise<{ emulator: RunningEmulator; a: S3Client; b: S3Client }> {
  const closeAfterTest = closedAfterEach();
  return async (options) => {
    const { emulator, s3: a } = await withEmulator({ ...defaults, ...options });
    const b = sdkClient(emulator);
    closeAfterTest(emulator, [a, b]);
    return { emulator, a, b };
  };
}

/**
 * For a test file that opens an emulator in each test: the function that hands one over, with its
 * clients, to be closed after the test (registered with afterEach here).
 */
export function closedAfterEach(): (emulator: RunningEmulator, clients: S3Client[]) => void {
  let running: { emulator: RunningEmulator; clients: S3Client[] } | undefined;
  afterEach(async () => {
    if (!running) return;
    for (const c of running.clients) c.destroy();
    await running.emulator.close();
    running = undefined;
  });
  return (emulator, clients) => {
    running = { emulator, clients };
  };
}
