// Issue 8: faults switched on and off while the emulator runs (RunningEmulator.faults), seen
// through the AWS SDK. Every delay is 0 here, so without a fault each operation completes in
// one tick and reads are never stale: whatever goes wrong is the fault's doing.
import { CreateBucketCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { FaultError, type GroundTruthEvent, type RunningEmulator } from '../../src/emulator/index.js';
import { sleep } from '../../src/util/sleep.js';
import { failure, put, readText, twoClientEmulator } from './sdk.js';

const BUCKET = 'faults';
const start = twoClientEmulator({ buckets: [BUCKET], seed: 8, groundTruth: true });

/** Client a writes a fresh value, client b reads it back; how many reads missed the write. */
async function staleReads(a: S3Client, b: S3Client, bucket: string, key: string, rounds: number): Promise<number> {
  let stale = 0;
  for (let i = 0; i < rounds; i++) {
    await put(a, bucket, key, `${key}-${i}`);
    if ((await readText(b, bucket, key)) !== `${key}-${i}`) stale++;
  }
  return stale;
}

/** Resolves to 'pending' if the promise has not settled within ms. */
async function pendingAfter<T>(promise: Promise<T>, ms: number): Promise<T | 'pending'> {
  return Promise.race([promise, sleep(ms).then(() => 'pending' as const)]);
}

const faultEvents = (e: RunningEmulator) => e.groundTruth!.events.filter((x): x is Extract<GroundTruthEvent, { kind: 'fault' }> => x.kind === 'fault');

describe('replica partitions', () => {
  // Three coordinators, one on each replica's node: a partition leaves clients on both sides.
  const eventual = { model: 'quorum' as const, replicas: 3, writeQuorum: 1, readQuorum: 1, coordinatorSkewsMs: [0, 0, 0], delays: { writePropagation: '0' } };

  it('R = W = 1: reads are stale only while a replica is cut off; healing delivers its missed writes and the replicas converge', async () => {
    const { emulator, a, b } = await start({ consistency: eventual });
    expect(await staleReads(a, b, BUCKET, 'before', 30)).toBe(0);

    emulator.faults.partitionReplicas([2]);
    // A bucket made during the partition is on the same network.
    await a.send(new CreateBucketCommand({ Bucket: 'late' }));
    const during = await staleReads(a, b, BUCKET, 'during', 30);
    const duringLate = await staleReads(a, b, 'late', 'during', 30);
    expect(during).toBeGreaterThan(3);
    expect(duringLate).toBeGreaterThan(3);
    expect(emulator.faults.describe()).toMatchObject({ partitions: [[2]], coordinatorNodes: [0, 1, 2] });
    expect(emulator.faults.describe().heldMessages).toBeGreaterThan(0);

    emulator.faults.healPartitions();
    expect(emulator.faults.describe()).toMatchObject({ partitions: [], heldMessages: 0 });
    const truth = emulator.groundTruth!;
    const puts = truth.events.filter((e): e is Extract<GroundTruthEvent, { kind: 'op' }> => e.kind === 'op' && e.op === 'PutObject');
    expect(puts).toHaveLength(90);
    for (const p of puts) expect(truth.appliedOn(p.writeId!).sort()).toEqual([0, 1, 2]);
    // Every coordinator (picked at random per request) now reads the last write.
    for (let i = 0; i < 15; i++) {
      expect(await readText(b, BUCKET, 'during')).toBe('during-29');
      expect(await readText(b, 'late', 'during')).toBe('during-29');
    }
    expect(await staleReads(a, b, BUCKET, 'after', 30)).toBe(0);

    const faults = faultEvents(emulator);
    expect(faults.map((f) => [f.fault, f.action])).toEqual([
      ['partition', 'start'],
      ['partition', 'end'],
    ]);
    expect(faults[0]!.replicas).toEqual([2]);
    expect(faults[1]!.delivered).toBeGreaterThan(0);
  });

  it('majority quorums: with a majority cut off from the coordinator, writes and reads wait; a write that timed out still lands at the heal', async () => {
    const { emulator, a, b } = await start({ consistency: { model: 'quorum', replicas: 3, writeQuorum: 2, readQuorum: 2, delays: { writePropagation: '0' } } });
    await put(a, BUCKET, 'k', 'before');
    // The one coordinator runs on replica 0's node: it can reach only replica 0 now.
    emulator.faults.partitionReplicas([1, 2]);

    const timedOut = a.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'k', Body: 'during' }), { abortSignal: AbortSignal.timeout(200) });
    expect((await failure(timedOut)).name).toMatch(/Abort|Timeout/);
    const read = readText(b, BUCKET, 'k');
    expect(await pendingAfter(read, 300)).toBe('pending');
    const write = put(a, BUCKET, 'other', 'v');
    expect(await pendingAfter(write, 100)).toBe('pending');

    emulator.faults.healPartitions();
    // The client gave up on it, but the write was applied: an indeterminate (info) operation.
    expect(await read).toBe('during');
    await write;
    expect(await readText(b, BUCKET, 'other')).toBe('v');
  });

  it('a partition that leaves the coordinator with a majority changes nothing for it', async () => {
    const { emulator, a, b } = await start({ consistency: { model: 'quorum', replicas: 3, writeQuorum: 2, readQuorum: 2, delays: { writePropagation: '0' } } });
    emulator.faults.partitionReplicas([2]);
    expect(await staleReads(a, b, BUCKET, 'k', 10)).toBe(0);
    expect(emulator.groundTruth!.appliedOn(1)).toEqual([0, 1]);
    emulator.faults.healPartitions();
    expect(emulator.groundTruth!.appliedOn(1)).toEqual([0, 1, 2]);
  });

  it('refuses replicas that do not exist', async () => {
    const { emulator } = await start({ consistency: eventual });
    expect(() => emulator.faults.partitionReplicas([3])).toThrow(/replica 3 does not exist/);
    expect(() => emulator.faults.partitionReplicas([])).toThrow(FaultError);
    expect(emulator.faults.describe()).toMatchObject({ partitions: [] });
  });
});

