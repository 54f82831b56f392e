// The quorum emulator decides outcomes on exact times, not on when Node's millisecond timers
// fire (issue 19): sub-millisecond delays keep their order, and no replica wins a tie by its index.
import { describe, expect, it } from 'vitest';
import { GroundTruthLog } from '../../src/emulator/ground-truth.js';
import { parseDelaySpec } from '../../src/emulator/delay-spec.js';
import type { ModelContext } from '../../src/emulator/models/keyspace.js';
import { QuorumKeyspace } from '../../src/emulator/models/quorum.js';
import { md5Etag } from '../../src/emulator/object-version.js';
import { Timers } from '../../src/emulator/timers.js';
import { Random } from '../../src/util/random.js';

const ctx = (seed: number): ModelContext => ({ bucket: 'b', random: new Random(seed), now: () => Date.now(), lossAfterMs: 50, truth: new GroundTruthLog() });

/** Resolves once every action has run: the test waits on the condition, not on a fixed sleep. */
function runAll(timers: Timers, plan: [number, string][]): Promise<string[]> {
  const ran: string[] = [];
  return new Promise((done) => {
    for (const [ms, name] of plan) {
      timers.after(ms, () => {
        ran.push(name);
        if (ran.length === plan.length) done(ran);
      });
    }
  });
}

describe('exact-time timers', () => {
  it('run actions in the order of their exact due times, sub-millisecond ones too', async () => {
    const t = new Timers();
    // Node would fire all four after ~1 ms, in the order they were set. Set from inside an
    // action, they count from one exact instant, however slowly this machine runs the calls.
    const ran = await new Promise<string[]>((done) => t.after(0.05, () => void runAll(t, [[0.9, 'd'], [0.3, 'b'], [0.1, 'a'], [0.6, 'c']]).then(done)));
    expect(ran).toEqual(['a', 'b', 'c', 'd']);
    t.clear();
  });

  it('count a nested action from its parent due time, not from when the timer fired', async () => {
    const t = new Timers();
    const order: string[] = [];
    await new Promise<void>((done) => {
      // The child is due at 0.2 + 0.5 = 0.7 ms: before the sibling due at 0.8 ms, though both
      // surely run from one timer firing at 1 ms or later.
      t.after(0.2, () => t.after(0.5, () => order.push('child')));
      t.after(0.8, () => {
        order.push('sibling');
        done();
      });
    });
    expect(order).toEqual(['child', 'sibling']);
    t.clear();
  });

  it('break ties at random', async () => {
    const firsts = new Set<string>();
    for (let seed = 1; seed <= 20 && firsts.size < 2; seed++) {
      const r = new Random(seed);
      const t = new Timers(() => r.next());
      // Scheduled from inside an action, both are due at exactly the same time.
      const ran = await new Promise<string[]>((done) => t.after(0.1, () => void runAll(t, [[2, 'x'], [2, 'y']]).then(done)));
      firsts.add(ran[0]!);
      t.clear();
    }
    expect(firsts).toEqual(new Set(['x', 'y']));
  });
});

describe('quorum reads with sub-millisecond delays', () => {
  it('are answered by each of 3 replicas about a third of the time (R = 1), not by replica 0', async () => {
    const d = parseDelaySpec('exp:0.2');
    const ks = new QuorumKeyspace(ctx(7), { replicas: 3, writeQuorum: 3, readQuorum: 1, delays: { writePropagation: d, ack: d, readRequest: d, readResponse: d }, coordinatorSkewsMs: [0], readRepair: false, singleReplicaReads: false });
    const body = Buffer.from('v');
    await ks.write({ key: 'k', object: { body, etag: md5Etag(body), contentType: 'text/plain', metadata: {} }, writeId: 1 });
    const counts = [0, 0, 0];
    const reads = 600;
    for (let i = 0; i < reads; i += 20) {
      const batch = await Promise.all(Array.from({ length: 20 }, () => ks.read('k')));
      for (const r of batch) counts[r.replicas[0]!]!++;
    }
    ks.close();
    // Each replica's share is 1/3 ± 0.06 (over 4 standard deviations of a binomial of 600).
    for (const c of counts) expect(c / reads).toBeGreaterThan(1 / 3 - 0.08);
    for (const c of counts) expect(c / reads).toBeLessThan(1 / 3 + 0.08);
  });
});
