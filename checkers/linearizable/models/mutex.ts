import type { Op } from '../../../src/history/event.js';
import { isRefused, refusedBecause } from '../../../src/history/conditional.js';
import { byKey, outcomeSuffix, showValue, type Model, type ModelEntry, type OpKind, type SearchHints } from '../model.js';

/** True when the lock is held. */
export type MutexState = boolean;

/** The holder an acquire found, when it completed ok with {"busy": holder} (our lock workload). */
function busyHolder(op: Op): { busy: unknown } | undefined {
  const v = op.value as { busy?: unknown } | null | undefined;
  return op.type === 'ok' && typeof v === 'object' && v !== null && v.busy !== undefined ? (v as { busy: unknown }) : undefined;
}

/** An acquire that completed ok without taking the lock: it observed the lock held. */
function observedHeld(op: Op): boolean {
  return isRefused(op) || busyHolder(op) !== undefined;
}

/**
 * Knossos's mutex: acquire is legal only when the lock is free and takes it; release is legal
 * only when it is held and frees it. Starts free. A failed op (Knossos: a release that fails with
 * :not-held) did not happen and is dropped. Our lock workload's acquire that completed ok with
 * {"refused": …} (its conditional PUT was refused) or {"busy": holder} (its GET found the lock
 * held) took nothing: it observed the lock held, so it is a read, legal only while held. A
 * refused release observed nothing about this model's state (the lock changed under its holder,
 * which mutual-exclusion reports): a read legal in every state. No key: one lock, unless the ops
 * have keys (a lock each).
 */
export const mutexModel: Model<MutexState> = {
  name: 'mutex',
  description: 'a lock: acquire (legal when free) / release (legal when held)',
  init: () => false,
  step(held, op) {
    switch (op.f) {
      case 'acquire':
        if (observedHeld(op)) return held ? held : undefined;
        return held ? undefined : true;
      case 'release':
        if (isRefused(op)) return held;
        return held ? false : undefined;
      default:
        return undefined;
    }
  },
  equal: (a, b) => a === b,
  hash: (s) => (s ? 1 : 0),
  stateKey: (s) => s,
  kind(op): OpKind | undefined {
    if (op.f === 'acquire') return observedHeld(op) ? 'read' : 'write';
    if (op.f === 'release') return isRefused(op) ? 'read' : 'write';
    return undefined;
  },
  describe(op: Op) {
    const name = op.key === undefined ? op.f : `${op.f}(${op.key})`;
    if (isRefused(op)) return `${name} refused (${refusedBecause(op)})`;
    const busy = op.f === 'acquire' ? busyHolder(op) : undefined;
    if (busy) return `${name} → busy (held by ${showValue(busy.busy)})`;
    return `${name}${outcomeSuffix(op)}`;
  },
  describeState: (held) => (held ? 'held' : 'free'),
};

export const mutexHints: SearchHints<MutexState> = {
  // Crashed acquires all look alike.
  twins: true,
  partition: byKey,
};

/** The model and its hints, as the registry loads them. */
export const mutexEntry: ModelEntry<MutexState> = { model: mutexModel, hints: mutexHints };
