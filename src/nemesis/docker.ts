import { spawnSync } from 'node:child_process';

/**
 * The containers of a cluster started with docker compose (deploy/minio), for the node faults.
 * Which ones: OBJCHECK_NODES (comma-separated names), else every running container whose name
 * contains "minio".
 */
export function clusterNodes(): { nodes: string[] } | { why: string } {
  const info = spawnSync('docker', ['info', '--format', '{{.ServerVersion}}'], { encoding: 'utf8' });
  if (info.error || info.status !== 0) return { why: 'it needs a running Docker engine, and there is none here (`docker info` failed)' };
  const named = process.env.OBJCHECK_NODES?.split(',').map((s) => s.trim()).filter(Boolean);
  if (named && named.length > 0) return { nodes: named };
  const ps = spawnSync('docker', ['ps', '--filter', 'name=minio', '--format', '{{.Names}}'], { encoding: 'utf8' });
  const nodes = (ps.stdout ?? '').split('\n').map((s) => s.trim()).filter(Boolean).sort();
  return nodes.length > 0 ? { nodes } : { why: 'no running container has "minio" in its name; name the nodes in OBJCHECK_NODES' };
}

/** Runs a docker command; a failure is an error naming the command. */
export function docker(...args: string[]): void {
  const r = spawnSync('docker', args, { encoding: 'utf8' });
  if (r.error || r.status !== 0) throw new Error(`docker ${args.join(' ')} failed: ${(r.stderr || String(r.error)).trim()}`);
}
