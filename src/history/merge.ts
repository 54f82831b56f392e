// Many shards' histories as one (objcheck merge). Each shard timed its events on its own
// monotonic clock; its anchor (src/history/clock.ts) puts them on the wall clock, which is off
// true time by at most the shard's ε. So that the merged history claims a real-time order only
// where it is certain, every op's interval is widened by its shard's ε on both sides: its
// invocation goes ε earlier, its completion ε later. Then op a precedes op b in the merged
// history only if a ended more than εa + εb before b began by the clocks, and so truly did.
// The price: ops of one shard closer than 2ε also lose their order (one total order of events
// cannot widen across shards and not within one), and so do a process's own consecutive ops:
// when a process's next op, widened, begins before its last one ends, it goes on under a new
// process number (as after an info), since a process has one op open at a time. Claims per
// process (session guarantees) are then fewer, never wrong.
import { FINAL_PHASE } from './op-values.js';
import { wallNs, type ClockRecord } from './clock.js';
import { END_OF_HISTORY, type HistoryEvent } from './event.js';

export interface ShardHistory {
  /** The shard's name in what the merge says (its folder). */
  name: string;
  clock: ClockRecord;
  /** ε used for widening, ms (ClockRecord.epsilonMs, or 0 when the merge does not need it). */
  epsilonMs: number;
  events: readonly HistoryEvent[];
  /** With disjoint keys: the prefix its keys get in the merged history, so shards' keys stay apart. */
  keyPrefix?: string;
  /** Its --shard I/N, when it ran as one: its processes are those with process % N = I. */
  shard?: { index: number; count: number };
}

/** Where a merged event came from, and its time before widening (ns on the merged timeline). */
export interface EventSource {
  shard: number;
  index: number;
  timeNs: number;
}

export interface MergedHistory {
  events: HistoryEvent[];
  /** By merged index: the shard and index it came from, and its unwidened time. */
  sources: EventSource[];
  /** The merged timeline's origin, ns since the epoch. */
  originWallNs: number;
  /** Process numbers were renumbered (p × shards + shard) because two shards used the same one. */
  renumbered: boolean;
  /** Ops that went on under a new process number because, widened, they overlapped their process's last op. */
  splitOps: number;
}

/**
 * The shards' events on one timeline, widened, in one order; the end marker only when every
 * shard's history has one (the merged run is complete only when every shard is), and only the
 * latest final-phase marker (the final reads of every shard come after it... or are ordinary reads).
 */
export function mergeHistories(shards: readonly ShardHistory[]): MergedHistory {
  const renumbered = processesCollide(shards);
  const maxEpsNs = Math.max(0, ...shards.map((s) => s.epsilonMs * 1e6));
  const placed = shards.filter((s) => s.events.length > 0);
  const originWallNs = placed.length === 0 ? 0 : Math.min(...placed.map((s) => wallNs(s.clock, 0))) - maxEpsNs;
  let lastFinal: { shard: number; index: number; at: number } | undefined;
  const all: { sortNs: number; timeNs: number; shard: number; event: HistoryEvent }[] = [];
  shards.forEach((s, shard) => {
    const epsNs = s.epsilonMs * 1e6;
    for (const e of s.events) {
      if (e.process === 'nemesis' && e.f === END_OF_HISTORY) continue;
      const timeNs = wallNs(s.clock, e.time) - originWallNs;
      if (e.process === 'nemesis' && e.f === FINAL_PHASE && (!lastFinal || timeNs > lastFinal.at)) lastFinal = { shard, index: e.index, at: timeNs };
      const widen = e.process === 'nemesis' ? 0 : e.type === 'invoke' ? -epsNs : epsNs;
      all.push({ sortNs: timeNs + widen, timeNs, shard, event: e });
    }
  });
  // Ties keep each shard's own order (its indices), shards in the order given.
  all.sort((a, b) => a.sortNs - b.sortNs || a.shard - b.shard || a.event.index - b.event.index);
  const events: HistoryEvent[] = [];
  const sources: EventSource[] = [];
  const numbers = processNumbers(shards, renumbered);
  for (const { sortNs, timeNs, shard, event } of all) {
    if (event.process === 'nemesis' && event.f === FINAL_PHASE && !(lastFinal?.shard === shard && lastFinal.index === event.index)) continue;
    const s = shards[shard]!;
    const out: HistoryEvent = {
      index: events.length,
      time: Math.max(0, Math.round(sortNs)),
      process: event.process === 'nemesis' ? 'nemesis' : numbers.of(shard, event.process, event.type === 'invoke'),
      type: event.type,
      f: event.f,
    };
    if (event.key !== undefined) out.key = s.keyPrefix ? `${s.keyPrefix}${event.key}` : event.key;
    if (event.value !== undefined) out.value = s.keyPrefix && event.f === 'list' && event.type === 'ok' ? prefixKeys(event.value, s.keyPrefix) : event.value;
    if (event.error !== undefined) out.error = event.error;
    events.push(out);
    sources.push({ shard, index: event.index, timeNs: Math.round(timeNs) });
  }
  if (shards.every((s) => s.events.some((e) => e.process === 'nemesis' && e.f === END_OF_HISTORY))) {
    const last = events.at(-1)?.time ?? 0;
    events.push({ index: events.length, time: last, process: 'nemesis', type: 'info', f: END_OF_HISTORY });
    sources.push({ shard: -1, index: -1, timeNs: last });
  }
  return { events, sources, originWallNs, renumbered, splitOps: numbers.split() };
}

