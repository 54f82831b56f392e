import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { historyOf } from '../../src/history/build.js';
import type { History } from '../../src/history/event.js';
import { Random } from '../../src/util/random.js';
import { corpusDir as corpusDirOf } from '../../src/util/corpus.js';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const corpusDir = corpusDirOf();

/** Builds a history event by event: index and time (1 ms apart) are assigned in order. */
export class H {
  private events: Record<string, unknown>[] = [];
  private open = new Map<number, { f: string; key?: string }>();

  private push(e: Record<string, unknown>): this {
    const index = this.events.length;
    this.events.push({ index, time: (index + 1) * 1_000_000, ...e });
    return this;
  }

  invoke(process: number, f: string, key?: string, value?: unknown): this {
    this.open.set(process, key === undefined ? { f } : { f, key });
    const e: Record<string, unknown> = { process, type: 'invoke', f };
    if (key !== undefined) e.key = key;
    if (value !== undefined) e.value = value;
    return this.push(e);
  }

  private end(process: number, type: string, extra: Record<string, unknown>): this {
    const o = this.open.get(process);
    if (!o) throw new Error(`process ${process} has nothing open`);
    this.open.delete(process);
    return this.push({ process, type, f: o.f, ...(o.key !== undefined ? { key: o.key } : {}), ...extra });
  }

  ok(process: number, value?: unknown): this {
    return this.end(process, 'ok', value === undefined ? {} : { value });
  }
  fail(process: number, error = 'failed'): this {
    return this.end(process, 'fail', { error });
  }
  info(process: number, error = 'timed-out'): this {
    return this.end(process, 'info', { error });
  }
  nemesis(f: string): this {
    return this.push({ process: 'nemesis', type: 'info', f });
  }

  // Shorthands for the register workload: whole ops with no overlap.
  put(p: number, key: string, v: number): this {
    return this.invoke(p, 'put', key, v).ok(p);
  }
  get(p: number, key: string, v: number | null): this {
    return this.invoke(p, 'get', key).ok(p, v);
  }
  del(p: number, key: string): this {
    return this.invoke(p, 'delete', key).ok(p);
  }

  history(): History {
    return historyOf(this.events);
  }
}

/** A float in [0, 1) from the project's seeded generator. */
export function rng(seed: number): () => number {
  const random = new Random(seed);
  return () => random.next();
}

export interface GenOp {
  f: string;
  key: string;
  invokeValue?: unknown;
  value?: unknown;
  /** 'ok', or 'info' (crashed: applied or not, per `applied`). */
  type: 'ok' | 'info' | 'fail';
  lin: number;
  start: number;
  end: number;
}

/**
 * Turns ops with [start, end] real-time intervals into events: sorted by time, each op on a
 * process free at its start (a process is never reused after an info).
 */
export function toHistory(ops: GenOp[]): History {
  type Ev = { t: number; op: GenOp; kind: 'invoke' | 'complete' };
  const evs: Ev[] = [];
  for (const op of ops) {
    evs.push({ t: op.start, op, kind: 'invoke' }, { t: op.end, op, kind: 'complete' });
  }
  evs.sort((a, b) => a.t - b.t || (a.kind === 'complete' ? -1 : 1));
  const free: number[] = [];
  let nextProcess = 0;
  const procOf = new Map<GenOp, number>();
  const out: Record<string, unknown>[] = [];
  for (const ev of evs) {
    const op = ev.op;
    const index = out.length;
    const time = index * 1000;
    if (ev.kind === 'invoke') {
      const p = free.length > 0 ? free.pop()! : nextProcess++;
      procOf.set(op, p);
      const e: Record<string, unknown> = { index, time, process: p, type: 'invoke', f: op.f, key: op.key };
      if (op.invokeValue !== undefined) e.value = op.invokeValue;
      out.push(e);
    } else {
      const p = procOf.get(op)!;
      const e: Record<string, unknown> = { index, time, process: p, type: op.type, f: op.f, key: op.key };
      if (op.type === 'ok' && op.value !== undefined) e.value = op.value;
      if (op.type !== 'ok') e.error = op.type === 'info' ? 'timed-out' : 'failed';
      else free.push(p);
      if (op.type === 'fail') free.push(p);
      out.push(e);
    }
  }
  return historyOf(out);
}

/** The op at linearization point i * 10, widened into a random interval around it (`spread` in units of 10). */
export function widened(r: () => number, i: number, spread: number): { lin: number; start: number; end: number } {
  const lin = i * 10;
  return { lin, start: lin - r() * spread * 10, end: lin + r() * spread * 10 };
}

