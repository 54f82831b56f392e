import type { Op } from '../src/history/event.js';

/** An op as people write it: put(k3, 19), get(k3) → 17, delete(k3). */
export function describeOp(op: Op): string {
  const call = describeCall(op);
  if (op.type === 'ok' && op.value !== undefined) return `${call} → ${show(op.value)}`;
  if (op.type === 'ok') return call;
  return `${call} [${op.type}${op.error ? `: ${op.error}` : ''}]`;
}

/** The call alone, without what it returned: list(l/), get(k3). */
export function describeCall(op: Op): string {
  const args = [op.key, ...(op.invokeValue === undefined ? [] : [show(op.invokeValue)])].filter((a) => a !== undefined);
  return `${op.f}(${args.join(', ')})`;
}

function show(v: unknown): string {
  return v === null ? 'null' : typeof v === 'string' ? JSON.stringify(v) : JSON.stringify(v) ?? String(v);
}

