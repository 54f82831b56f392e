import { cacheWorkload } from './cache.js';
import { casWorkload } from './cas.js';
import { configWorkload } from './config.js';
import { listWorkload } from './list.js';
import { lockWorkload } from './lock.js';
import { metadataWorkload } from './metadata.js';
import { mixedWorkload, parseMix } from './mixed.js';
import { newObjectWorkload } from './new-object.js';
import { pbsWorkload } from './pbs.js';
import { registerWorkload } from './register.js';
import { replicationWorkload } from './replication.js';
import { revocationWorkload } from './revocation.js';
import type { Workload } from './workload.js';

/** The data-plane workloads: any target runs them; `--workload mixed` alone blends them. */
const single = [registerWorkload, newObjectWorkload, listWorkload, casWorkload, metadataWorkload, lockWorkload];
/**
 * The eventual corners: each needs a capability most targets lack (a second principal, a
 * caching front, bucket settings, a second endpoint) and paces itself by what it observes; a
 * --mix takes them by name. pbs runs on its own (Workload.runsAlone): its ops start at planned times.
 */
const corners = [revocationWorkload, cacheWorkload, configWorkload, replicationWorkload, pbsWorkload];

/**
 * Every workload, by the name --workload takes. A new workload is one file and one line here.
 * `mixed` here blends all the others, one part each; --mix chooses others (workloadFor).
 */
export const workloads: ReadonlyMap<string, Workload> = new Map(
  [...single, ...corners, mixedWorkload(single.map((workload) => ({ workload, weight: 1 })))].map((w) => [w.name, w]),
);

/** The workload a run names, with its --mix (only for `mixed`; throws when the mix is not one). */
export function workloadFor(name: string, mix?: string): Workload {
  if (mix === undefined) return workloads.get(name)!;
  if (name !== 'mixed') throw new Error(`only with --workload mixed (not ${name})`);
  return mixedWorkload(parseMix(mix, new Map([...single, ...corners].map((w) => [w.name, w]))));
}
