import { S3Error } from '../errors.js';

// A bucket policy statement's Condition block, IAM's way: every operator must hold, and under an
// operator every key; a key holds when any of its policy values matches a value of the request.
// The operators are the string ones (StringEquals, StringNotEquals, their IgnoreCase forms,
// StringLike, StringNotLike), each with its IfExists form, and Null; the keys are what
// condition-keys.ts can tell of a request. Anything else is 'unknown', which the policy evaluator
// takes the worse way for the caller (policy.ts), so that an unfamiliar condition never widens
// access.

export interface Condition {
  operator: string;
  key: string;
  values: string[];
}

/** What the request says of a condition key: its values, or undefined when the request has none. */
export type KeyLookup = (key: string) => string[] | undefined | typeof UNKNOWN_KEY;

/** A key the emulator cannot tell the value of (an aws:SourceIp, a key it does not know). */
export const UNKNOWN_KEY = Symbol('unknown condition key');

/** Reads a statement's Condition block; a shape IAM would refuse is MalformedPolicy. */
export function parseConditions(raw: unknown): Condition[] {
  if (raw === undefined) return [];
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new S3Error('MalformedPolicy', 'Condition must be an object');
  const conditions: Condition[] = [];
  for (const [operator, block] of Object.entries(raw)) {
    if (typeof block !== 'object' || block === null || Array.isArray(block)) throw new S3Error('MalformedPolicy', `Condition ${operator} must map keys to values`);
    for (const [key, v] of Object.entries(block)) {
      const values = (Array.isArray(v) ? v : [v]).map((x) => (typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean' ? String(x) : undefined));
      if (values.length === 0 || values.some((x) => x === undefined)) throw new S3Error('MalformedPolicy', `Condition ${operator} ${key} must be a string or a list of strings`);
      conditions.push({ operator, key, values: values as string[] });
    }
  }
  return conditions;
}

/** IAM's wildcards in StringLike: * any run of characters, ? one character. */
function like(pattern: string, value: string): boolean {
  const re = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[\\s\\S]*').replace(/\?/g, '[\\s\\S]');
  return new RegExp(`^${re}$`).test(value);
}

type Match = (policyValue: string, requestValue: string) => boolean;

/** The positive string operators; the Not forms are their negation. */
const STRING_MATCH: Record<string, Match> = {
  StringEquals: (p, r) => p === r,
  StringEqualsIgnoreCase: (p, r) => p.toLowerCase() === r.toLowerCase(),
  StringLike: like,
};

const NEGATED: Record<string, string> = {
  StringNotEquals: 'StringEquals',
  StringNotEqualsIgnoreCase: 'StringEqualsIgnoreCase',
  StringNotLike: 'StringLike',
};

/** Whether one condition holds for the request, or 'unknown' when the emulator cannot tell. */
function holds(c: Condition, lookup: KeyLookup): boolean | 'unknown' {
  const present = lookup(c.key);
  if (present === UNKNOWN_KEY) return 'unknown';
  if (c.operator === 'Null') {
    // "true": the key must be absent; "false": present.
    const want = c.values.map((v) => v.toLowerCase());
    if (want.some((v) => v !== 'true' && v !== 'false')) return 'unknown';
    return want.includes(present === undefined ? 'true' : 'false');
  }
  const ifExists = c.operator.endsWith('IfExists');
  const base = ifExists ? c.operator.slice(0, -'IfExists'.length) : c.operator;
  // IfExists: a key the request does not have makes the condition hold.
  if (present === undefined && ifExists) return true;
  const positive = STRING_MATCH[base];
  if (positive) return present !== undefined && c.values.some((p) => present.some((r) => positive(p, r)));
  const negated = NEGATED[base];
  // A negated operator holds when no value matches, which an absent key satisfies (IAM's rule).
  if (negated) return present === undefined || !c.values.some((p) => present.some((r) => STRING_MATCH[negated]!(p, r)));
  return 'unknown';
}

/** Whether all of a statement's conditions hold: true, false, or 'unknown' if any could not be judged (and none failed). */
export function conditionsHold(conditions: readonly Condition[], lookup: KeyLookup): boolean | 'unknown' {
  let result: boolean | 'unknown' = true;
  for (const c of conditions) {
    const r = holds(c, lookup);
    if (r === false) return false;
    if (r === 'unknown') result = 'unknown';
  }
  return result;
}
