import type { Model } from '../../checkers/linearizable/model.js';
import type { History } from '../history/event.js';
import type { Workload } from '../../workloads/workload.js';

/**
 * The first client op that nothing in the check understands, as a one-line error naming the
 * file, the line and the field; undefined when every op is known. Known are the fs of the
 * history's workload (of every workload, for a bare history) and the ops the chosen model
 * takes. A checker meeting such an op would skip it, and a verdict over what is left proves
 * nothing about it: a typo'd or foreign `f` must not pass as "valid".
 */
export function unknownOpError(file: string, history: History, workloads: readonly Workload[], model: Model | undefined): string | undefined {
  const known = new Set(workloads.flatMap((w) => [...w.fs]));
  for (const op of history.ops) {
    if (known.has(op.f) || (model !== undefined && model.kind(op) !== undefined)) continue;
    const whose = workloads.length === 1 ? `the ${workloads[0]!.name} workload` : 'any objcheck workload';
    const models = model ? ` or of the ${model.name} model` : '';
    // One event a line from index 0: the invocation's line is its index + 1.
    return `${file}:${op.invokeIndex + 1}: field "f": ${JSON.stringify(op.f)} is not an operation of ${whose}${models} (known: ${[...known].sort().join(', ')})`;
  }
  return undefined;
}
