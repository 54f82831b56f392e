import { randomBytes } from 'node:crypto';
import { CreateBucketCommand, DeleteObjectCommand, HeadBucketCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { UserError } from '../util/errors.js';
import { httpStatus } from './s3-errors.js';
import { TargetError, type TargetClient } from './target.js';
import { sleep } from '../util/sleep.js';

const CANARY_PATIENCE_MS = 10_000;
/**
 * The preflight's requests are not what the run measures, and a store that just started can be
 * slow to create its first bucket and take its first write (Ceph: seconds, while its placement
 * groups settle): they get this long, whatever --op-timeout says.
 */
const SETUP_TIMEOUT = { requestTimeout: 60_000 };

/** The bucket, the run's prefix in it, and the client the workers will use. */
export interface RunBucket {
  bucket: string;
  prefix: string;
  client: TargetClient;
}

export interface PreflightOptions {
  /** How to name the store in messages: "minio at http://127.0.0.1:9000". */
  where: string;
  createBucket: boolean;
  region: string;
  /** What to do when nothing answers at the endpoint (how to start this store), if the target knows. */
  notRunning?: string;
}

/**
 * Fails fast, with one line a user can act on, before any worker starts: bad credentials,
 * a missing bucket, a wrong region, an endpoint that does not answer. Then writes, reads and
 * deletes one canary object under the run's prefix, so a run never starts against a store
 * it cannot use. The canary is read back through the workers' own client (the lean one or the
 * SDK's), so that a client the store refuses (a signature it does not accept) stops the run here.
 */
export async function preflight(s3: S3Client, run: RunBucket, options: PreflightOptions): Promise<void> {
  const { bucket, prefix, client } = run;
  const bucketLabel = `bucket ${JSON.stringify(bucket)} on ${options.where}`;
  try {
    await s3.send(new HeadBucketCommand({ Bucket: bucket }), SETUP_TIMEOUT);
  } catch (err) {
    const status = httpStatus(err);
    if (status === 404 && options.createBucket) {
      await createBucket(s3, bucket, options.region, bucketLabel);
    } else {
      // A HEAD's answer has no body, so its 403 does not say why (an unknown key, a wrong secret,
      // a policy): a GET does, through the workers' client: a listing of the run's prefix, still empty.
      const cause = status === 403 ? await client.list('').then(() => err, (e: unknown) => (httpStatus(e) === 403 ? e : err)) : err;
      const why = explain(cause, bucketLabel);
      throw new UserError(options.notRunning && refused(err) ? `${why}: ${options.notRunning}` : why);
    }
  }
  // A name of its own: the shards of one test (objcheck workload --shard) preflight one prefix at once.
  const canary = `.objcheck-preflight-${randomBytes(4).toString('hex')}`;
  const body = new TextEncoder().encode(`objcheck preflight ${Date.now()}`);
  const key = prefix + canary;
  try {
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }), SETUP_TIMEOUT);
    // The store may be only eventually consistent (that may be what the run is to measure):
    // give the canary time to become visible before calling the store unusable.
    const deadline = Date.now() + CANARY_PATIENCE_MS;
    for (;;) {
      const got = await readCanary(client, canary);
      if (got && Buffer.compare(Buffer.from(got), Buffer.from(body)) === 0) break;
      if (Date.now() > deadline) {
        throw new UserError(`${bucketLabel}: a canary object written under ${prefix} did not read back as written within ${CANARY_PATIENCE_MS / 1000} s`);
      }
      await sleep(100);
    }
    await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }), SETUP_TIMEOUT);
  } catch (err) {
    if (err instanceof UserError) throw err;
    throw new UserError(`${bucketLabel}: the canary PUT/GET/DELETE under ${prefix} failed: ${explain(err, bucketLabel)}`);
  }
}

/** The canary's body, or null while it is not there. The PUT before it waited out a store that was slow to start. */
async function readCanary(client: TargetClient, canary: string): Promise<Uint8Array | null> {
  const got = await client.get(canary);
  return got ? got.body : null;
}

async function createBucket(s3: S3Client, bucket: string, region: string, label: string): Promise<void> {
  // us-east-1 and non-AWS stores ("auto") take no location constraint; other AWS regions need one.
  const needsConstraint = region !== 'us-east-1' && region !== 'auto';
  try {
    await s3.send(new CreateBucketCommand({ Bucket: bucket, ...(needsConstraint ? { CreateBucketConfiguration: { LocationConstraint: region as never } } : {}) }), SETUP_TIMEOUT);
  } catch (err) {
    throw new UserError(`cannot create ${label}: ${explain(err, label)}`);
  }
}

function refused(err: unknown): boolean {
  const e = err as { code?: string; message?: string } | undefined;
  return e?.code === 'ECONNREFUSED' || /ECONNREFUSED/.test(e?.message ?? '');
}

/** One sentence for what went wrong talking to the store, through either client. */
function explain(err: unknown, label: string): string {
  const e = err as { name?: string; code?: string; message?: string; $response?: { headers?: Record<string, string> } };
  const status = httpStatus(err);
  // The lean client's errors come classified: the S3 error code is their code.
  const name = err instanceof TargetError ? (err.code ?? '') : (e?.name ?? '');
  if (name === 'CredentialsProviderError' || /credential/i.test(name)) {
    return `${label}: no credentials found (set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or a profile)`;
  }
  if (refused(err)) return `${label}: the endpoint does not answer (connection refused)`;
  if (e?.code === 'ENOTFOUND' || /ENOTFOUND|EAI_AGAIN/.test(e?.message ?? '')) return `${label}: the endpoint's host name does not resolve`;
  if (name === 'TimeoutError' || name === 'AbortError' || /timed? ?out/i.test(e?.message ?? '')) return `${label}: the endpoint did not answer in time`;
  if (status === 301 || name === 'PermanentRedirect' || name === 'AuthorizationHeaderMalformed') {
    const region = e?.$response?.headers?.['x-amz-bucket-region'];
    return `${label}: the bucket is in another region${region ? ` (${region}); pass --region ${region}` : '; pass its --region'}`;
  }
  if (status === 404) return `${label}: the bucket does not exist (pass --create-bucket to create it)`;
  if (status === 403) {
    if (name === 'InvalidAccessKeyId') return `${label}: the access key is not known to the store`;
    if (name === 'SignatureDoesNotMatch') return `${label}: the secret key is wrong (the signature does not match)`;
    return `${label}: access denied (check the credentials and the bucket's policy)`;
  }
  if (err instanceof TargetError) return `${label}: ${err.message}`;
  return `${label}: ${name || 'error'}${status ? ` (HTTP ${status})` : ''}${e?.message && e.message !== name ? `: ${e.message}` : ''}`;
}
