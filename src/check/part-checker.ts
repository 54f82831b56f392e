import type { ByKey, Checker } from '../../checkers/checker.js';
import type { GroundTruthEvent } from '../history/ground-truth.js';
import { PART_SEPARATOR, partHistory } from '../history/parts.js';

/**
 * The checker over the ops of one part of a mixed run (workloads/mixed.ts): its name is
 * `<part>:<checker>`, its ops those on the part's keys (`<part>/…`); events stay whole, so
 * indices hold. Key by key, the other parts' keys give no part.
 */
export function onPart(part: string, checker: Checker): Checker {
  return {
    name: `${part}${PART_SEPARATOR}${checker.name}`,
    description: `${checker.description} (the ${part} part's keys)`,
    check: (history, options) => checker.check(partHistory(history, part), options?.groundTruth ? { ...options, groundTruth: partTruth(options.groundTruth, part) } : options),
    ...(checker.byKey ? { byKey: partByKey(part, checker.byKey) } : {}),
  };
}

/** A checker by name: the registry's, or for `<part>:<checker>` that checker on the part (with the registry's instance). */
export function checkerNamed(name: string, registry: ReadonlyMap<string, Checker>): Checker | undefined {
  const cut = name.indexOf(PART_SEPARATOR);
  if (cut <= 0) return registry.get(name);
  const inner = registry.get(name.slice(cut + 1));
  return inner && onPart(name.slice(0, cut), inner);
}

/** The inner checker's parts of the part's keys alone (null for another part's key). */
function partByKey(part: string, inner: ByKey): ByKey<unknown> {
  const mine = <T>(list: readonly T[]): T[] => list.filter((p) => p !== null);
  return {
    keyPart: (history, options) => {
      const own = partHistory(history, part);
      return own.ops.length === 0 ? null : inner.keyPart(own, options);
    },
    ...(inner.question
      ? {
          question: (parts, options) => inner.question!(mine(parts), options),
          answer: (history, question) => {
            const own = partHistory(history, part);
            return own.ops.length === 0 ? null : inner.answer!(own, question);
          },
        }
      : {}),
    ...(inner.bytesPerOp !== undefined ? { bytesPerOp: inner.bytesPerOp } : {}),
    ...(inner.mergeBytesPerOp !== undefined ? { mergeBytesPerOp: inner.mergeBytesPerOp } : {}),
    ...(inner.readsGroundTruth ? { readsGroundTruth: true } : {}),
    merge: (parts, options, outline, answers) => inner.merge(mine(parts), options, partHistory(outline, part), answers && mine(answers)),
  };
}

/**
 * The ground truth a part's checkers see: events of the part's keys (`…/<part>/…` behind the
 * run's prefix) and those of no key (bucket-wide settings: a policy, versioning), not the other
 * parts' writes (a replicated register write is not a replication sample).
 */
function partTruth(events: readonly GroundTruthEvent[], part: string): GroundTruthEvent[] {
  const marker = `/${part}/`;
  return events.filter((e) => !('key' in e) || e.key === undefined || e.key.includes(marker));
}
