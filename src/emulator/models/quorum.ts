import { checkWrite } from '../conditions.js';
import { sampleDelay, type DelayDistribution } from '../delay-spec.js';
import type { ListSnapshot } from '../listing.js';
import { isNewer, live, makeVersion, type ObjectVersion } from '../object-version.js';
import { hrtimeOf, Timers } from '../timers.js';
import { Cluster } from './cluster.js';
import { Messages } from './messages.js';
import { SortedKeys, type Keyspace, type ModelContext, type ReadOutcome, type WriteOutcome, type WriteRequest } from './keyspace.js';

export interface QuorumDelays {
  /** Coordinator to replica, carrying a write. */
  writePropagation: DelayDistribution;
  /** Replica to coordinator, acknowledging a write. */
  ack: DelayDistribution;
  /** Coordinator to replica, asking for a key (or a listing). */
  readRequest: DelayDistribution;
  /** Replica to coordinator, carrying the answer. */
  readResponse: DelayDistribution;
}

export interface QuorumParams {
  replicas: number;
  writeQuorum: number;
  readQuorum: number;
  delays: QuorumDelays;
  /**
   * One clock offset (ms) per coordinator; a request picks a coordinator at random. These are
   * the configured offsets: the Cluster holds the current ones, which faults may change.
   */
  coordinatorSkewsMs: readonly number[];
  /** After a read, send the newest version to the responders that had an older one. */
  readRepair: boolean;
  /** Fault knob: a read asks one random replica and believes it. */
  singleReplicaReads: boolean;
}

interface Response<T> {
  replica: number;
  value: T;
  /** The exact time the request reached the replica (ground-truth clock). */
  atNs: number;
}

/**
 * Dynamo-style replication: N copies, a coordinator that sends every write to all of them and
 * answers after W acknowledgements, reads that ask all N and answer from the first R replies,
 * last-writer-wins by the coordinator's (possibly skewed) clock. Every message waits a delay
 * drawn from its own distribution, so the replicas really do diverge for a while, and crosses
 * the Cluster's network, where a partition can hold it (see cluster.ts).
 */
export class QuorumKeyspace implements Keyspace {
  private readonly stores: Map<string, ObjectVersion>[];
  private readonly allKeys = new Set<string>();
  private readonly keys = new SortedKeys(() => this.allKeys);
  private readonly timers: Timers;
  private readonly messages: Messages;
  private readonly cluster: Cluster;

  /** Without a cluster (unit tests, one bucket) the keyspace gets a network of its own. */
  constructor(
    private readonly ctx: ModelContext,
    private readonly params: QuorumParams,
    cluster?: Cluster,
  ) {
    this.stores = Array.from({ length: params.replicas }, () => new Map());
    // Equal due times go in random order: never replica 0 first by construction.
    this.timers = new Timers(() => ctx.random.next());
    this.cluster = cluster ?? new Cluster(params.replicas, params.coordinatorSkewsMs);
    this.messages = new Messages(this.cluster, this.timers);
  }

  /** The exact time now on the ground truth's clock (see timers.ts); 0 without one. */
  private exactNs(): number {
    return this.ctx.truth ? this.ctx.truth.at(hrtimeOf(this.timers.nowNs())) : 0;
  }

  private delay(d: DelayDistribution): number {
    return sampleDelay(d, this.ctx.random);
  }

  private pickCoordinator(): number {
    return this.ctx.random.int(this.cluster.coordinators);
  }

  /** All replicas, the coordinator's own first: it writes locally first and reads locally first. */
  private allReplicas(coordinator: number): number[] {
    const home = this.cluster.home(coordinator);
    return this.stores.map((_, i) => (home + i) % this.params.replicas);
  }

  /** Applies a version at one replica by last-writer-wins; returns the version it replaced. */
  private apply(replica: number, key: string, version: ObjectVersion): void {
    const store = this.stores[replica]!;
    const current = store.get(key);
    const wins = isNewer(version, current);
    if (wins) {
      store.set(key, version);
      if (!this.allKeys.has(key)) {
        this.allKeys.add(key);
        this.keys.invalidate();
      }
    }
    const truth = this.ctx.truth;
    truth?.record({
      kind: 'apply',
      writeId: version.writeId,
      bucket: this.ctx.bucket,
      key,
      replica,
      // The exact time it was applied (see timers.ts), not when its timer fired.
      atNs: this.exactNs(),
      ...(wins ? {} : { superseded: true }),
    });
  }

  /**
   * Sends a request to the given replicas, each reply after its own two delays, and resolves
   * with the first `need` replies. `ask` runs when the request reaches the replica.
   */
  private gather<T>(coordinator: number, targets: number[], need: number, ask: (replica: number) => T): Promise<{ replies: Response<T>[]; startedAtNs: number }> {
    return new Promise((resolve) => {
      const replies: Response<T>[] = [];
      let startedAtNs = 0;
      // Every request leaves at one exact instant, the read's start.
      this.timers.instant(() => {
        startedAtNs = this.exactNs();
        for (const replica of targets) {
          this.messages.send(coordinator, replica, this.delay(this.params.delays.readRequest), () => {
            const value = ask(replica);
            const atNs = this.exactNs();
            this.messages.send(coordinator, replica, this.delay(this.params.delays.readResponse), () => {
              if (replies.length >= need) return;
              replies.push({ replica, value, atNs });
              if (replies.length === need) resolve({ replies, startedAtNs });
            });
          });
        }
      });
    });
  }

