import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteObjectCommand, HeadObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import type { EmulatorOptions, GroundTruthEvent } from '../../src/emulator/index.js';
import { sleep } from '../../src/util/sleep.js';
import { put, readText, twoClientEmulator } from './sdk.js';

const BUCKET = 'consistency';
const start = twoClientEmulator({ buckets: [BUCKET], seed: 42 });

async function listKeys(s3: S3Client, prefix: string): Promise<string[]> {
  const out = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix }));
  return (out.Contents ?? []).map((c) => c.Key!);
}

describe('strong', () => {
  it('a read from another client after a completed write always sees it', async () => {
    const { a, b } = await start({ consistency: 'strong' });
    for (let i = 0; i < 150; i++) {
      const key = `k${i % 5}`;
      await put(a, BUCKET, key, `v${i}`);
      expect(await readText(b, BUCKET, key)).toBe(`v${i}`);
    }
  });
});

describe('s3-legacy', () => {
  const legacy: EmulatorOptions['consistency'] = {
    model: 's3-legacy',
    staleWindowMs: [50, 200],
    staleReadProbability: 0.5,
    negativeCacheWindowMs: [50, 200],
    listLagMs: [50, 200],
  };

  it('a read right after an overwrite can return the previous value; later reads settle on the new one', async () => {
    const { a, b } = await start({ consistency: { ...legacy, staleWindowMs: [150, 300] } });
    let stale = 0;
    for (let trial = 0; trial < 20; trial++) {
      const key = `ow${trial}`;
      await put(a, BUCKET, key, 'old');
      await put(a, BUCKET, key, 'new');
      const seen = await readText(b, BUCKET, key);
      expect(['old', 'new']).toContain(seen);
      if (seen === 'old') stale++;
    }
    expect(stale).toBeGreaterThan(0);
    await sleep(350);
    for (let trial = 0; trial < 20; trial++) expect(await readText(b, BUCKET, `ow${trial}`)).toBe('new');
  });

  it('a new key is readable at once (read-after-write)', async () => {
    const { a, b } = await start({ consistency: legacy });
    for (let i = 0; i < 40; i++) {
      await put(a, BUCKET, `fresh${i}`, 'v');
      expect(await readText(b, BUCKET, `fresh${i}`)).toBe('v');
    }
  });

  it('a GET that got 404 before the first PUT keeps getting 404 for a while (negative caching)', async () => {
    // Windows far longer than a request, so that a slow machine still reads inside them.
    const { a, b } = await start({ consistency: { ...legacy, negativeCacheWindowMs: [300, 400] } });
    // A trial counts only when its requests all ended inside the shortest window (300 ms from
    // before the first 404): a loaded machine may be slower, and then the trial is run again
    // (bounded), never judged.
    let inside = 0;
    let trial = 0;
    for (; inside < 10 && trial < 60; trial++) {
      const key = `neg${trial}`;
      const t0 = performance.now();
      expect(await readText(b, BUCKET, key)).toBeNull();
      await put(a, BUCKET, key, 'v');
      const get = await readText(b, BUCKET, key);
      // HEAD goes through the same negative cache.
      const head = await b.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key })).then(() => 'found', (e: Error) => e.name);
      if (performance.now() - t0 >= 300) continue;
      expect(get).toBeNull();
      expect(head).toBe('NotFound');
      inside++;
    }
    expect(inside).toBe(10);
    await sleep(450);
    for (let k = 0; k < trial; k++) expect(await readText(b, BUCKET, `neg${k}`)).toBe('v');
  });

  it('LIST lags behind writes and deletes, then catches up', async () => {
    const { a } = await start({ consistency: { ...legacy, listLagMs: [300, 400] } });
    await put(a, BUCKET, 'list/one', '1');
    expect(await listKeys(a, 'list/')).toEqual([]);
    await sleep(450);
    expect(await listKeys(a, 'list/')).toEqual(['list/one']);
    await a.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: 'list/one' }));
    expect(await listKeys(a, 'list/')).toEqual(['list/one']);
    await sleep(450);
    expect(await listKeys(a, 'list/')).toEqual([]);
  });
});

