import { casWorkload } from './cas.js';
import { listWorkload } from './list.js';
import { lockWorkload } from './lock.js';
import { metadataWorkload } from './metadata.js';
import { newObjectWorkload } from './new-object.js';
import { registerWorkload } from './register.js';
import type { Workload } from './workload.js';

/** Every workload, by the name --workload takes. A new workload is one file and one line here. */
export const workloads: ReadonlyMap<string, Workload> = new Map(
  [registerWorkload, newObjectWorkload, listWorkload, casWorkload, metadataWorkload, lockWorkload].map((w) => [w.name, w]),
);
