// The quorum model's network (models/cluster.ts, models/messages.ts) and the thread's command
// dispatch, without HTTP.
import { describe, expect, it } from 'vitest';
import { parseDelaySpec } from '../../src/emulator/delay-spec.js';
import { runtimeFaults } from '../../src/emulator/faults.js';
import { GroundTruthLog } from '../../src/emulator/ground-truth.js';
import { Cluster, FaultError } from '../../src/emulator/models/cluster.js';
import { Messages } from '../../src/emulator/models/messages.js';
import { QuorumKeyspace, type QuorumParams } from '../../src/emulator/models/quorum.js';
import { md5Etag, type NewObject } from '../../src/emulator/object-version.js';
import { runThreadCommand } from '../../src/emulator/thread-commands.js';
import { Timers } from '../../src/emulator/timers.js';
import { Random } from '../../src/util/random.js';
import { sleep } from '../../src/util/sleep.js';

function obj(text: string): NewObject {
  const body = Buffer.from(text);
  return { body, etag: md5Etag(body), contentType: 'text/plain', metadata: {} };
}

const zero = parseDelaySpec('0');
function params(over: Partial<QuorumParams> = {}): QuorumParams {
  return {
    replicas: 3,
    writeQuorum: 1,
    readQuorum: 1,
    delays: { writePropagation: zero, ack: zero, readRequest: zero, readResponse: zero },
    coordinatorSkewsMs: [0, 0, 0],
    readRepair: false,
    singleReplicaReads: false,
    ...over,
  };
}

/** A keyspace on a shared cluster, with a clock the test moves by hand. */
function keyspace(cluster: Cluster, over: Partial<QuorumParams> = {}, seed = 3) {
  const clock = { t: 1_000_000 };
  const truth = new GroundTruthLog();
  const ks = new QuorumKeyspace({ bucket: 'b', random: new Random(seed), now: () => clock.t, lossAfterMs: 50, truth }, params(over), cluster);
  return { ks, clock, truth };
}

const text = (v: { body: Buffer } | null) => (v ? v.body.toString() : null);

describe('Cluster', () => {
  it('coordinators live on replica c mod N; a partition group reaches only itself', () => {
    const c = new Cluster(3, [0, 0, 0, 0]);
    expect([0, 1, 2, 3].map((k) => c.home(k))).toEqual([0, 1, 2, 0]);
    c.partition([2]);
    expect(c.reachable(2, 2)).toBe(true);
    expect(c.reachable(2, 0)).toBe(false);
    expect(c.reachable(0, 2)).toBe(false);
    expect(c.reachable(3, 1)).toBe(true);
    // A second group: 0 moves out of the main side, on its own.
    c.partition([0]);
    expect(c.partitions()).toEqual([[2], [0]]);
    expect(c.reachable(1, 0)).toBe(false);
    expect(c.reachable(0, 0)).toBe(true);
    // Naming a replica again moves it to the new group.
    c.partition([0, 2]);
    expect(c.partitions()).toEqual([[0, 2]]);
    expect(c.reachable(0, 2)).toBe(true);
    expect(c.reachable(1, 2)).toBe(false);
    c.heal();
    expect(c.partitions()).toEqual([]);
    expect(c.reachable(1, 2)).toBe(true);
  });

  it('validates replicas and skews', () => {
    const c = new Cluster(3, [0, -10]);
    expect(() => c.partition([1.5])).toThrow(FaultError);
    expect(() => c.partition([-1])).toThrow(/replicas are 0\.\.2/);
    expect(() => c.setSkews([1, 2, 3])).toThrow(/one offset per coordinator: 2/);
    expect(() => c.setSkews([1, Number.POSITIVE_INFINITY])).toThrow(/finite/);
    c.setSkews([5, 6]);
    expect(c.skewMs(1)).toBe(6);
    c.resetSkews();
    expect(c.skewMs(1)).toBe(-10);
  });
});

