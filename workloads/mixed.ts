import { PART_SEPARATOR, partOf } from '../src/history/parts.js';
import { Random } from '../src/util/random.js';
import type { OpGenerator, OpSpec, Workload } from './workload.js';

export interface MixPart {
  workload: Workload;
  weight: number;
}


/**
 * A blend of workloads for long (nightly) runs. Each op comes from one part, drawn by weight;
 * each part keeps its own generator (seeded from the run's seed and its place in the mix) and
 * its own keys, under `<part>/` (`register/k0`, `cas/r0.0`, `list/l/k3`; an op without a key,
 * such as revocation's grant, gets `<part>/`), so that each part's checkers judge exactly its
 * ops: the mixed workload's checkers are `<part>:<checker>`, and src/check/select-checkers.ts
 * runs each on its part's keys, with its part's model. The measurement workloads (revocation,
 * cache, config, replication) mix too: their generators hear how their own ops ended (update),
 * and the target must offer what each part needs (unsupported; on the emulator, every part's
 * emulatorDefaults).
 */
export function mixedWorkload(parts: readonly MixPart[]): Workload {
  const byName = new Map(parts.map((p) => [p.workload.name, p.workload]));
  const partOfOp = (op: OpSpec): string => (origins.get(op)?.part ?? partOf(op.key ?? ''));
  const of = (op: OpSpec): Workload => {
    const w = byName.get(partOfOp(op));
    if (!w) throw new Error(`mixed workload: ${op.key} belongs to no part`);
    return w;
  };
  // The op a part's generator made, by the prefixed op the runner got: phased generators know
  // their ops by identity.
  const origins = new WeakMap<OpSpec, { part: string; op: OpSpec }>();
  const prefixed = (name: string, op: OpSpec): OpSpec => {
    const mixed = { ...op, key: `${name}/${op.key ?? ''}` };
    origins.set(mixed, { part: name, op });
    return mixed;
  };
  return {
    name: 'mixed',
    description: `a blend of workloads on their own keys, each checked by its own checkers (--mix; now ${parts.map((p) => `${p.workload.name}=${p.weight}`).join(',')})`,
    fs: new Set(parts.flatMap((p) => [...p.workload.fs])),
    reads: new Set(parts.flatMap((p) => [...p.workload.reads])),
    checkers: parts.flatMap((p) => p.workload.checkers.map((c) => `${p.workload.name}${PART_SEPARATOR}${c}`)),

    generator(options): OpGenerator {
      const random = new Random(options.seed);
      const live = parts.map((p, i) => ({ name: p.workload.name, weight: p.weight, generator: p.workload.generator({ ...options, seed: (options.seed + 0x9e3779b9 * (i + 1)) >>> 0 }) }));
      const generatorOf = new Map(live.map((p) => [p.name, p.generator]));
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
        update(op, outcome) {
          const origin = origins.get(op);
          if (origin) generatorOf.get(origin.part)?.update?.(origin.op, outcome);
        },
      };
    },

    unsupported(client) {
      for (const p of parts) {
        const why = p.workload.unsupported?.(client);
        if (why) return `its ${p.workload.name} part: ${why}`;
      }
      return undefined;
    },
    ...mergedEmulatorDefaults(parts),

    // The part's own execute sees the prefixed key, so the store keys and the history agree
    // (a LIST of `list/l/` returns `list/l/k3`).
    execute: (client, op, options) => of(op).execute(client, op, options),

    followUp: (op, value) => of(op).followUp?.(op, value),

    finalReads(options, keysUsed) {
      return parts.flatMap((p) => {
        // A part's own keys, as its generator named them (without the part's prefix).
        const own = `${p.workload.name}/`;
        const used = () => new Set([...keysUsed()].filter((k) => k.startsWith(own)).map((k) => k.slice(own.length)));
        return (p.workload.finalReads?.(options, used) ?? []).map((op) => prefixed(p.workload.name, op));
      });
    },
  };
}

/** Every part's emulator knobs at once (each part needs its own; none share a flag). */
function mergedEmulatorDefaults(parts: readonly MixPart[]): Pick<Workload, 'emulatorDefaults'> {
  const all = parts.map((p) => p.workload.emulatorDefaults).filter((d) => d !== undefined);
  if (all.length === 0) return {};
  const readTarget = all.find((d) => d.readTarget !== undefined)?.readTarget;
  return {
    emulatorDefaults: {
      flags: Object.assign({}, ...all.map((d) => d.flags)) as Record<string, string | true>,
      ...(readTarget !== undefined ? { readTarget } : {}),
      ...(all.some((d) => d.groundTruth) ? { groundTruth: true as const } : {}),
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
    if (!workload || workload.name === 'mixed') throw new Error(`no workload named "${m[1]}" to mix; known: ${[...known.values()].filter((w) => w.name !== 'mixed' && !w.runsAlone).map((w) => w.name).join(', ')}`);
    if (workload.runsAlone) throw new Error(`${workload.name} runs alone, not in a mix: ${workload.runsAlone}`);
    const weight = m[2] === undefined ? 1 : Number(m[2]);
    if (!(weight > 0)) throw new Error(`the weight of ${m[1]} must be above 0`);
    if (parts.some((p) => p.workload === workload)) throw new Error(`${m[1]} is named twice`);
    parts.push({ workload, weight });
  }
  if (parts.length === 0) throw new Error('names no workload');
  return parts;
}
