import { S3Error } from '../errors.js';
import { conditionsHold, parseConditions, type Condition, type KeyLookup } from './policy-conditions.js';

// A subset of S3 bucket policies, enough to grant and revoke one principal's access:
// Effect Allow|Deny, Principal "*" or {"AWS": id | [ids]}, Action and Resource as strings or
// lists with "*" wildcards. A principal names an access key id or a user id, or an ARN whose
// last path segment is one (arn:aws:iam::123456789012:user/<id>); "*" names everyone, anonymous
// callers too. Deny wins over Allow. Conditions are judged by policy-conditions.ts on the
// request's keys (condition-keys.ts).

export interface Statement {
  effect: 'Allow' | 'Deny';
  principals: '*' | string[];
  actions: RegExp[];
  resources: RegExp[];
  /** Its Condition block; empty: unconditional. */
  conditions: Condition[];
}

function list(v: unknown, what: string): string[] {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'string')) return v as string[];
  throw new S3Error('MalformedPolicy', `${what} must be a string or a list of strings`);
}

function glob(pattern: string): RegExp {
  const escaped = pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
  return new RegExp(`^${escaped}$`, 'i');
}

function principals(v: unknown): '*' | string[] {
  if (v === '*') return '*';
  if (typeof v === 'object' && v !== null && 'AWS' in v) {
    const ids = list((v as { AWS: unknown }).AWS, 'Principal.AWS');
    return ids.includes('*') ? '*' : ids;
  }
  throw new S3Error('MalformedPolicy', 'Principal must be "*" or {"AWS": ...}');
}

/** Parses a policy document; anything it cannot read is S3's MalformedPolicy. */
export function parsePolicy(text: string): Statement[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new S3Error('MalformedPolicy', 'Policies must be valid JSON');
  }
  const raw = (doc as { Statement?: unknown })?.Statement;
  const statements = Array.isArray(raw) ? raw : raw !== undefined ? [raw] : [];
  if (statements.length === 0) throw new S3Error('MalformedPolicy', 'Policy has no statements');
  return statements.map((s: Record<string, unknown>) => {
    if (s.Effect !== 'Allow' && s.Effect !== 'Deny') throw new S3Error('MalformedPolicy', 'Effect must be Allow or Deny');
    return {
      effect: s.Effect,
      principals: principals(s.Principal),
      actions: list(s.Action, 'Action').map(glob),
      resources: list(s.Resource, 'Resource').map(glob),
      conditions: parseConditions(s.Condition),
    };
  });
}

function names(principal: string, accessKeyId: string): boolean {
  return principal === accessKeyId || principal.endsWith(`/${accessKeyId}`);
}

/**
 * Whether a statement's conditions let it apply. A condition the emulator cannot judge (an
 * operator or key it does not know) is taken the worse way for the caller: such an Allow does
 * not apply and such a Deny does, so that a policy the emulator half understands never lets in
 * someone S3 would keep out.
 */
function applies(s: Statement, keys: KeyLookup): boolean {
  if (s.conditions.length === 0) return true;
  const held = conditionsHold(s.conditions, keys);
  return held === 'unknown' ? s.effect === 'Deny' : held;
}

/** 'allow', 'deny', or undefined when no statement speaks of this request. */
export function evaluate(statements: readonly Statement[], caller: string | readonly string[], action: string, resource: string, keys: KeyLookup = () => undefined): 'allow' | 'deny' | undefined {
  const ids = (typeof caller === 'string' ? [caller] : caller).filter((id) => id !== '');
  let verdict: 'allow' | undefined;
  for (const s of statements) {
    const who = s.principals === '*' || s.principals.some((p) => ids.some((id) => names(p, id)));
    if (!who || !s.actions.some((a) => a.test(action)) || !s.resources.some((r) => r.test(resource))) continue;
    if (!applies(s, keys)) continue;
    if (s.effect === 'Deny') return 'deny';
    verdict = 'allow';
  }
  return verdict;
}

/** Whether a policy lets everyone in: an unconditional Allow for Principal "*" (GetBucketPolicyStatus, public access blocks). */
export function isPublicPolicy(statements: readonly Statement[]): boolean {
  return statements.some((s) => s.effect === 'Allow' && s.principals === '*' && s.conditions.length === 0);
}
