import { networkFault } from './network.js';

/** Nothing gets through, in either direction, and nothing says so: operations time out. */
export const partitionNemesis = networkFault('partition', 'black-holes the target: connections are accepted and never answered', () => ({ kind: 'blackhole' }));
