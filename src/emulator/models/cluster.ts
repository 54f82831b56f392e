/**
 * The quorum model's nodes as a network: which replicas can reach which coordinators right now,
 * and what each coordinator's clock says. One Cluster is shared by every bucket's keyspace, so
 * that a fault switched on while the emulator runs applies to all of them at once, including
 * buckets created later.
 *
 * Coordinator c runs on the node of replica `c % replicas` (its home replica). A partition
 * splits the nodes: the replicas named in one `partition()` call (and the coordinators on their
 * nodes) form a group that reaches only itself; replicas named in no call stay together on the
 * main side. Co-location is what makes partitions interesting with R = W = 1: a coordinator cut
 * off with its home replica keeps acknowledging writes there and answering reads from it, so the
 * two sides diverge and clients of one side read values the other side overwrote long ago.
 */
export class Cluster {
  /** Replica -> its partition group; absent: the main side. */
  private readonly groupOf = new Map<number, number>();
  private groups = 0;
  private skews: number[];
  private readonly members = new Set<ClusterMember>();

  constructor(
    readonly replicas: number,
    private readonly configuredSkewsMs: readonly number[],
  ) {
    this.skews = [...configuredSkewsMs];
  }

  get coordinators(): number {
    return this.skews.length;
  }

  home(coordinator: number): number {
    return coordinator % this.replicas;
  }

  /** Whether a message between this coordinator and this replica gets through now. */
  reachable(coordinator: number, replica: number): boolean {
    return this.side(this.home(coordinator)) === this.side(replica);
  }

  skewMs(coordinator: number): number {
    return this.skews[coordinator]!;
  }

  /** Cuts these replicas (and the coordinators on their nodes) off from everything else. */
  partition(replicas: readonly number[]): void {
    if (replicas.length === 0) throw new FaultError('a partition needs at least one replica');
    for (const r of replicas) {
      if (!Number.isInteger(r) || r < 0 || r >= this.replicas) throw new FaultError(`replica ${r} does not exist (replicas are 0..${this.replicas - 1})`);
    }
    const group = ++this.groups;
    for (const r of replicas) this.groupOf.set(r, group);
    // A replica moved from one group to another may now reach nodes it could not before.
    this.releaseAll();
  }

  /** Ends every partition; returns how many held messages that delivered. */
  heal(): number {
    this.groupOf.clear();
    return this.releaseAll();
  }

  setSkews(ms: readonly number[]): void {
    if (ms.length !== this.coordinators) {
      throw new FaultError(`clock skews need one offset per coordinator: ${this.coordinators} (configured ${JSON.stringify(this.configuredSkewsMs)}), got ${ms.length}`);
    }
    if (!ms.every(Number.isFinite)) throw new FaultError('clock skews must be finite numbers of milliseconds');
    this.skews = [...ms];
  }

  resetSkews(): void {
    this.skews = [...this.configuredSkewsMs];
  }

  /** The current groups, each sorted; the main side is not listed. */
  partitions(): number[][] {
    const byGroup = new Map<number, number[]>();
    for (const [replica, group] of this.groupOf) byGroup.set(group, [...(byGroup.get(group) ?? []), replica]);
    return [...byGroup.entries()].sort(([a], [b]) => a - b).map(([, rs]) => rs.sort((a, b) => a - b));
  }

  describe(): Record<string, unknown> {
    let held = 0;
    for (const m of this.members) held += m.heldMessages();
    return {
      partitions: this.partitions(),
      clockSkewsMs: [...this.skews],
      configuredClockSkewsMs: [...this.configuredSkewsMs],
      coordinatorNodes: this.skews.map((_, c) => this.home(c)),
      heldMessages: held,
    };
  }

  /** A keyspace holding messages joins, to be told when they may get through; returns leave(). */
  join(member: ClusterMember): () => void {
    this.members.add(member);
    return () => this.members.delete(member);
  }

  private side(replica: number): number {
    return this.groupOf.get(replica) ?? 0;
  }

  private releaseAll(): number {
    let delivered = 0;
    for (const m of [...this.members]) delivered += m.release();
    return delivered;
  }
}

export interface ClusterMember {
  /** Delivers the held messages whose two ends can reach each other now; returns how many. */
  release(): number;
  heldMessages(): number;
}

/** A runtime fault that cannot be applied (a bad replica id, the wrong model...). */
export class FaultError extends Error {}