  private readTargets(coordinator: number): { targets: number[]; need: number } {
    if (this.params.singleReplicaReads) return { targets: [this.ctx.random.int(this.params.replicas)], need: 1 };
    return { targets: this.allReplicas(coordinator), need: this.params.readQuorum };
  }

  private async quorumRead(key: string, coordinator: number): Promise<ReadOutcome> {
    const { targets, need } = this.readTargets(coordinator);
    const { replies, startedAtNs } = await this.gather(coordinator, targets, need, (r) => this.stores[r]!.get(key));
    let newest: ObjectVersion | undefined;
    for (const r of replies) if (r.value && isNewer(r.value, newest)) newest = r.value;
    if (this.params.readRepair && newest) {
      const winner = newest;
      for (const r of replies) {
        if (r.value !== winner) this.messages.send(coordinator, r.replica, this.delay(this.params.delays.writePropagation), () => this.apply(r.replica, key, winner));
      }
    }
    return { version: live(newest), replicas: replies.map((r) => r.replica), coordinator, ...(this.ctx.truth ? { startedAtNs, readAtNs: replies.map((r) => r.atNs) } : {}) };
  }

  read(key: string): Promise<ReadOutcome> {
    return this.quorumRead(key, this.pickCoordinator());
  }

  async write(request: WriteRequest): Promise<WriteOutcome> {
    const coordinator = this.pickCoordinator();
    if (request.precondition) {
      // Read, then write: a Dynamo-style store has no compare-and-set, so two conditional
      // writes can both pass. That is the behaviour a checker should be able to see.
      const { version: current } = await this.quorumRead(request.key, coordinator);
      const error = checkWrite(request.precondition, current);
      if (error) throw error;
    }
    const timestamp = this.ctx.now() + this.cluster.skewMs(coordinator);
    const version = makeVersion(request.object, request.writeId, timestamp);
    if (request.lost) return this.writeLost(request.key, version, coordinator);
    let committedAtNs = 0;
    const acks = await new Promise<number[]>((resolve) => {
      const acked: number[] = [];
      // Sent to every replica at one exact instant.
      this.timers.instant(() => {
        for (const replica of this.allReplicas(coordinator)) {
          this.messages.send(coordinator, replica, this.delay(this.params.delays.writePropagation), () => {
            this.apply(replica, request.key, version);
            this.messages.send(coordinator, replica, this.delay(this.params.delays.ack), () => {
              acked.push(replica);
              if (acked.length === this.params.writeQuorum) {
                committedAtNs = this.exactNs();
                resolve([...acked]);
              }
            });
          });
        }
      });
    });
    return { version, replicas: acks, coordinator, ...(this.ctx.truth ? { committedAtNs } : {}) };
  }

  /** The write reaches only the coordinator's own replica, which acks and later forgets it. */
  private async writeLost(key: string, version: ObjectVersion, coordinator: number): Promise<WriteOutcome> {
    // Its own replica is on its own node: no partition stands between them.
    const replica = this.cluster.home(coordinator);
    const store = this.stores[replica]!;
    await new Promise<void>((resolve) => {
      this.timers.after(this.delay(this.params.delays.writePropagation), () => {
        const previous = store.get(key);
        this.apply(replica, key, version);
        this.timers.after(this.ctx.lossAfterMs, () => {
          if (store.get(key) !== version) return;
          if (previous) store.set(key, previous);
          else store.delete(key);
          const truth = this.ctx.truth;
          truth?.record({ kind: 'lose', writeId: version.writeId, bucket: this.ctx.bucket, key, replica, atNs: truth.now() });
        });
        this.timers.after(this.delay(this.params.delays.ack), resolve);
      });
    });
    return { version, replicas: [replica], coordinator };
  }

  async list(): Promise<ListSnapshot> {
    const coordinator = this.pickCoordinator();
    const { targets, need } = this.readTargets(coordinator);
    // Each replica answers with its state when the request reaches it, so copy it then.
    const { replies } = await this.gather(coordinator, targets, need, (r) => new Map(this.stores[r]!));
    const merged = new Map<string, ObjectVersion>();
    for (const { value } of replies) {
      for (const [key, version] of value) if (isNewer(version, merged.get(key))) merged.set(key, version);
    }
    return { sortedKeys: this.keys.get(), lookup: (key) => merged.get(key) };
  }

  isEmpty(): boolean {
    return this.stores.every((store) => [...store.values()].every((v) => v.deleted));
  }

  close(): void {
    this.timers.clear();
    this.messages.close();
  }
}