describe('quorum', () => {
  it('N=3 W=1 R=1 with propagation delays gives stale reads', async () => {
    const { a, b } = await start({
      consistency: { model: 'quorum', replicas: 3, writeQuorum: 1, readQuorum: 1, delays: { writePropagation: 'uniform:0:150', ack: 'const:0', readRequest: 'exp:1', readResponse: 'const:0' } },
    });
    let stale = 0;
    for (let i = 0; i < 30; i++) {
      await put(a, BUCKET, 'q', `v${i}`);
      const seen = await readText(b, BUCKET, 'q');
      if (seen !== `v${i}`) stale++;
    }
    expect(stale).toBeGreaterThan(0);
  });

  for (const [w, r] of [
    [2, 2],
    [3, 1],
    [1, 3],
  ] as const) {
    it(`N=3 W=${w} R=${r} (W+R>N), no skew or faults: no stale read after a completed write`, async () => {
      const { a, b } = await start({
        consistency: {
          model: 'quorum',
          replicas: 3,
          writeQuorum: w,
          readQuorum: r,
          delays: { writePropagation: 'mix:0.8*exp:2,0.2*uniform:5:30', ack: 'exp:1', readRequest: 'exp:2', readResponse: 'pareto:0.5:2' },
        },
      });
      for (let i = 0; i < 60; i++) {
        await put(a, BUCKET, `k${i % 3}`, `v${i}`);
        expect(await readText(b, BUCKET, `k${i % 3}`)).toBe(`v${i}`);
      }
    });
  }

  it('clock skew between coordinators makes a later write lose to an earlier one', async () => {
    const { a, b } = await start({
      consistency: { model: 'quorum', replicas: 3, writeQuorum: 2, readQuorum: 2, coordinatorSkewsMs: [0, -5000] },
    });
    let lost = 0;
    for (let i = 0; i < 30; i++) {
      await put(a, BUCKET, 'skew', `v${i}`);
      if ((await readText(b, BUCKET, 'skew')) !== `v${i}`) lost++;
    }
    expect(lost).toBeGreaterThan(0);
  });

  it('single-replica reads are not monotonic: a newer value, then an older one', async () => {
    const { a, b } = await start({
      consistency: { model: 'quorum', replicas: 3, writeQuorum: 1, readQuorum: 2, delays: { writePropagation: 'uniform:0:200' } },
      faults: { singleReplicaReads: true },
    });
    let flips = 0;
    for (let trial = 0; trial < 10 && flips === 0; trial++) {
      await put(a, BUCKET, 'nm', `old${trial}`);
      await sleep(220);
      await put(a, BUCKET, 'nm', `new${trial}`);
      let sawNew = false;
      for (let i = 0; i < 20; i++) {
        const seen = await readText(b, BUCKET, 'nm');
        if (seen === `new${trial}`) sawNew = true;
        else if (sawNew && seen === `old${trial}`) flips++;
      }
    }
    expect(flips).toBeGreaterThan(0);
  });
});

