import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { Random } from '../util/random.js';

/** What the proxy does to traffic now. Faults switch it; healing sets it back to 'pass'. */
export type ProxyMode =
  | { kind: 'pass' }
  /** Every chunk waits latencyMs ± jitterMs, in each direction. */
  | { kind: 'delay'; latencyMs: number; jitterMs: number }
  /** New connections are closed as soon as they are accepted; open ones go on. */
  | { kind: 'drop' }
  /** Responses are cut by a TCP reset after their first bytes: the request may have been applied. */
  | { kind: 'reset' }
  /** Accept, and never answer: a partition. Connections open before it go silent too. */
  | { kind: 'blackhole' };

/**
 * A TCP proxy on loopback between the workers and an HTTP target, through which the network
 * faults act. It knows nothing of HTTP: it delays, drops, resets and swallows bytes.
 */
export class FaultProxy {
  private mode: ProxyMode = { kind: 'pass' };
  private readonly server: Server;
  private readonly pairs = new Set<{ client: Socket; upstream: Socket }>();
  private port = 0;
  /** Chunks held back (delay mode), a queue a socket. */
  private readonly queues = new Map<Socket, { due: number; chunk: Buffer }[]>();

  constructor(
    private readonly upstreamHost: string,
    private readonly upstreamPort: number,
    private readonly random: Random,
  ) {
    this.server = createServer((client) => this.accept(client));
  }

  /** Starts listening; returns the endpoint clients should use instead of the target's. */
  async listen(): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => resolve());
    });
    this.port = (this.server.address() as AddressInfo).port;
    return this.port;
  }

  set(mode: ProxyMode): void {
    this.mode = mode;
    // A partition stops reading on both sides, as a network that drops packets makes TCP stall;
    // keep-alive connections opened before it stall too, and go on after it if nobody gave up.
    for (const p of this.pairs) this.applyFlow(p.client, p.upstream);
  }

  private applyFlow(client: Socket, upstream: Socket): void {
    if (this.mode.kind === 'blackhole') {
      client.pause();
      upstream.pause();
    } else {
      client.resume();
      upstream.resume();
    }
  }

  get current(): ProxyMode {
    return this.mode;
  }

  private accept(client: Socket): void {
    if (this.mode.kind === 'drop') {
      client.destroy();
      return;
    }
    client.setNoDelay(true);
    const upstream = connect(this.upstreamPort, this.upstreamHost);
    upstream.setNoDelay(true);
    const pair = { client, upstream };
    this.pairs.add(pair);
    const close = () => {
      this.pairs.delete(pair);
      this.queues.delete(client);
      this.queues.delete(upstream);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', close).on('close', close);
    upstream.on('error', close).on('close', close);
    client.on('data', (chunk) => this.forward(chunk, upstream, false));
    upstream.on('data', (chunk) => this.forward(chunk, client, true));
    this.applyFlow(client, upstream);
  }

  private forward(chunk: Buffer, to: Socket, response: boolean): void {
    const mode = this.mode;
    switch (mode.kind) {
      case 'reset':
        if (response) {
          // Let a few bytes through, so the client sees a response begin and then break.
          // The reset goes a moment after the bytes, so the client reads them and then the RST.
          to.write(chunk.subarray(0, Math.min(16, chunk.length)));
          setTimeout(() => to.resetAndDestroy(), 5);
          return;
        }
        to.write(chunk);
        return;
      case 'delay':
        this.enqueue(to, chunk, Math.max(0, mode.latencyMs + (this.random.next() * 2 - 1) * mode.jitterMs));
        return;
      default:
        // After a delay fault, chunks still queued go first.
        if (this.queues.has(to)) this.enqueue(to, chunk, 0);
        else to.write(chunk);
    }
  }

  /**
   * Holds a chunk back for ms, in order: one queue and one timer a socket, so jitter never
   * reorders a stream (a chunk never leaves before the one ahead of it).
   */
  private enqueue(to: Socket, chunk: Buffer, ms: number): void {
    let q = this.queues.get(to);
    const due = Math.max(performance.now() + ms, q?.at(-1)?.due ?? 0);
    if (q) {
      q.push({ due, chunk });
      return;
    }
    q = [{ due, chunk }];
    this.queues.set(to, q);
    const pump = () => {
      const queue = this.queues.get(to)!;
      while (queue.length > 0 && queue[0]!.due <= performance.now()) {
        const head = queue.shift()!;
        if (!to.destroyed) to.write(head.chunk);
      }
      if (queue.length === 0) this.queues.delete(to);
      else setTimeout(pump, queue[0]!.due - performance.now());
    };
    setTimeout(pump, due - performance.now());
  }

  async close(): Promise<void> {
    for (const p of this.pairs) {
      p.client.destroy();
      p.upstream.destroy();
    }
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
