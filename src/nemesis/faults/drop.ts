import { networkFault } from './network.js';

/** New connections are refused; open ones go on (a target that stops accepting). */
export const dropNemesis = networkFault('drop', 'closes every new connection at once; open connections go on', () => ({ kind: 'drop' }));
