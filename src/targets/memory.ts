import { createHash } from 'node:crypto';
import { Random } from '../util/random.js';
import { sleep } from '../util/sleep.js';
import {
  TargetError,
  type CallOptions,
  type ObjectMeta,
  type OpenTarget,
  type PutOptions,
  type StoredObject,
  type Target,
  type TargetClient,
  type TargetOptions,
} from './target.js';

/**
 * An in-process linearizable store. Each operation takes effect atomically at one instant
 * between its start and its end, with simulated latency on either side so that operations of
 * different workers really overlap.
 */
export const memoryTarget: Target = {
  name: 'memory',
  description: 'in-process linearizable store (no network); --latency simulates a slow store',
  async open(options: TargetOptions): Promise<OpenTarget> {
    const client = new MemoryClient(options);
    return {
      client,
      describe: () => ({ name: 'memory', latencyMs: options.latencyMs, consistency: 'linearizable' }),
      close: async () => {},
    };
  },
};

class MemoryClient implements TargetClient {
  private readonly objects = new Map<string, StoredObject>();
  private readonly random: Random;

  constructor(private readonly options: TargetOptions) {
    this.random = new Random(options.seed ^ 0x9e3779b9);
  }

  /** Waits a jittered share of the latency; the abort stands for the caller's timeout. */
  private async delay(signal: AbortSignal | undefined): Promise<void> {
    const mean = this.options.latencyMs / 2;
    const ms = mean > 0 ? mean * (0.5 + this.random.next()) : 0;
    try {
      await sleep(ms, signal);
    } catch {
      throw new TargetError('timeout', 'operation timed out');
    }
  }

  /** Runs `apply` at one instant between two delays: the linearization point. */
  private async atomically<T>(options: CallOptions | undefined, apply: () => T): Promise<T> {
    await this.delay(options?.signal);
    const result = apply();
    await this.delay(options?.signal);
    return result;
  }

  private path(key: string): string {
    return this.options.prefix + key;
  }

  get(key: string, options?: CallOptions): Promise<StoredObject | null> {
    return this.atomically(options, () => this.objects.get(this.path(key)) ?? null);
  }

  head(key: string, options?: CallOptions): Promise<ObjectMeta | null> {
    return this.atomically(options, () => {
      const o = this.objects.get(this.path(key));
      if (!o) return null;
      const { body: _body, ...meta } = o;
      return meta;
    });
  }

  put(key: string, body: Uint8Array, options?: PutOptions): Promise<{ etag: string }> {
    const etag = `"${createHash('md5').update(body).digest('hex')}"`;
    return this.atomically(options, () => {
      const path = this.path(key);
      const current = this.objects.get(path);
      if (options?.ifNoneMatch === '*' && current) {
        throw new TargetError('precondition', 'PreconditionFailed: object exists');
      }
      if (options?.ifMatch !== undefined && current?.etag !== options.ifMatch) {
        throw new TargetError('precondition', current ? 'PreconditionFailed: etag does not match' : 'NoSuchKey: no object to match');
      }
      const stored: StoredObject = { body, etag, size: body.byteLength, lastModified: new Date() };
      if (options?.metadata) stored.metadata = { ...options.metadata };
      this.objects.set(path, stored);
      return { etag };
    });
  }

  replaceMetadata(key: string, metadata: Record<string, string>, options?: CallOptions): Promise<{ etag: string }> {
    return this.atomically(options, () => {
      const path = this.path(key);
      const current = this.objects.get(path);
      if (!current) throw new TargetError('definite', 'NoSuchKey');
      this.objects.set(path, { ...current, metadata: { ...metadata }, lastModified: new Date() });
      return { etag: current.etag };
    });
  }

  delete(key: string, options?: CallOptions): Promise<void> {
    return this.atomically(options, () => {
      this.objects.delete(this.path(key));
    });
  }

  list(prefix: string, options?: CallOptions): Promise<string[]> {
    return this.atomically(options, () => {
      const full = this.path(prefix);
      const keys: string[] = [];
      for (const k of this.objects.keys()) if (k.startsWith(full)) keys.push(k.slice(this.options.prefix.length));
      return keys.sort();
    });
  }
}