describe('faults', () => {
  it('drop (nowhere): acknowledged writes are lost, and the ground truth names them', async () => {
    const { emulator, a, b } = await start({ consistency: 'strong', faults: { dropAckedWrites: 0.5 }, groundTruth: true });
    for (let i = 0; i < 40; i++) await put(a, BUCKET, `d${i}`, 'v');
    const missing: string[] = [];
    for (let i = 0; i < 40; i++) if ((await readText(b, BUCKET, `d${i}`)) === null) missing.push(`d${i}`);
    expect(missing.length).toBeGreaterThan(5);
    expect(missing.length).toBeLessThan(35);
    const dropped = emulator.groundTruth!.events.filter((e): e is Extract<GroundTruthEvent, { kind: 'drop' }> => e.kind === 'drop');
    expect(dropped.map((e) => e.key).sort()).toEqual(missing.sort());
  });

  it('drop (coordinator): the write is readable on its one replica, then vanishes', async () => {
    const { emulator, a, b } = await start({
      consistency: { model: 'quorum', replicas: 3, writeQuorum: 2, readQuorum: 3 },
      faults: { dropAckedWrites: 1, dropMode: 'coordinator', lossAfterMs: 300 },
      groundTruth: true,
    });
    await put(a, BUCKET, 'lost', 'v');
    expect(await readText(b, BUCKET, 'lost')).toBe('v');
    await sleep(400);
    expect(await readText(b, BUCKET, 'lost')).toBeNull();
    const kinds = emulator.groundTruth!.events.filter((e) => 'key' in e && e.key === 'lost').map((e) => e.kind);
    expect(kinds).toContain('drop');
    expect(kinds).toContain('lose');
  });

  it('the caching front serves the cached version for max-age, then the new one', async () => {
    const { emulator, a, b } = await start({ consistency: 'strong', faults: { cacheFront: true }, groundTruth: true });
    await put(a, BUCKET, 'cached', 'v1', { CacheControl: 'max-age=1' });
    await put(a, BUCKET, 'uncached', 'v1');
    expect(await readText(b, BUCKET, 'cached')).toBe('v1');
    expect(await readText(b, BUCKET, 'uncached')).toBe('v1');
    await put(a, BUCKET, 'cached', 'v2', { CacheControl: 'max-age=1' });
    await put(a, BUCKET, 'uncached', 'v2');
    expect(await readText(b, BUCKET, 'cached')).toBe('v1');
    expect(await readText(b, BUCKET, 'uncached')).toBe('v2');
    const served = emulator.groundTruth!.events.filter((e) => e.kind === 'op' && e.key === 'cached' && e.servedBy === 'cache');
    expect(served).toHaveLength(1);
    await sleep(1100);
    expect(await readText(b, BUCKET, 'cached')).toBe('v2');
  });
});

describe('ground truth', () => {
  it('records which replicas each write reached and when, which replicas served each read, and writes JSONL', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'objcheck-gt-')), 'truth.jsonl');
    const { emulator, a, b } = await start({
      consistency: { model: 'quorum', replicas: 3, writeQuorum: 1, readQuorum: 2, delays: { writePropagation: 'uniform:1:30' } },
      groundTruth: { jsonlPath: path },
    });
    await put(a, BUCKET, 'gt', 'v');
    await sleep(60);
    const seen = await readText(b, BUCKET, 'gt');
    expect(seen).toBe('v');
    const truth = emulator.groundTruth!;
    const putOp = truth.events.find((e) => e.kind === 'op' && e.op === 'PutObject');
    expect(putOp?.kind === 'op' && putOp.writeId).toBeTruthy();
    const writeId = (putOp as Extract<GroundTruthEvent, { kind: 'op' }>).writeId!;
    expect(truth.appliedOn(writeId).sort()).toEqual([0, 1, 2]);
    const applies = truth.events.filter((e): e is Extract<GroundTruthEvent, { kind: 'apply' }> => e.kind === 'apply' && e.writeId === writeId);
    const { startNs, endNs } = putOp as Extract<GroundTruthEvent, { kind: 'op' }>;
    // The acknowledging replica got the write inside the request; at least one other after it.
    expect(applies.some((e) => e.atNs >= startNs && e.atNs <= endNs)).toBe(true);
    const getOp = truth.events.find((e) => e.kind === 'op' && e.op === 'GetObject') as Extract<GroundTruthEvent, { kind: 'op' }>;
    expect(getOp.writeId).toBe(writeId);
    expect(getOp.replicas).toHaveLength(2);
    expect(getOp.coordinator).toBe(0);
    truth.flush();
    const lines = readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as GroundTruthEvent);
    expect(lines).toEqual(truth.events);
  });
});
