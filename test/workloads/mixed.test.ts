import { describe, expect, it } from 'vitest';
import { selectCheckers } from '../../src/check/select-checkers.js';
import { workloadFor, workloads } from '../../workloads/registry.js';
import { parseMix } from '../../workloads/mixed.js';
import { checkAll, faultyMixedRun, verdicts } from './checkers.js';
import { objcheckWorkload } from '../windows/helpers.js';

describe('mixed workload', () => {
  it('parses a mix, and says what is wrong with one that is not', () => {
    expect(parseMix('register=4,list=1, cas', workloads).map((p) => [p.workload.name, p.weight])).toEqual([['register', 4], ['list', 1], ['cas', 1]]);
    expect(() => parseMix('register=4,bogus=1', workloads)).toThrow('no workload named "bogus" to mix; known: register, new-object, list, cas, metadata, lock, revocation, cache, config, replication');
    expect(() => workloadFor('mixed', 'register=1,pbs=1')).toThrow('pbs runs alone, not in a mix: its ops start at planned times (open loop), which a mix drawing ops by weight cannot keep');
    expect(() => parseMix('register=0', workloads)).toThrow('the weight of register must be above 0');
    expect(() => parseMix('register=1,register=2', workloads)).toThrow('register is named twice');
    expect(() => parseMix('mixed=1', workloads)).toThrow(/no workload named "mixed"/);
    expect(() => parseMix('register:4', workloads)).toThrow('"register:4" is not name=weight');
    expect(() => workloadFor('register', 'cas=1')).toThrow('only with --workload mixed (not register)');
  });

  it('draws each op from a part by weight, on the part\'s own keys; deterministic; checkers scoped to parts', () => {
    const w = workloadFor('mixed', 'register=4,list=1,cas=1');
    const take = (seed: number) => {
      const g = w.generator({ seed, keys: 5 });
      return Array.from({ length: 3000 }, () => g.next()!);
    };
    const ops = take(1);
    expect(take(1)).toEqual(ops);
    expect(take(2)).not.toEqual(ops);
    const share = (part: string) => ops.filter((o) => o.key!.startsWith(`${part}/`)).length / ops.length;
    expect(share('register')).toBeGreaterThan(0.6);
    expect(share('list')).toBeGreaterThan(0.1);
    expect(share('cas')).toBeGreaterThan(0.1);
    expect(share('register') + share('list') + share('cas')).toBe(1);
    expect(ops.filter((o) => o.f === 'list').every((o) => o.key === 'list/l/')).toBe(true);
    expect(w.checkers).toEqual([
      'register:read-validity', 'register:linearizable', 'register:stale-reads', 'register:session-guarantees', 'register:visibility', 'register:delta-atomicity',
      'list:list-consistency', 'cas:read-validity', 'cas:linearizable', 'cas:create-once',
    ]);
    // The cas part reads the keys it used (its slots move to new keys as they go), and only its own.
    expect(w.finalReads!({ seed: 1, keys: 2 }, () => new Set(['register/k0', 'cas/r0.0', 'cas/r1.2', 'list/l/x'])).map((o) => [o.f, o.key])).toEqual([
      ['get', 'register/k0'],
      ['get', 'register/k1'],
      ['read', 'cas/r0.0'],
      ['read', 'cas/r1.2'],
    ]);
    expect(selectCheckers(['cas:linearizable'])[0]!.name).toBe('cas:linearizable');
  });

  it('mixes the measurement workloads too: on the emulator each part gets its knobs and its window, beside a valid register', async () => {
    const r = await objcheckWorkload(['--workload', 'mixed', '--mix', 'register=2,revocation=1,cache=1,replication=1,config=1', '--target', 'emulator', '--time-limit', '6', '--policy-delay', '200', '--key-state-delay', '100', '--replica-lag', '100']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('emulator: --cache-front --read-target replica --ground-truth (the mixed workload needs them');
    // Every part's checker measured its own window from its own ops (ground truth scoped to the
    // part: replication's samples are its own writes, not register's).
    expect(r.stdout).toMatch(/register:linearizable: valid/);
    expect(r.stdout).toMatch(/revocation:revocation: valid\n\s+revoke: [\d.]+ ms/);
    expect(r.stdout).toMatch(/cache:cache: valid\n\s+cache: [\d.]+ ms/);
    expect(r.stdout).toMatch(/config:config: valid\n\s+versioning-enable: [\d.]+ ms/);
    const m = /replication:replication: valid\n\s+replication: ([\d.]+) ms at the store \(median of (\d+)/.exec(r.stdout);
    expect(m, r.stdout).not.toBeNull();
    expect(Number(m![1])).toBeGreaterThanOrEqual(100);
    expect(Number(m![1])).toBeLessThanOrEqual(120);
    // A phase lasts at least the 100 ms lag: at most 60 in 6 s; register's hundreds of writes are not counted.
    expect(Number(m![2])).toBeLessThanOrEqual(60);
  }, 30_000);

  it('runs each part\'s checkers on its keys, with its model: the emulator\'s faults are found in the parts they break', async () => {
    const { mixed, h } = await faultyMixedRun();
    const results = await checkAll(mixed, h);
    const v = verdicts(results);
    // Stale reads in the register and metadata parts; conditions ignored: the cas and lock parts.
    expect(v['register:stale-reads']).toBe(false);
    expect(v['metadata:stale-reads']).toBe(false);
    expect(v['cas:linearizable']).toBe(false);
    expect(v['cas:create-once']).toBe(false);
    expect(v['lock:mutual-exclusion']).toBe(false);
    // Each checker saw only its part: the register part's reads are its gets, and every
    // anomaly names a key of its part.
    const registerGets = h.ops.filter((o) => o.f === 'get' && o.type === 'ok' && o.key!.startsWith('register/')).length;
    expect(results['register:read-validity']!.reads).toBe(registerGets);
    for (const [name, r] of Object.entries(results)) {
      const part = name.split(':')[0]!;
      for (const a of r.anomalies) if (a.key !== undefined) expect(a.key.startsWith(`${part}/`)).toBe(true);
    }
    expect(results['cas:linearizable']!.model).toBe('cas-register');
    expect(results['register:linearizable']!.model).toBe('register');
  });
});
