import { describe, expect, it } from 'vitest';
import { GroundTruthLog } from '../../src/emulator/ground-truth.js';
import type { ModelContext } from '../../src/emulator/models/keyspace.js';
import { QuorumKeyspace } from '../../src/emulator/models/quorum.js';
import { LegacyKeyspace, type LegacyParams } from '../../src/emulator/models/s3-legacy.js';
import { StrongKeyspace } from '../../src/emulator/models/strong.js';
import { DroppingWrites } from '../../src/emulator/models/write-faults.js';
import { parseDelaySpec } from '../../src/emulator/delay-spec.js';
import { md5Etag, type NewObject } from '../../src/emulator/object-version.js';
import { OptionsError, resolveOptions } from '../../src/emulator/options.js';
import { Random } from '../../src/util/random.js';
import { sleep } from '../../src/util/sleep.js';

function obj(text: string): NewObject {
  const body = Buffer.from(text);
  return { body, etag: md5Etag(body), contentType: 'text/plain', metadata: {} };
}

/** A context on a clock the test moves by hand. */
function fakeContext(seed = 1): ModelContext & { clock: { t: number } } {
  const clock = { t: 1_000_000 };
  return { bucket: 'b', random: new Random(seed), now: () => clock.t, lossAfterMs: 50, truth: new GroundTruthLog(), clock };
}

const text = (v: { body: Buffer } | null) => (v ? v.body.toString() : null);

describe('strong model', () => {
  it('reads its own writes, deletes, and judges preconditions atomically', async () => {
    const ctx = fakeContext();
    const ks = new StrongKeyspace(ctx);
    await ks.write({ key: 'k', object: obj('a'), writeId: 1 });
    expect(text((await ks.read('k')).version)).toBe('a');
    await expect(ks.write({ key: 'k', object: obj('b'), writeId: 2, precondition: { ifNoneMatch: '*' } })).rejects.toMatchObject({ code: 'PreconditionFailed' });
    await ks.write({ key: 'k', object: null, writeId: 3 });
    expect((await ks.read('k')).version).toBeNull();
    expect(ks.isEmpty()).toBe(true);
  });
});

describe('s3-legacy model', () => {
  const params: LegacyParams = { staleWindowMs: [100, 100], staleReadProbability: 1, negativeCacheWindowMs: [200, 200], listLagMs: [300, 300] };

  it('overwrites are stale for the window, then settle', async () => {
    const ctx = fakeContext();
    const ks = new LegacyKeyspace(ctx, params);
    await ks.write({ key: 'k', object: obj('v1'), writeId: 1 });
    expect(text((await ks.read('k')).version)).toBe('v1');
    ctx.clock.t += 10;
    await ks.write({ key: 'k', object: obj('v2'), writeId: 2 });
    ctx.clock.t += 99;
    expect(text((await ks.read('k')).version)).toBe('v1');
    ctx.clock.t += 2;
    expect(text((await ks.read('k')).version)).toBe('v2');
  });

  it('deletes are eventually visible too', async () => {
    const ctx = fakeContext();
    const ks = new LegacyKeyspace(ctx, params);
    await ks.write({ key: 'k', object: obj('v1'), writeId: 1 });
    await ks.write({ key: 'k', object: null, writeId: 2 });
    expect(text((await ks.read('k')).version)).toBe('v1');
    ctx.clock.t += 101;
    expect((await ks.read('k')).version).toBeNull();
  });

  it('a 404 before the first write is remembered for the negative-cache window', async () => {
    const ctx = fakeContext();
    const ks = new LegacyKeyspace(ctx, params);
    expect((await ks.read('k')).version).toBeNull();
    await ks.write({ key: 'k', object: obj('v1'), writeId: 1 });
    ctx.clock.t += 199;
    expect(await ks.read('k')).toMatchObject({ version: null, servedBy: 'negative-cache' });
    ctx.clock.t += 2;
    expect(text((await ks.read('k')).version)).toBe('v1');
  });

  it('LIST shows a write only after the list lag', async () => {
    const ctx = fakeContext();
    const ks = new LegacyKeyspace(ctx, params);
    await ks.write({ key: 'k', object: obj('v1'), writeId: 1 });
    expect((await ks.list()).lookup('k')).toBeUndefined();
    ctx.clock.t += 300;
    expect(text((await ks.list()).lookup('k') ?? null)).toBe('v1');
    const truth = ctx.truth!.events.find((e) => e.kind === 'settle');
    expect(truth).toMatchObject({ writeId: 1 });
  });

  it('judges preconditions on the true latest state', async () => {
    const ctx = fakeContext();
    const ks = new LegacyKeyspace(ctx, params);
    await ks.write({ key: 'k', object: obj('v1'), writeId: 1 });
    await ks.write({ key: 'k', object: obj('v2'), writeId: 2 });
    await expect(ks.write({ key: 'k', object: obj('v3'), writeId: 3, precondition: { ifMatch: obj('v1').etag } })).rejects.toMatchObject({ code: 'PreconditionFailed' });
    await ks.write({ key: 'k', object: obj('v3'), writeId: 4, precondition: { ifMatch: obj('v2').etag } });
  });
});

