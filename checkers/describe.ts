import type { Op } from '../src/history/event.js';

/** An op as people write it: put(k3, 19), get(k3) → 17, delete(k3). */
export function describeOp(op: Op): string {
  const args = [op.key, ...(op.invokeValue === undefined ? [] : [show(op.invokeValue)])].filter((a) => a !== undefined);
  const call = `${op.f}(${args.join(', ')})`;
  if (op.type === 'ok' && op.value !== undefined) return `${call} → ${show(op.value)}`;
  if (op.type === 'ok') return call;
  return `${call} [${op.type}${op.error ? `: ${op.error}` : ''}]`;
}

function show(v: unknown): string {
  return v === null ? 'null' : typeof v === 'string' ? JSON.stringify(v) : JSON.stringify(v) ?? String(v);
}

