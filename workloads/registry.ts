import { cacheWorkload } from './cache.js';
import { casWorkload } from './cas.js';
import { configWorkload } from './config.js';
import { listWorkload } from './list.js';
import { newObjectWorkload } from './new-object.js';
import { registerWorkload } from './register.js';
import { replicationWorkload } from './replication.js';
import { revocationWorkload } from './revocation.js';
import type { Workload } from './workload.js';

/** Every workload, by the name --workload takes. A new workload is one file and one line here. */
export const workloads: ReadonlyMap<string, Workload> = new Map(
  [registerWorkload, newObjectWorkload, listWorkload, casWorkload, revocationWorkload, cacheWorkload, configWorkload, replicationWorkload].map((w) => [w.name, w]),
);
