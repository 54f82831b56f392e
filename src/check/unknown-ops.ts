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
    return `${file}:${lineOf(history, op.invokeIndex)}: field "f": ${JSON.stringify(op.f)} is not an operation of ${whose}${models} (known: ${[...known].sort().join(', ')})`;
  }
  return undefined;
}

/** The line an event starts on: recorded by importers whose events are not one a line. */
export function lineOf(history: History, eventIndex: number): number {
  return history.lines?.[eventIndex] ?? eventIndex + 1;
}

/**
 * Another tool's history checked against a model that has no such op (`txn` under
 * cas-register, say): one line naming the op and the models that do take it, rather than a
 * verdict over the ops that are left. As Knossos, which refuses an op its model does not know.
 */
export function modelFitError(file: string, history: History, model: Model, models: Readonly<Record<string, Model>>): string | undefined {
  const op = history.ops.find((o) => model.kind(o) === undefined);
  if (op === undefined) return undefined;
  const fitting = Object.values(models).filter((m) => m.kind(op) !== undefined).map((m) => m.name);
  const hint = fitting.length === 0 ? `no model takes it (models: ${Object.keys(models).join(', ')})` : `--model ${fitting.join(' or ')} takes it`;
  return `${file}:${lineOf(history, op.invokeIndex)}: field "f": the ${model.name} model has no op ${JSON.stringify(op.f)}; ${hint}`;
}
