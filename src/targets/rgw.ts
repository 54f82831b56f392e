import { execFileSync } from 'node:child_process';
import { UserError } from '../util/errors.js';
import { startCephCluster } from './ceph/cluster.js';
import { openS3Target } from './s3-target.js';
import type { Target } from './target.js';

/**
 * Ceph's RADOS Gateway: with --start a throwaway single-host cluster (monitor, manager,
 * --osds OSDs, radosgw) that objcheck starts, faults and tears down; without it, an existing
 * gateway at --endpoint with the key pair in AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY.
 */
export const rgwTarget: Target = {
  name: 'rgw',
  description: 'Ceph RADOS Gateway: --start runs a throwaway cluster on this host (--osds 1|3; needs the Ceph packages), else --endpoint',
  async open(options) {
    if (!options.start) {
      if (!options.endpoint) throw new UserError('--target rgw needs --start (a cluster of our own) or --endpoint URL of an existing gateway');
      const accessKeyId = process.env.AWS_ACCESS_KEY_ID;
      const secretAccessKey = process.env.AWS_SECRET_ACCESS_KEY;
      if (!accessKeyId || !secretAccessKey) throw new UserError('--target rgw --endpoint needs the S3 key pair in AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY');
      return openS3Target(
        { target: 'rgw', endpoint: options.endpoint, region: options.region ?? 'us-east-1', bucket: options.bucket ?? 'objcheck', forcePathStyle: true, credentials: { accessKeyId, secretAccessKey } },
        options,
      );
    }
    const osds = options.osds ?? 1;
    const began = Date.now();
    const cluster = await startCephCluster({
      osds,
      ...(options.netns ? { netns: true } : {}),
      progress: (step) => process.stderr.write(`ceph: ${((Date.now() - began) / 1000).toFixed(1)} s: starting ${step}\n`),
    });
    process.stderr.write(`ceph: cluster of ${osds} OSD${osds > 1 ? 's' : ''}${cluster.network ? `, each daemon in its own network namespace on ${cluster.network.layout.subnet}.0/24,` : ''} ready in ${(cluster.startMs / 1000).toFixed(1)} s\n`);
    return openS3Target(
      {
        target: 'rgw',
        endpoint: cluster.endpoint,
        region: 'us-east-1',
        bucket: 'objcheck',
        forcePathStyle: true,
        credentials: cluster.credentials,
        extra: { ceph: cephVersion(), osds, started: true, startS: cluster.startMs / 1000, ...(cluster.network ? { netns: { subnet: `${cluster.network.layout.subnet}.0/24`, nodes: cluster.network.layout.nodes.map((n) => ({ name: n.name, ip: n.ip })) } } : {}) },
        onClose: () => cluster.stop(),
        down: cluster.radosgw.down.signal,
        process: cluster.radosgw,
        nodes: new Map(cluster.osds.map((d) => [d.spec.name, d])),
        ...(cluster.network ? { network: cluster.network } : {}),
      },
      { ...options, createBucket: true },
    );
  },
};

function cephVersion(): string {
  try {
    return execFileSync('ceph', ['--version'], { encoding: 'utf8' }).trim().replace(/^ceph version /, '');
  } catch {
    return 'unknown';
  }
}
