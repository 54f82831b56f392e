import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { UserError } from '../util/errors.js';
import { projectRoot } from '../util/tool-info.js';
import { sleep } from '../util/sleep.js';
import { openS3Target } from './s3-target.js';
import type { Target } from './target.js';

const DEFAULT_ENDPOINT = 'http://127.0.0.1:9000';

/** MinIO, by default the single node of deploy/minio/docker-compose.yml. */
export const minioTarget: Target = {
  name: 'minio',
  description: `MinIO (default ${DEFAULT_ENDPOINT}, minioadmin/minioadmin, bucket "objcheck"; --start runs docker compose)`,
  async open(options) {
    const endpoint = options.endpoint ?? DEFAULT_ENDPOINT;
    if (options.start) await startWithCompose(endpoint);
    const user = process.env.MINIO_ROOT_USER || process.env.AWS_ACCESS_KEY_ID || 'minioadmin';
    const password = process.env.MINIO_ROOT_PASSWORD || process.env.AWS_SECRET_ACCESS_KEY || 'minioadmin';
    return openS3Target(
      {
        target: 'minio',
        endpoint,
        region: options.region ?? 'us-east-1',
        bucket: options.bucket ?? 'objcheck',
        forcePathStyle: true,
        credentials: { accessKeyId: user, secretAccessKey: password },
        ...(options.start
          ? {}
          : { notRunning: `is MinIO running? start it with --start (docker compose -f deploy/minio/docker-compose.yml up -d), or pass --endpoint where it listens` }),
      },
      // The default bucket is ours to create on a fresh MinIO.
      { ...options, createBucket: options.createBucket ?? options.bucket === undefined },
    );
  },
};

async function startWithCompose(endpoint: string): Promise<void> {
  const info = spawnSync('docker', ['info', '--format', '{{.ServerVersion}}'], { encoding: 'utf8' });
  if (info.error || info.status !== 0) {
    throw new UserError(
      '--start needs a running Docker engine, and there is none here (`docker info` failed); start MinIO yourself and run without --start',
    );
  }
  const compose = resolve(projectRoot(), 'deploy/minio/docker-compose.yml');
  const up = spawnSync('docker', ['compose', '-f', compose, 'up', '-d'], { stdio: ['ignore', 'inherit', 'inherit'] });
  if (up.status !== 0) throw new UserError(`docker compose -f ${compose} up -d failed (exit ${up.status})`);
  process.stderr.write('waiting for MinIO to be ready');
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    try {
      const r = await fetch(`${endpoint}/minio/health/ready`);
      if (r.ok) {
        process.stderr.write(' ready\n');
        return;
      }
    } catch {
      // not listening yet
    }
    process.stderr.write('.');
    await sleep(1000);
  }
  throw new UserError(`MinIO at ${endpoint} was not ready 60 s after docker compose up`);
}
