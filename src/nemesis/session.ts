import { UserError } from '../util/errors.js';
import type { Recorder } from '../history/recorder.js';
import type { OpenTarget, TargetClient } from '../targets/target.js';
import { Random } from '../util/random.js';
import type { Nemesis } from './nemesis.js';
import { FaultProxy } from './proxy.js';
import { nemeses } from './registry.js';
import { runSchedule } from './schedule.js';

/**
 * The faults of one run: the proxy they need, set up before the target opens; the schedule
 * that runs beside the workload; the healing before the final phase.
 */
export class FaultSession {
  private proxy: FaultProxy | undefined;
  private upstream: URL | undefined;
  private cutOff: { proxy: FaultProxy; workers: number[] } | undefined;
  private readonly ending = new AbortController();
  private schedule: Promise<number> | undefined;
  readonly chosen: Nemesis[];

  constructor(
    names: readonly string[],
    private readonly intervalMs: number,
    private readonly seed: number,
  ) {
    this.chosen = names.map((n) => {
      const nemesis = nemeses.get(n);
      if (!nemesis) throw new UserError(`--nemesis: no fault named ${JSON.stringify(n)}; known: ${[...nemeses.keys()].join(', ')}`);
      return nemesis;
    });
  }

  /** For the target: the endpoint to use instead of the store's, when a network fault needs the proxy. */
  get connectThrough(): ((endpoint: string) => Promise<string>) | undefined {
    if (!this.chosen.some((n) => n.needsProxy)) return undefined;
    return async (endpoint: string) => {
      const url = new URL(endpoint);
      if (url.protocol !== 'http:') throw new UserError(`network faults need a plain http:// endpoint to stand in front of; ${endpoint} is not one`);
      this.upstream = url;
      this.proxy = new FaultProxy(url.hostname, Number(url.port || 80), new Random(this.seed ^ 0x9e37));
      const port = await this.proxy.listen();
      return `http://127.0.0.1:${port}`;
    };
  }

  /**
   * For faults that act on some workers only: the first half of the workers (at least one) get
   * a client of their own through a second proxy; returns which client each worker uses, each
   * passed through `wrap` (the run's byte counting).
   */
  async splitWorkers(target: OpenTarget, concurrency: number, wrap: (c: TargetClient) => TargetClient = (c) => c): Promise<((worker: number) => TargetClient) | undefined> {
    if (!this.chosen.some((n) => n.splitsWorkers) || !this.upstream || !target.connect) return undefined;
    const proxy = new FaultProxy(this.upstream.hostname, Number(this.upstream.port || 80), new Random(this.seed ^ 0x51de));
    const port = await proxy.listen();
    const cut = Math.max(1, Math.floor(concurrency / 2));
    this.cutOff = { proxy, workers: Array.from({ length: cut }, (_, i) => i) };
    const isolated = wrap(target.connect(`http://127.0.0.1:${port}`));
    const others = wrap(target.client);
    return (w) => (w < cut ? isolated : others);
  }

  /** Starts the schedule beside the workload, once every chosen fault can act on the target. */
  start(target: OpenTarget, recorder: Recorder, stop: AbortSignal): void {
    for (const n of this.chosen) {
      if (n.needsProxy && !this.proxy) throw new UserError(`--nemesis ${n.name}: network faults need a target reached over HTTP (not ${String(target.describe().name)})`);
      const why = n.unavailable(target);
      if (why) throw new UserError(`--nemesis ${n.name}: ${why}`);
    }
    stop.addEventListener('abort', () => this.ending.abort(), { once: true });
    this.schedule = runSchedule({
      nemeses: this.chosen,
      ctx: { target, ...(this.proxy ? { proxy: this.proxy } : {}), ...(this.cutOff ? { cutOff: this.cutOff } : {}) },
      recorder,
      intervalMs: this.intervalMs,
      seed: this.seed,
      stop: this.ending.signal,
    });
  }

  /** Ends the schedule and heals whatever fault is active; returns how many faults ran. */
  async heal(): Promise<number> {
    this.ending.abort();
    return (await this.schedule) ?? 0;
  }

  async close(): Promise<void> {
    await this.proxy?.close();
    await this.cutOff?.proxy.close();
  }
}