describe('clock skew at runtime', () => {
  it('a later write through a coordinator whose clock was set back loses to an earlier one; resetting restores the order', async () => {
    const { emulator, a, b } = await start({ consistency: { model: 'quorum', replicas: 3, writeQuorum: 2, readQuorum: 2, delays: { writePropagation: '0' } } });
    await put(a, BUCKET, 'k', 'first');
    emulator.faults.setClockSkews([-5000]);
    expect(emulator.faults.describe()).toMatchObject({ clockSkewsMs: [-5000], configuredClockSkewsMs: [0] });
    await put(a, BUCKET, 'k', 'second');
    expect(await readText(b, BUCKET, 'k')).toBe('first');
    const truth = emulator.groundTruth!;
    const second = truth.events.filter((e): e is Extract<GroundTruthEvent, { kind: 'op' }> => e.kind === 'op' && e.op === 'PutObject')[1]!;
    const applies = truth.events.filter((e) => e.kind === 'apply' && e.writeId === second.writeId);
    expect(applies.map((e) => e.kind === 'apply' && e.superseded)).toEqual([true, true, true]);

    emulator.faults.resetClockSkews();
    await put(a, BUCKET, 'k', 'third');
    expect(await readText(b, BUCKET, 'k')).toBe('third');
    expect(faultEvents(emulator).map((f) => [f.fault, f.action, f.clockSkewsMs])).toEqual([
      ['clock-skew', 'start', [-5000]],
      ['clock-skew', 'end', undefined],
    ]);
  });

  it('needs one offset per coordinator', async () => {
    const { emulator } = await start({ consistency: { model: 'quorum', coordinatorSkewsMs: [0, 10] } });
    expect(() => emulator.faults.setClockSkews([0])).toThrow(/one offset per coordinator: 2/);
    expect(() => emulator.faults.setClockSkews([0, Number.NaN])).toThrow(FaultError);
    expect(emulator.faults.describe()).toMatchObject({ clockSkewsMs: [0, 10] });
  });
});

describe('other models', () => {
  it('starting a runtime fault throws; ending one is a no-op; nothing is logged', async () => {
    const { emulator, a, b } = await start({ consistency: 'strong' });
    expect(() => emulator.faults.partitionReplicas([0])).toThrow(/needs the quorum model; this emulator runs "strong"/);
    expect(() => emulator.faults.setClockSkews([-100])).toThrow(FaultError);
    emulator.faults.healPartitions();
    emulator.faults.resetClockSkews();
    expect(emulator.faults.describe()).toEqual({ model: 'strong', supported: [] });
    expect(faultEvents(emulator)).toEqual([]);
    await put(a, BUCKET, 'k', 'v');
    expect(await readText(b, BUCKET, 'k')).toBe('v');
  });
});
