import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { parseCliArgs } from '../../src/emulator/cli-args.js';
import { OptionsError, resolveOptions } from '../../src/emulator/options.js';

describe('emulator command line', () => {
  it('builds quorum options from flags', () => {
    const { options } = parseCliArgs([
      '--port', '0', '--seed', '7', '--consistency', 'quorum', '--replicas', '5', '--write-quorum', '3', '--read-quorum', '2',
      '--write-delay', 'mix:0.9*const:1,0.1*exp:50', '--clock-skew=0,-25,40', '--read-repair',
      '--drop-acked-writes', '0.01', '--drop-mode', 'coordinator', '--single-replica-reads', '--key', 'a:b', '--key', 'c:d:e', '--bucket', 'one',
    ]);
    expect(options).toMatchObject({
      port: 0,
      seed: 7,
      keys: [{ accessKeyId: 'a', secretAccessKey: 'b' }, { accessKeyId: 'c', secretAccessKey: 'd:e' }],
      buckets: ['one'],
      consistency: { model: 'quorum', replicas: 5, writeQuorum: 3, readQuorum: 2, delays: { writePropagation: 'mix:0.9*const:1,0.1*exp:50' }, coordinatorSkewsMs: [0, -25, 40], readRepair: true },
      faults: { dropAckedWrites: 0.01, dropMode: 'coordinator', singleReplicaReads: true },
    });
    expect(resolveOptions(options).model).toMatchObject({ model: 'quorum' });
  });

  it('--user names the user (id and display name) behind a --key pair, and only one given with --key', () => {
    const { options } = parseCliArgs(['--key', 'a:b', '--key', 'c:d:e', '--user', 'c:cid:C. Person: Jr']);
    expect(options.keys).toEqual([{ accessKeyId: 'a', secretAccessKey: 'b' }, { accessKeyId: 'c', secretAccessKey: 'd:e', userId: 'cid', displayName: 'C. Person: Jr' }]);
    expect(() => parseCliArgs(['--key', 'a:b', '--user', 'x:xid'])).toThrow(/--user/);
    expect(() => parseCliArgs(['--user', 'a:aid'])).toThrow(/--user/);
  });

  it('builds s3-legacy windows', () => {
    const { options } = parseCliArgs(['--consistency', 's3-legacy', '--stale-window', '50:200', '--negative-cache-window', '100', '--stale-probability', '1']);
    expect(options.consistency).toEqual({ model: 's3-legacy', staleWindowMs: [50, 200], negativeCacheWindowMs: [100, 100], staleReadProbability: 1 });
  });

  it.each([
    [['--replicas', '3']],
    [['--consistency', 'quorum', '--stale-window', '1:2']],
    [['--consistency', 'fast']],
    [['--port', 'abc']],
    [['--key', 'nosecret']],
    [['--drop-mode', 'sometimes']],
    [['--unknown']],
  ])('refuses %j', (argv) => {
    expect(() => parseCliArgs(argv)).toThrow(OptionsError);
  });

  it('the compiled server starts, answers and stops on SIGTERM', async () => {
    const child = spawn(process.execPath, ['dist/src/emulator/main.js', '--port', '0', '--bucket', 'cli-bucket'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const endpoint = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /listening on (http:\/\/\S+)/.exec(out);
        if (m) resolve(m[1]!);
      });
      child.once('exit', (code) => reject(new Error(`exited ${code}`)));
    });
    const res = await fetch(`${endpoint}/cli-bucket`);
    expect(res.status).toBe(403);
    await res.body?.cancel();
    const code = await new Promise<number | null>((resolve) => {
      child.once('exit', resolve);
      child.kill('SIGTERM');
    });
    expect(code).toBe(0);
  });

  it('prints the access key ids and where the secrets came from, never a secret', async () => {
    const run = async (args: string[]) => {
      const child = spawn(process.execPath, ['dist/src/emulator/main.js', '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      // Wait for the key line (bounded by the test's timeout), then stop the server.
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          if (/^access keys? .*\n/m.test(out)) resolve();
        });
        child.once('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
      });
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
      return out;
    };
    const custom = await run(['--key', 'alice:alice-secret-123', '--key', 'bob:bob-secret-456']);
    expect(custom).toMatch(/^access keys alice, bob \(secrets: as given with --key\)$/m);
    expect(custom).not.toMatch(/alice-secret-123|bob-secret-456/);
    const defaults = await run([]);
    expect(defaults).toMatch(/^access key objcheck \(secret: the default pair, see --help\)$/m);
    expect(defaults).not.toContain('objcheck-secret');
  });

  it('a bad flag exits 3 with the reason', async () => {
    const child = spawn(process.execPath, ['dist/src/emulator/main.js', '--consistency', 'nope'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(3);
    expect(err).toContain('--consistency');
  });

  it('names the flag in the user\'s words: a quorum larger than the replicas', () => {
    expect(() => parseCliArgs(['--consistency', 'quorum', '--write-quorum', '5'])).toThrow('--write-quorum must be a whole number from 1 to --replicas (3, the default), got 5');
    expect(() => parseCliArgs(['--consistency', 'quorum', '--replicas', '2', '--read-quorum', '0'])).toThrow('--read-quorum must be a whole number from 1 to --replicas (2), got 0');
  });

  it.each([
    [['--bucket', 'Bad_Bucket!'], /^objcheck-emulator: --bucket: "Bad_Bucket!": The specified bucket is not valid\. \(3 to 63/],
    [['--host', '192.0.2.1'], /^objcheck-emulator: cannot listen on 192\.0\.2\.1:0 \(EADDRNOTAVAIL\): check --host and --port\n$/],
  ])('%j: one line and exit 3, no stack trace', async (args, message) => {
    const child = spawn(process.execPath, ['dist/src/emulator/main.js', '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(3);
    expect(err).toMatch(message);
    expect(err).not.toMatch(/\n\s+at /);
  });
});