describe('quorum model', () => {
  const zero = parseDelaySpec('0');
  const delays = { writePropagation: zero, ack: zero, readRequest: zero, readResponse: zero };

  it('with zero delays it behaves as one copy; tombstones win over older writes', async () => {
    const ctx = fakeContext();
    const ks = new QuorumKeyspace(ctx, { replicas: 3, writeQuorum: 2, readQuorum: 2, delays, coordinatorSkewsMs: [0], readRepair: false, singleReplicaReads: false });
    await ks.write({ key: 'k', object: obj('v1'), writeId: 1 });
    ctx.clock.t += 1;
    expect(text((await ks.read('k')).version)).toBe('v1');
    await ks.write({ key: 'k', object: null, writeId: 2 });
    expect((await ks.read('k')).version).toBeNull();
    expect(ks.isEmpty()).toBe(true);
    expect(ctx.truth!.appliedOn(1)).toEqual([0, 1, 2]);
  });

  it('last writer wins by timestamp, not by arrival: a write stamped earlier loses', async () => {
    const ctx = fakeContext(5);
    const ks = new QuorumKeyspace(ctx, { replicas: 3, writeQuorum: 3, readQuorum: 1, delays, coordinatorSkewsMs: [0], readRepair: false, singleReplicaReads: false });
    await ks.write({ key: 'k', object: obj('first'), writeId: 2 });
    // A coordinator whose clock is 5 s behind stamps its write as this one does.
    ctx.clock.t -= 5000;
    await ks.write({ key: 'k', object: obj('second, stamped earlier'), writeId: 3 });
    expect(text((await ks.read('k')).version)).toBe('first');
    const superseded = ctx.truth!.events.filter((e) => e.kind === 'apply' && e.writeId === 3 && e.superseded);
    expect(superseded).toHaveLength(3);
  });

  it('read repair sends the newest version to the replicas that answered with an older one', async () => {
    const ctx = fakeContext();
    const ks = new QuorumKeyspace(ctx, {
      replicas: 3,
      writeQuorum: 1,
      readQuorum: 3,
      delays: { ...delays, writePropagation: parseDelaySpec('uniform:10:60') },
      coordinatorSkewsMs: [0],
      readRepair: true,
      singleReplicaReads: false,
    });
    await ks.write({ key: 'k', object: obj('v'), writeId: 1 });
    expect(text((await ks.read('k')).version)).toBe('v');
    await sleep(150);
    // Three deliveries by propagation, plus one repair for each replica that was behind at the read.
    const applies = ctx.truth!.events.filter((e) => e.kind === 'apply' && e.writeId === 1);
    expect(applies.length).toBeGreaterThan(3);
    ks.close();
  });

  it('conditional writes are a read then a write: both of two concurrent If-None-Match can pass', async () => {
    const ctx = fakeContext();
    const d = parseDelaySpec('const:20');
    const ks = new QuorumKeyspace(ctx, { replicas: 3, writeQuorum: 2, readQuorum: 2, delays: { ...delays, writePropagation: d }, coordinatorSkewsMs: [0], readRepair: false, singleReplicaReads: false });
    const results = await Promise.allSettled([
      ks.write({ key: 'k', object: obj('a'), writeId: 1, precondition: { ifNoneMatch: '*' } }),
      ks.write({ key: 'k', object: obj('b'), writeId: 2, precondition: { ifNoneMatch: '*' } }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled']);
    ks.close();
  });
});

describe('drop fault', () => {
  it('nowhere: an acknowledged write never lands, and a failing precondition still fails', async () => {
    const ctx = fakeContext();
    const ks = new DroppingWrites(new StrongKeyspace(ctx), ctx, 1, 'nowhere');
    const out = await ks.write({ key: 'k', object: obj('v'), writeId: 1 });
    expect(out.version.etag).toBe(obj('v').etag);
    expect((await ks.read('k')).version).toBeNull();
    await expect(ks.write({ key: 'k', object: obj('v'), writeId: 2, precondition: { ifMatch: '"x"' } })).rejects.toMatchObject({ code: 'NoSuchKey' });
  });

  it('coordinator (strong): readable until the loss delay, then the previous value is back', async () => {
    const ctx = { ...fakeContext(), now: () => Date.now() };
    const inner = new StrongKeyspace(ctx);
    await inner.write({ key: 'k', object: obj('before'), writeId: 1 });
    const ks = new DroppingWrites(inner, ctx, 1, 'coordinator');
    await ks.write({ key: 'k', object: obj('lost'), writeId: 2 });
    expect(text((await ks.read('k')).version)).toBe('lost');
    await sleep(80);
    expect(text((await ks.read('k')).version)).toBe('before');
    ks.close();
  });
});

describe('options', () => {
  it('fills defaults and refuses nonsense', () => {
    const o = resolveOptions({ consistency: 'quorum' });
    expect(o.model).toMatchObject({ model: 'quorum', params: { replicas: 3, writeQuorum: 1, readQuorum: 1 } });
    expect(o.keys).toEqual([{ accessKeyId: 'objcheck', secretAccessKey: 'objcheck-secret' }]);
    expect(() => resolveOptions({ consistency: { model: 'quorum', replicas: 3, writeQuorum: 4 } })).toThrow(OptionsError);
    expect(() => resolveOptions({ consistency: { model: 'quorum', delays: { ack: 'exp:-1' } } })).toThrow(OptionsError);
    expect(() => resolveOptions({ consistency: 'strong', faults: { singleReplicaReads: true } })).toThrow(OptionsError);
    expect(() => resolveOptions({ faults: { dropAckedWrites: 2 } })).toThrow(OptionsError);
    expect(() => resolveOptions({ consistency: 'eventual' as 'strong' })).toThrow(OptionsError);
    expect(() => resolveOptions({ consistency: { model: 's3-legacy', staleWindowMs: [5, 1] } })).toThrow(OptionsError);
  });
});
