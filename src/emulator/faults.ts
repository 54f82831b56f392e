import type { GroundTruthLog } from './ground-truth.js';
import { FaultError, type Cluster } from './models/cluster.js';
import type { ConsistencyModelName } from './options.js';

export { FaultError } from './models/cluster.js';

/**
 * Faults a harness switches on and off while the emulator runs (a nemesis), as opposed to the
 * `faults` options, which hold for the whole run. Each applies to every bucket at once.
 */
export interface RuntimeFaults {
  /** quorum: cut these replicas (and the coordinators on their nodes) off from the rest. */
  partitionReplicas(replicas: number[]): void;
  /** Ends every partition and delivers the messages it held. Harmless when there is none. */
  healPartitions(): void;
  /** quorum: one clock offset (ms) per coordinator, replacing the current ones. */
  setClockSkews(ms: number[]): void;
  /** Back to the configured offsets. Harmless when they were never changed. */
  resetClockSkews(): void;
  /** The current fault state, for a run's record. */
  describe(): Record<string, unknown>;
}

/**
 * The control for one emulator. Only the quorum model has replicas to cut off and coordinators
 * whose clocks order writes; for the others starting a fault throws, so that a nemesis
 * misconfigured against them fails loudly instead of testing nothing, while ending one is a
 * no-op, so that cleanup code may always call it.
 */
export function runtimeFaults(model: ConsistencyModelName, cluster: Cluster | undefined, truth?: GroundTruthLog): RuntimeFaults {
  let skewed = false;
  const record = (event: { fault: 'partition' | 'clock-skew'; action: 'start' | 'end'; replicas?: number[]; clockSkewsMs?: number[]; delivered?: number }) => {
    if (truth) truth.record({ kind: 'fault', ...event, atNs: truth.now() });
  };
  const need = (what: string): Cluster => {
    if (!cluster) throw new FaultError(`${what} needs the quorum model; this emulator runs "${model}"`);
    return cluster;
  };
  return {
    partitionReplicas(replicas) {
      need('a replica partition').partition(replicas);
      record({ fault: 'partition', action: 'start', replicas: [...replicas] });
    },
    healPartitions() {
      if (!cluster || cluster.partitions().length === 0) return;
      const delivered = cluster.heal();
      record({ fault: 'partition', action: 'end', delivered });
    },
    setClockSkews(ms) {
      need('clock skew').setSkews(ms);
      skewed = true;
      record({ fault: 'clock-skew', action: 'start', clockSkewsMs: [...ms] });
    },
    resetClockSkews() {
      if (!cluster || !skewed) return;
      cluster.resetSkews();
      skewed = false;
      record({ fault: 'clock-skew', action: 'end' });
    },
    describe() {
      if (!cluster) return { model, supported: [] };
      return { model, supported: ['partition', 'clock-skew'], ...cluster.describe() };
    },
  };
}
