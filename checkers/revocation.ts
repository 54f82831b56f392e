import type { History } from '../src/history/event.js';
import type { Checker } from './checker.js';
import type { ChangeRule } from './windows/change-lag.js';
import { checkWindows } from './windows/check-windows.js';

/** Which answer of the second principal's read shows each change in force. */
const RULES: ChangeRule[] = [
  { f: 'revoke', window: 'revoke', shows: (_, p) => p.value === 'denied' },
  { f: 'grant', window: 'grant', shows: (_, p) => p.value === 'allowed' },
  { f: 'disable-key', window: 'key-disable', shows: (_, p) => p.value === 'denied' },
  { f: 'enable-key', window: 'key-enable', shows: (_, p) => p.value === 'allowed' },
];

/**
 * Access revocation windows: how long after a revocation (or a key's disabling) returned the
 * second principal could still read, and how long after a grant (or enabling) it could not yet.
 */
export const revocation = {
  name: 'revocation',
  description: "how long a revoked principal (or a disabled key) can still read, and a granted one cannot yet: median, 95% CI and max per kind of change",
  check: (history: History) => checkWindows(history, { probe: 'read', rules: RULES }),
} satisfies Checker;