/**
 * The merged process of each event. A shard's process runs its ops one after another; widened,
 * the next may begin (in the merged order) before the last ends: it then takes a fresh number,
 * above every number the shards used. The completions of a (shard, process) come in the order
 * of its invocations, so each takes the number its invocation got.
 */
function processNumbers(shards: readonly ShardHistory[], renumbered: boolean) {
  const base = (shard: number, p: number) => (renumbered ? p * shards.length + shard : p);
  let above = 0;
  shards.forEach((s, i) => {
    for (const e of s.events) if (e.process !== 'nemesis') above = Math.max(above, base(i, e.process) + 1);
  });
  // A fresh number keeps process % N = shard, as the shards' own numbers do.
  const modulus = renumbered ? shards.length : (shards[0]?.shard?.count ?? shards.length);
  const nextOf = shards.map((s, i) => {
    const residue = renumbered ? i : (s.shard?.index ?? i);
    return above + ((residue - (above % modulus) + modulus) % modulus);
  });
  let split = 0;
  const current = new Map<string, number>();
  const pending = new Map<string, number[]>();
  const open = new Set<number>();
  return {
    of(shard: number, p: number, invoke: boolean): number {
      const id = `${shard}:${p}`;
      if (!invoke) {
        const n = pending.get(id)?.shift() ?? current.get(id) ?? base(shard, p);
        open.delete(n);
        return n;
      }
      let n = current.get(id) ?? base(shard, p);
      if (open.has(n)) {
        n = nextOf[shard]!;
        nextOf[shard] = n + modulus;
        split++;
      }
      current.set(id, n);
      open.add(n);
      const q = pending.get(id) ?? [];
      q.push(n);
      pending.set(id, q);
      return n;
    },
    split: () => split,
  };
}

/** A LIST's answer (the keys it saw) with the shard's prefix on each key. */
function prefixKeys(value: unknown, prefix: string): unknown {
  return Array.isArray(value) ? value.map((k) => (typeof k === 'string' ? `${prefix}${k}` : k)) : value;
}

/** Two shards used one process number (shards run without --shard, or with the same index). */
function processesCollide(shards: readonly ShardHistory[]): boolean {
  const owner = new Map<number, number>();
  for (const [i, s] of shards.entries()) {
    for (const e of s.events) {
      if (e.process === 'nemesis') continue;
      const o = owner.get(e.process);
      if (o === undefined) owner.set(e.process, i);
      else if (o !== i) return true;
    }
  }
  return false;
}