export interface RegisterGenOptions {
  ops: number;
  keys: number;
  /** Probabilities of put / delete (rest: get). */
  pPut: number;
  pDelete: number;
  /** Probability that a put is an info (crashed) op, and that such a put was applied. */
  pInfo: number;
  pApplied: number;
  /** How far an op's interval may stretch around its linearization point. */
  spread: number;
}

/**
 * A linearizable register history: run the model sequentially (linearization points 0, 1, 2…),
 * then widen each op into a random interval around its point. Info puts were applied or not.
 */
export function genRegister(r: () => number, o: RegisterGenOptions): GenOp[] {
  const state = new Map<string, number | null>();
  const ops: GenOp[] = [];
  let nextValue = 1;
  for (let i = 0; i < o.ops; i++) {
    const key = `k${Math.floor(r() * o.keys)}`;
    const x = r();
    const { lin, start, end } = widened(r, i, o.spread);
    if (x < o.pPut) {
      const v = nextValue++;
      if (r() < o.pInfo) {
        const applied = r() < o.pApplied;
        if (applied) state.set(key, v);
        ops.push({ f: 'put', key, invokeValue: v, type: 'info', lin, start, end });
      } else {
        state.set(key, v);
        ops.push({ f: 'put', key, invokeValue: v, type: 'ok', lin, start, end });
      }
    } else if (x < o.pPut + o.pDelete) {
      state.set(key, null);
      ops.push({ f: 'delete', key, type: 'ok', lin, start, end });
    } else {
      ops.push({ f: 'get', key, value: state.get(key) ?? null, type: 'ok', lin, start, end });
    }
  }
  return ops;
}

/**
 * A register run sequentially (linearization point i * 10) with many deletes, then each op widened
 * into an interval around its point (`spread` in units of 10). Crashed puts and deletes took
 * effect or not. `mutate`: one read then returns another written value or null (valid or not).
 */
export function genNullHeavy(r: () => number, n: number, spread: number, pInfo: number, mutate: boolean): GenOp[] {
  let state: number | null = null;
  let nextValue = 1;
  const ops: GenOp[] = [];
  for (let i = 0; i < n; i++) {
    const { lin, start, end } = widened(r, i, spread);
    const x = r();
    const type = r() < pInfo ? 'info' : 'ok';
    const applies = type === 'ok' || r() < 0.5;
    if (x < 0.3) {
      const v = nextValue++;
      if (applies) state = v;
      ops.push({ f: 'put', key: 'k', invokeValue: v, type, lin, start, end });
    } else if (x < 0.55) {
      if (applies) state = null;
      ops.push({ f: 'delete', key: 'k', type, lin, start, end });
    } else {
      ops.push({ f: 'get', key: 'k', value: state, type: 'ok', lin, start, end });
    }
  }
  const reads = ops.filter((o) => o.f === 'get');
  if (mutate && reads.length > 0) {
    const read = reads[Math.floor(r() * reads.length)]!;
    const puts = ops.filter((o) => o.f === 'put');
    if (read.value !== null) read.value = null;
    else if (puts.length > 0) read.value = puts[Math.floor(r() * puts.length)]!.invokeValue;
  }
  return ops;
}

/** Random register ops with random intervals and random read results (valid or not). */
export function genRandomRegister(r: () => number, n: number, pDelete: number, pInfo: number): GenOp[] {
  const ops: GenOp[] = [];
  let nextValue = 1;
  const written: number[] = [];
  for (let i = 0; i < n; i++) {
    const start = r() * n * 3;
    const end = start + 0.5 + r() * 6;
    const x = r();
    if (x < 0.4) {
      const v = nextValue++;
      written.push(v);
      ops.push({ f: 'put', key: 'k', invokeValue: v, type: r() < pInfo ? 'info' : 'ok', lin: 0, start, end });
    } else if (x < 0.4 + pDelete) {
      ops.push({ f: 'delete', key: 'k', type: r() < pInfo ? 'info' : 'ok', lin: 0, start, end });
    } else {
      const y = r();
      const value = y < 0.2 || written.length === 0 ? null : written[Math.floor(r() * written.length)]!;
      ops.push({ f: 'get', key: 'k', value, type: 'ok', lin: 0, start, end });
    }
  }
  // Reads may name values written by puts invoked later: fine, that is an anomaly to find.
  return ops;
}
