import type { History } from '../src/history/event.js';
import { Random } from '../src/util/random.js';
import type { OpGenerator, OpSpec, Workload } from './workload.js';

export interface MixPart {
  workload: Workload;
  weight: number;
}

/** Separates a part's name from its checker's in the mixed workload's checker names. */
export const PART_SEPARATOR = ':';

/** The history as one part's checkers see it: the ops on the part's keys (events stay whole, so indices hold). */
export function partHistory(history: History, part: string): History {
  const prefix = `${part}/`;
  return { ...history, ops: history.ops.filter((o) => o.key?.startsWith(prefix)) };
}

/** The part an op of a mixed run belongs to: the first segment of its key. */
function partOf(key: string): string {
  return key.slice(0, key.indexOf('/'));
}

/**
 * A blend of workloads for long (nightly) runs. Each op comes from one part, drawn by weight;
 * each part keeps its own generator (seeded from the run's seed and its place in the mix) and
 * its own keys, under `<part>/` (`register/k0`, `cas/r0.0`, `list/l/k3`), so that each part's
 * checkers judge exactly its ops: the mixed workload's checkers are `<part>:<checker>`, and
 * src/check/select-checkers.ts runs each on its part's keys, with its part's model.
 */
export function mixedWorkload(parts: readonly MixPart[]): Workload {
  const byName = new Map(parts.map((p) => [p.workload.name, p.workload]));
  const of = (op: OpSpec): Workload => {
    const w = byName.get(partOf(op.key ?? ''));
    if (!w) throw new Error(`mixed workload: ${op.key} belongs to no part`);
    return w;
  };
  const prefixed = (name: string, op: OpSpec): OpSpec => ({ ...op, key: `${name}/${op.key ?? ''}` });
  return {
    name: 'mixed',
    description: `a blend of workloads on their own keys, each checked by its own checkers (--mix; now ${parts.map((p) => `${p.workload.name}=${p.weight}`).join(',')})`,
    fs: new Set(parts.flatMap((p) => [...p.workload.fs])),
    reads: new Set(parts.flatMap((p) => [...p.workload.reads])),
    checkers: parts.flatMap((p) => p.workload.checkers.map((c) => `${p.workload.name}${PART_SEPARATOR}${c}`)),

    generator({ seed, keys }): OpGenerator {
      const random = new Random(seed);
      const live = parts.map((p, i) => ({ name: p.workload.name, weight: p.weight, generator: p.workload.generator({ seed: (seed + 0x9e3779b9 * (i + 1)) >>> 0, keys }) }));
      return {
        next(): OpSpec | undefined {
          while (live.length > 0) {
            const part = random.weighted(live.map((p) => [p, p.weight] as const));
            const op = part.generator.next();
            if (op) return prefixed(part.name, op);
            live.splice(live.indexOf(part), 1);
          }
          return undefined;
        },
      };
    },

    // The part's own execute sees the prefixed key, so the store keys and the history agree
    // (a LIST of `list/l/` returns `list/l/k3`).
    execute: (client, op, options) => of(op).execute(client, op, options),

    followUp: (op, value) => of(op).followUp?.(op, value),

    finalReads(options) {
      return parts.flatMap((p) => (p.workload.finalReads?.(options) ?? []).map((op) => prefixed(p.workload.name, op)));
    },
  };
}

/** `register=4,list=1,cas=1` as the parts of a mix; throws with the reason when it is not one. */
export function parseMix(text: string, known: ReadonlyMap<string, Workload>): MixPart[] {
  const parts: MixPart[] = [];
  for (const item of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    const m = /^([a-z0-9-]+)(?:=([0-9]*\.?[0-9]+))?$/.exec(item);
    if (!m) throw new Error(`"${item}" is not name=weight`);
    const workload = known.get(m[1]!);
    if (!workload || workload.name === 'mixed') throw new Error(`no workload named "${m[1]}" to mix; known: ${[...known.keys()].filter((k) => k !== 'mixed').join(', ')}`);
    const weight = m[2] === undefined ? 1 : Number(m[2]);
    if (!(weight > 0)) throw new Error(`the weight of ${m[1]} must be above 0`);
    if (parts.some((p) => p.workload === workload)) throw new Error(`${m[1]} is named twice`);
    parts.push({ workload, weight });
  }
  if (parts.length === 0) throw new Error('names no workload');
  return parts;
}
