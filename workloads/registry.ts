import { casWorkload } from './cas.js';
import { listWorkload } from './list.js';
import { lockWorkload } from './lock.js';
import { metadataWorkload } from './metadata.js';
import { mixedWorkload, parseMix } from './mixed.js';
import { newObjectWorkload } from './new-object.js';
import { registerWorkload } from './register.js';
import type { Workload } from './workload.js';

const single = [registerWorkload, newObjectWorkload, listWorkload, casWorkload, metadataWorkload, lockWorkload];

/**
 * Every workload, by the name --workload takes. A new workload is one file and one line here.
 * `mixed` here blends all the others, one part each; --mix chooses others (workloadFor).
 */
export const workloads: ReadonlyMap<string, Workload> = new Map(
  [...single, mixedWorkload(single.map((workload) => ({ workload, weight: 1 })))].map((w) => [w.name, w]),
);

/** The workload a run names, with its --mix (only for `mixed`; throws when the mix is not one). */
export function workloadFor(name: string, mix?: string): Workload {
  if (mix === undefined) return workloads.get(name)!;
  if (name !== 'mixed') throw new Error(`only with --workload mixed (not ${name})`);
  return mixedWorkload(parseMix(mix, workloads));
}