describe('Messages', () => {
  it('a message in flight when the partition starts is held, then delivered at the heal, in order', async () => {
    const cluster = new Cluster(3, [0]);
    const timers = new Timers();
    const messages = new Messages(cluster, timers);
    const delivered: string[] = [];
    // 500 ms in flight: the sends below come well before it lands, even if the process stalls
    // (held messages are delivered in the order they arrived).
    messages.send(0, 1, 500, () => delivered.push('in flight'));
    cluster.partition([1, 2]);
    messages.send(0, 2, 0, () => delivered.push('sent into the cut'));
    messages.send(0, 0, 0, () => delivered.push('local'));
    expect(delivered).toEqual(['local']);
    expect(messages.heldMessages()).toBe(1);
    // Until the in-flight message has landed in the cut (bounded: 10 s).
    for (const end = Date.now() + 10_000; messages.heldMessages() < 2 && Date.now() < end; ) await sleep(10);
    expect(delivered).toEqual(['local']);
    expect(messages.heldMessages()).toBe(2);
    expect(cluster.heal()).toBe(2);
    expect(delivered).toEqual(['local', 'sent into the cut', 'in flight']);
    expect(messages.heldMessages()).toBe(0);
    messages.close();
    timers.clear();
  });

  it('a closed keyspace leaves the cluster and drops what it held', () => {
    const cluster = new Cluster(3, [0]);
    const messages = new Messages(cluster, new Timers());
    let delivered = 0;
    cluster.partition([1]);
    messages.send(0, 1, 0, () => delivered++);
    messages.close();
    expect(cluster.heal()).toBe(0);
    expect(delivered).toBe(0);
  });
});

describe('quorum keyspace on a partitioned cluster', () => {
  it('R = W = 1: the cut-off coordinator acknowledges writes on its own replica and reads from it; the sides converge at the heal', async () => {
    const cluster = new Cluster(3, [0, 0, 0]);
    const { ks, clock } = keyspace(cluster);
    await ks.write({ key: 'k', object: obj('v0'), writeId: 1 });
    cluster.partition([2]);
    // Each side keeps accepting writes, and a read sees a write exactly when the coordinators
    // that took them are on the same side.
    let stale = 0;
    for (let i = 1; i <= 40; i++) {
      clock.t += 1;
      const w = await ks.write({ key: 'k', object: obj(`v${i}`), writeId: i + 1 });
      expect(w.replicas).toEqual([cluster.home(w.coordinator!)]);
      const r = await ks.read('k');
      expect(r.replicas).toEqual([cluster.home(r.coordinator!)]);
      const sameSide = (w.coordinator === 2) === (r.coordinator === 2);
      if (sameSide) expect(text(r.version)).toBe(`v${i}`);
      else {
        expect(text(r.version)).not.toBe(`v${i}`);
        stale++;
      }
    }
    expect(stale).toBeGreaterThan(5);
    cluster.heal();
    for (let i = 0; i < 10; i++) expect(text((await ks.read('k')).version)).toBe('v40');
    ks.close();
  });

  it('two keyspaces on one cluster are partitioned together', async () => {
    const cluster = new Cluster(3, [0]);
    const a = keyspace(cluster, { writeQuorum: 2 });
    const b = keyspace(cluster, { writeQuorum: 2 });
    cluster.partition([1, 2]);
    let done = 0;
    void a.ks.write({ key: 'k', object: obj('a'), writeId: 1 }).then(() => done++);
    void b.ks.write({ key: 'k', object: obj('b'), writeId: 2 }).then(() => done++);
    await sleep(20);
    expect(done).toBe(0);
    cluster.heal();
    await sleep(0);
    expect(done).toBe(2);
    expect(a.truth.appliedOn(1)).toEqual([0, 1, 2]);
    expect(b.truth.appliedOn(2)).toEqual([0, 1, 2]);
  });
});

describe('thread commands', () => {
  it('runs each command on the faults and turns refusals into error replies', () => {
    const truth = new GroundTruthLog();
    const faults = { faults: runtimeFaults('quorum', new Cluster(3, [0]), truth), admin: { setKeyActive: () => {} } };
    expect(runThreadCommand(faults, { id: 1, cmd: 'partition', replicas: [1] })).toEqual({ id: 1, ok: true });
    expect(runThreadCommand(faults, { id: 2, cmd: 'describe' })).toMatchObject({ id: 2, ok: true, value: { partitions: [[1]] } });
    expect(runThreadCommand(faults, { id: 3, cmd: 'heal' })).toEqual({ id: 3, ok: true });
    expect(runThreadCommand(faults, { id: 4, cmd: 'skew', ms: [-30] })).toEqual({ id: 4, ok: true });
    expect(runThreadCommand(faults, { id: 5, cmd: 'unskew' })).toEqual({ id: 5, ok: true });
    expect(runThreadCommand(faults, { id: 6, cmd: 'skew', ms: [1, 2] })).toEqual({ id: 6, error: expect.stringMatching(/one offset per coordinator/) });
    expect(runThreadCommand(faults, { id: 7, cmd: 'bogus' } as never)).toEqual({ id: 7, error: 'unknown emulator thread command "bogus"' });
    expect(runThreadCommand(faults, { id: 8, cmd: 'partition' } as never)).toMatchObject({ id: 8, error: expect.any(String) });
    expect(truth.events.map((e) => e.kind === 'fault' && `${e.fault} ${e.action}`)).toEqual(['partition start', 'partition end', 'clock-skew start', 'clock-skew end']);
  });
});
