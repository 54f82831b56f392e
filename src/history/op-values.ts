// Values that ops of particular workloads carry, read by the checkers of those workloads: the
// history's vocabulary, which both the writer (a workload, the runner) and the reader (a checker)
// import from here rather than from each other.

/** The f of the event the runner records when the final phase starts (the lost-writes checker's final reads follow it). */
export const FINAL_PHASE = 'final-phase';

// The lock workload's history (workloads/lock.ts): `acquire` (value: the token) completes ok
// with {"acquired": etag}, {"busy": holder} or {"refused": why}; its holder's `release` (value
// {token, etag}) completes ok, or ok with {"refused": why}.

/** The user metadata field that says whether the lock is held or free. */
export const LOCK_STATE_FIELD = 'objcheck-lock';

export interface LockAcquired {
  acquired: string;
}

export interface ReleaseArgs {
  token: number;
  etag: string;
}

/** What a cache put records (workloads/cache.ts): the value written and the Cache-Control it was written with. */
export interface CachedWrite {
  body: number;
  cacheControl: string;
}
