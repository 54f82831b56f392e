// Shard folders through a bucket (`objcheck workload --shard … --upload s3://bucket/prefix`,
// `objcheck merge s3://bucket/prefix/<name>`): pods that share no volume still meet in the
// bucket. Credentials come from the SDK's default chain (AWS_ACCESS_KEY_ID… from a Secret).
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { makeS3Client } from '../targets/s3-client.js';
import { UserError } from '../util/errors.js';

export interface S3Place {
  bucket: string;
  /** No leading or trailing slash; '' for the bucket's root. */
  prefix: string;
}

/** `s3://bucket/some/prefix` as bucket and prefix; anything else is the user's mistake. */
export function parseS3Uri(text: string, flag: string): S3Place {
  const m = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/.exec(text);
  if (!m) throw new UserError(`${flag} must be s3://bucket/prefix (a bucket name of 3 to 63 lower-case letters, digits, dots and hyphens), got ${JSON.stringify(text)}`);
  return { bucket: m[1]!, prefix: (m[2] ?? '').replace(/^\/+|\/+$/g, '') };
}

export function isS3Uri(text: string): boolean {
  return text.startsWith('s3://');
}

/** An SDK client for the bucket: AWS by default, or an S3-compatible endpoint (path style). */
export function folderClient(place: S3Place, endpoint: string | undefined): S3Client {
  return makeS3Client({
    bucket: place.bucket,
    region: process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1',
    forcePathStyle: endpoint !== undefined,
    requestTimeoutMs: 60_000,
    maxSockets: 4,
    ...(endpoint !== undefined ? { endpoint } : {}),
  });
}

const key = (prefix: string, rest: string) => (prefix === '' ? rest : `${prefix}/${rest}`);

/** Puts every file of `dir` under `place`/`under`/; returns where it went (s3://…). */
export async function uploadFolder(s3: S3Client, dir: string, place: S3Place, under: string): Promise<string> {
  const files = walk(dir);
  for (const file of files) {
    await s3.send(new PutObjectCommand({ Bucket: place.bucket, Key: key(place.prefix, `${under}/${relative(dir, file)}`), Body: readFileSync(file) }));
  }
  return `s3://${place.bucket}/${key(place.prefix, under)}/`;
}

/** Gets every object under `place` into `dest`, keeping the paths below the prefix; returns how many. */
export async function downloadFolder(s3: S3Client, place: S3Place, dest: string): Promise<number> {
  const base = place.prefix === '' ? '' : `${place.prefix}/`;
  let count = 0;
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: place.bucket, Prefix: base, ...(token ? { ContinuationToken: token } : {}) }));
    for (const o of page.Contents ?? []) {
      const rel = o.Key!.slice(base.length);
      // A key that would leave the destination (`..`) is not a file of a run folder.
      if (rel === '' || rel.split('/').some((p) => p === '..' || p === '')) continue;
      const got = await s3.send(new GetObjectCommand({ Bucket: place.bucket, Key: o.Key! }));
      const file = join(dest, rel);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, await got.Body!.transformToByteArray());
      count++;
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return count;
}

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}
