import { networkFault } from './network.js';

/** Responses cut by a TCP reset: the store may have applied the request, the client cannot know. */
export const resetNemesis = networkFault('reset', 'resets connections in the middle of responses (applied, but unacknowledged)', () => ({ kind: 'reset' }));
