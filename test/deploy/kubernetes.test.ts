// deploy/kubernetes/: what makes the manifests work, read as Kubernetes reads them (parsed with
// the yaml package, not grepped), and the Dockerfile's promises (slim Node LTS, non-root, no
// credentials). The flags the Job passes must be flags the CLI knows.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';

const root = resolve(import.meta.dirname, '../..');
const dir = join(root, 'deploy/kubernetes');

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string } };
}
interface Container {
  image: string;
  args: string[];
  env: EnvVar[];
  volumeMounts: { name: string; mountPath: string }[];
}
interface PodSpec {
  restartPolicy: string;
  securityContext: { runAsNonRoot: boolean; runAsUser: number };
  containers: Container[];
  volumes: { name: string; persistentVolumeClaim: { claimName: string } }[];
}
interface Job {
  apiVersion: string;
  kind: string;
  spec: { completionMode?: string; completions?: number; parallelism?: number; backoffLimit: number; template: { spec: PodSpec } };
}

function manifest<T>(file: string): T {
  const docs = parseAllDocuments(readFileSync(join(dir, file), 'utf8'));
  expect(docs).toHaveLength(1);
  const doc = Array.isArray(docs) ? docs[0]! : docs;
  expect(doc.errors).toEqual([]);
  return doc.toJS() as T;
}

/** Kubernetes' $(VAR) expansion of args, from the container's env (and the Job controller's JOB_COMPLETION_INDEX). */
function expand(args: string[], env: Record<string, string>): string[] {
  return args.map((a) => a.replace(/\$\(([A-Z_]+)\)/g, (m, name: string) => env[name] ?? m));
}

/** The long flags `objcheck <command> --help` lists. */
function knownFlags(command: string): Set<string> {
  const help = spawnSync(process.execPath, [join(root, 'dist/src/cli/main.js'), command, '--help'], { encoding: 'utf8' });
  return new Set([...help.stdout.matchAll(/--([a-z][a-z-]*)/g)].map((m) => m[1]!));
}

describe('deploy/kubernetes/shards-job.yaml', () => {
  const job = manifest<Job>('shards-job.yaml');
  const pod = job.spec.template.spec;
  const c = pod.containers[0]!;
  const env = Object.fromEntries(c.env.filter((e) => e.value !== undefined).map((e) => [e.name, e.value!]));

  it('is an Indexed Job running every shard at once, never retrying one', () => {
    expect(job).toMatchObject({ apiVersion: 'batch/v1', kind: 'Job', spec: { completionMode: 'Indexed', backoffLimit: 0 } });
    const n = Number(env.SHARDS);
    expect(n).toBeGreaterThan(1);
    expect(job.spec.completions).toBe(n);
    expect(job.spec.parallelism).toBe(n);
    expect(pod.restartPolicy).toBe('Never');
  });

  it('runs objcheck workload --shard $JOB_COMPLETION_INDEX/N --start-at …, with flags the CLI knows', () => {
    const args = expand(c.args, { ...env, JOB_COMPLETION_INDEX: '2' });
    expect(args[0]).toBe('workload');
    expect(args).toContain(`--shard=2/${env.SHARDS}`);
    expect(c.args).toContain('--shard=$(JOB_COMPLETION_INDEX)/$(SHARDS)');
    expect(c.args).toContain('--start-at=$(START_AT)');
    expect(c.args.some((a) => a.startsWith('--clock-error-ms='))).toBe(true);
    expect(c.args).toContain('--results=/results');
    const known = knownFlags('workload');
    for (const a of args.slice(1)) expect(known, a).toContain(/^--([a-z-]+)/.exec(a)![1]);
  });

  it('takes the credentials from a Secret and holds none itself; runs as non-root; writes to the shared volume', () => {
    const creds = c.env.filter((e) => /^AWS_(ACCESS_KEY_ID|SECRET_ACCESS_KEY)$/.test(e.name));
    expect(creds.map((e) => e.name).sort()).toEqual(['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY']);
    for (const e of creds) {
      expect(e.value).toBeUndefined();
      expect(e.valueFrom?.secretKeyRef).toMatchObject({ name: 'objcheck-s3' });
    }
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true });
    expect(pod.securityContext.runAsUser).toBeGreaterThan(0);
    expect(c.volumeMounts).toContainEqual({ name: 'results', mountPath: '/results' });
    expect(pod.volumes).toContainEqual({ name: 'results', persistentVolumeClaim: { claimName: 'objcheck-results' } });
  });
});

describe('deploy/kubernetes/merge-job.yaml and pvc.yaml', () => {
  it('merges the shards\' folders from the same volume, with flags the CLI knows', () => {
    const job = manifest<Job>('merge-job.yaml');
    const c = job.spec.template.spec.containers[0]!;
    const shards = manifest<Job>('shards-job.yaml').spec.template.spec.containers[0]!;
    const nameOf = (cc: Container) => cc.env.find((e) => e.name === 'RUN_NAME')!.value;
    expect(nameOf(c)).toBe(nameOf(shards));
    const args = expand(c.args, { RUN_NAME: 'test' });
    expect(args.slice(0, 2)).toEqual(['merge', '/results/test']);
    expect(args).toContain('--out=/results/test-merged');
    const known = knownFlags('merge');
    for (const a of args.filter((x) => x.startsWith('--'))) expect(known).toContain(/^--([a-z-]+)/.exec(a)![1]);
    expect(job.spec.template.spec.volumes).toEqual(manifest<Job>('shards-job.yaml').spec.template.spec.volumes);
    expect(c.image).toBe(shards.image);
  });

  it('claims a volume every pod can mount at once', () => {
    expect(manifest<{ kind: string; metadata: { name: string }; spec: { accessModes: string[] } }>('pvc.yaml')).toMatchObject({ kind: 'PersistentVolumeClaim', metadata: { name: 'objcheck-results' }, spec: { accessModes: ['ReadWriteMany'] } });
  });
});

describe('deploy/kubernetes/Dockerfile', () => {
  const text = readFileSync(join(dir, 'Dockerfile'), 'utf8');
  const instructions = text.split('\n').filter((l) => l.trim() !== '' && !l.trimStart().startsWith('#'));

  it('builds on a slim Node 24 (LTS) base and runs the CLI as a non-root user', () => {
    const froms = instructions.filter((l) => /^FROM /.test(l));
    expect(froms.length).toBeGreaterThan(0);
    for (const f of froms) expect(f).toMatch(/^FROM node:24-slim\b/);
    const users = instructions.filter((l) => /^USER /.test(l));
    expect(users.at(-1)).toMatch(/^USER (node|[1-9]\d*)$/);
    expect(instructions.at(-2)).toMatch(/^ENTRYPOINT \["node", "\/app\/dist\/src\/cli\/main\.js"\]$/);
  });

  it('bakes in no credentials', () => {
    for (const l of instructions) expect(l).not.toMatch(/AWS_|SECRET|PASSWORD|TOKEN|MINIO_ROOT/i);
    expect(readFileSync(join(dir, 'Dockerfile.dockerignore'), 'utf8')).toMatch(/\.env/);
  });
});
