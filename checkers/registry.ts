import type { Checker } from './checker.js';
import { cache } from './cache.js';
import { config } from './config.js';
import { createOnce } from './create-once.js';
import { deltaAtomicityChecker } from './delta-atomicity.js';
import { linearizable } from './linearizable/index.js';
import { listConsistency } from './list-consistency.js';
import { mutualExclusion } from './mutual-exclusion.js';
import { readAfterCreate } from './read-after-create.js';
import { readValidity } from './read-validity.js';
import { sessionGuarantees } from './session-guarantees.js';
import { replication } from './replication.js';
import { revocation } from './revocation.js';
import { staleReads } from './stale-reads.js';
import { lostWrites } from './staleness/lost-writes.js';
import { visibility } from './visibility.js';

/** Every checker, by name. A new checker is one file and one line here. */
export const checkers: ReadonlyMap<string, Checker> = new Map(
  [readValidity, linearizable, staleReads, sessionGuarantees, visibility, deltaAtomicityChecker, lostWrites, readAfterCreate, listConsistency, createOnce, mutualExclusion, revocation, cache, config, replication].map((c) => [c.name, c]),
);
