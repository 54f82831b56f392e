import type { EvidenceOp } from '../../checkers/evidence.js';

/** An ok op as evidence names it (checkers/evidence.ts), its times in ms: the history helpers put events 1 ms apart. */
export function okOp(index: number, process: number, text: string, invokedMs: number, completedMs: number): EvidenceOp {
  return { index, process, f: text.slice(0, text.indexOf('(')), type: 'ok', text, invokeTime: invokedMs * 1e6, completeTime: completedMs * 1e6 };
}
