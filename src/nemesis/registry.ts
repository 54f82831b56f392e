import { clockSkewNemesis } from './faults/clock-skew.js';
import { delayNemesis } from './faults/delay.js';
import { dropNemesis } from './faults/drop.js';
import { killNemesis } from './faults/kill.js';
import { netFlakyNemesis, netPartitionNemesis } from './faults/net.js';
import { nodePauseNemesis, nodeStopNemesis } from './faults/node.js';
import { partitionNemesis } from './faults/partition.js';
import { partitionSomeNemesis } from './faults/partition-some.js';
import { pauseNemesis } from './faults/pause.js';
import { replicaPartitionNemesis } from './faults/replica-partition.js';
import { resetNemesis } from './faults/reset.js';
import type { Nemesis } from './nemesis.js';

/** Every fault, by the name --nemesis takes. A new fault is one file and one line here. */
export const nemeses: ReadonlyMap<string, Nemesis> = new Map(
  [partitionNemesis, partitionSomeNemesis, resetNemesis, dropNemesis, delayNemesis, killNemesis, pauseNemesis, replicaPartitionNemesis, clockSkewNemesis, nodeStopNemesis, nodePauseNemesis, netPartitionNemesis, netFlakyNemesis].map((n) => [n.name, n]),
);
