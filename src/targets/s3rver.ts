import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../util/tool-info.js';
import { openS3Target } from './s3-target.js';
import { ServerProcess } from './server-process.js';
import type { Target } from './target.js';

// The compiled script, also when this module runs from its TypeScript source (tests).
const CHILD = join(projectRoot(), 'dist/src/targets/s3rver-child.js');

/**
 * s3rver, a third-party S3 implementation (npm), started on a loopback port in a child
 * process with its files in a temporary folder: a real server for tests to run against, and
 * one the kill and pause faults can act on.
 */
export const s3rverTarget: Target = {
  name: 's3rver',
  description: 'the s3rver npm package on a loopback port, in a child process (a real third-party S3 server)',
  async open(options) {
    const directory = mkdtempSync(join(tmpdir(), 'objcheck-s3rver-'));
    const server = new ServerProcess({
      name: 's3rver',
      // A restarted server comes back on its old port, with the same folder: the same store.
      args: (port) => [CHILD, directory, String(port)],
      parsePort: (line) => (JSON.parse(line) as { port: number }).port,
    });
    const port = await server.start(0);
    return openS3Target(
      {
        target: 's3rver',
        endpoint: `http://127.0.0.1:${port}`,
        region: 'us-east-1',
        bucket: 'objcheck',
        forcePathStyle: true,
        // s3rver's fixed key pair; it verifies SigV4 against it.
        credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
        extra: { storage: 'filesystem (temporary folder)' },
        onClose: async () => {
          await server.stop();
          rmSync(directory, { recursive: true, force: true });
        },
        down: server.down.signal,
        process: server,
      },
      options,
    );
  },
};
