import type { Timers } from '../timers.js';
import type { Cluster, ClusterMember } from './cluster.js';

interface Message {
  coordinator: number;
  replica: number;
  deliver: () => void;
}

/**
 * One keyspace's messages between coordinators and replicas. Each waits its own delay and then
 * gets through if its two ends can reach each other at that moment; otherwise it is held until
 * they can, and delivered then, in the order it was held. That is a partition under TCP: nothing
 * is lost, everything sent into the cut arrives late, in a burst, when it heals. Whether the
 * ends are connected is judged on arrival, not on sending, so a message already in flight when
 * a partition starts is caught by it too.
 */
export class Messages implements ClusterMember {
  private held: Message[] = [];
  private readonly leave: () => void;
  private closed = false;

  constructor(
    private readonly cluster: Cluster,
    private readonly timers: Timers,
  ) {
    this.leave = cluster.join(this);
  }

  /** Direction does not matter: a partition cuts both ways. */
  send(coordinator: number, replica: number, delayMs: number, deliver: () => void): void {
    this.timers.after(delayMs, () => this.arrive({ coordinator, replica, deliver }));
  }

  private arrive(m: Message): void {
    if (this.closed) return;
    if (this.cluster.reachable(m.coordinator, m.replica)) m.deliver();
    else this.held.push(m);
  }

  release(): number {
    if (this.closed) return 0;
    // Split first: delivering may send (and hold) new messages, which must queue after these.
    const ready: Message[] = [];
    const kept: Message[] = [];
    for (const m of this.held) (this.cluster.reachable(m.coordinator, m.replica) ? ready : kept).push(m);
    this.held = kept;
    for (const m of ready) m.deliver();
    return ready.length;
  }

  heldMessages(): number {
    return this.held.length;
  }

  close(): void {
    this.closed = true;
    this.held = [];
    this.leave();
  }
}
