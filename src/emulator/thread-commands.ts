import type { RuntimeFaults } from './faults.js';
import type { EmulatorAdmin } from './index.js';
import type { ThreadCommand, ThreadReply } from './thread-client.js';

/**
 * Carries out one fault command from the parent thread. Never throws: a refusal becomes the
 * reply's `error`, so that the parent's promise rejects with the emulator's reason.
 */
export function runThreadCommand(emulator: { faults: RuntimeFaults; admin: EmulatorAdmin }, command: ThreadCommand): ThreadReply {
  const { faults, admin } = emulator;
  const { id } = command;
  try {
    switch (command.cmd) {
      case 'partition':
        faults.partitionReplicas(command.replicas);
        return { id, ok: true };
      case 'heal':
        faults.healPartitions();
        return { id, ok: true };
      case 'skew':
        faults.setClockSkews(command.ms);
        return { id, ok: true };
      case 'unskew':
        faults.resetClockSkews();
        return { id, ok: true };
      case 'key-state':
        admin.setKeyActive(command.accessKeyId, command.active);
        return { id, ok: true };
      case 'describe':
        return { id, ok: true, value: faults.describe() };
      default:
        return { id, error: `unknown emulator thread command ${JSON.stringify((command as { cmd?: unknown }).cmd)}` };
    }
  } catch (err) {
    return { id, error: err instanceof Error ? err.message : String(err) };
  }
}

/** A message with a numeric id and a command name; anything else is not a fault command. */
export function isThreadCommand(m: unknown): m is ThreadCommand {
  return typeof m === 'object' && m !== null && typeof (m as { id?: unknown }).id === 'number' && typeof (m as { cmd?: unknown }).cmd === 'string';
}
