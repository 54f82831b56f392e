import type { History } from '../src/history/event.js';
import type { Checker } from './checker.js';
import type { ChangeRule } from './windows/change-lag.js';
import { checkWindows } from './windows/check-windows.js';

/** Which answer of a probe write shows each configuration in force. */
const RULES: ChangeRule[] = [
  { f: 'enable-versioning', window: 'versioning-enable', shows: (_, p) => p.value === 'versioned' },
  { f: 'suspend-versioning', window: 'versioning-suspend', shows: (_, p) => p.value === 'unversioned' },
];

/** How long after a bucket configuration change returned, writes were still governed by the old one. */
export const config = {
  name: 'config',
  description: 'how long after versioning was enabled (or suspended) writes were still governed by the old configuration: median, 95% CI and max',
  check: (history: History) => checkWindows(history, { probe: 'put', rules: RULES }),
} satisfies Checker;
