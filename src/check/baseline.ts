// Known deviations, for nightly CI: a baseline file lists the anomalies a store is known to show
// (s3rver's torn reads, Ceph 16's If-Match quirk…) by checker, kind and target. A run whose every
// anomaly is known passes; anything new fails. Pure: results and baseline in, marked results out.
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { CheckResult, Validity } from '../../checkers/checker.js';
import { combineValidity } from '../../checkers/checker.js';
import { sentence } from '../../checkers/explain.js';
import { UserError } from '../util/errors.js';
import type { BaselineOutcome, Results } from './run-checkers.js';

export interface KnownDeviation {
  checker: string;
  /** The anomaly kind; absent: every kind of that checker. */
  kind?: string;
  /** The target it is known on; absent: every target. */
  target?: string;
  /** Why it is known (a ticket, the store's documented behaviour). */
  why?: string;
}

export interface Baseline {
  file: string;
  known: KnownDeviation[];
}


const FIELDS = new Set(['checker', 'kind', 'target', 'why']);

/** Reads a baseline (YAML or JSON: `known:` a list of {checker, kind?, target?, why?}); bad input is a one-line error naming file and entry. */
export function readBaseline(file: string): Baseline {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UserError(`${file}: cannot read the baseline: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  let doc: unknown;
  try {
    doc = parseYaml(text, { prettyErrors: false });
  } catch (err) {
    // YAML is a superset of JSON: one parser for both, and its line in the message.
    const e = err as { message: string; linePos?: { line: number }[] };
    const line = e.linePos?.[0]?.line;
    throw new UserError(`${file}${line ? `:${line}` : ''}: not YAML or JSON: ${e.message.split('\n')[0]}`);
  }
  const list = (doc as { known?: unknown } | null)?.known;
  if (!Array.isArray(list)) throw new UserError(`${file}: field "known": a baseline is a map with "known:", a list of {checker, kind, target, why}`);
  const known = list.map((entry, i): KnownDeviation => {
    const where = `${file}: known[${i}]`;
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) throw new UserError(`${where}: an entry is a map of checker, kind, target, why`);
    for (const k of Object.keys(entry)) if (!FIELDS.has(k)) throw new UserError(`${where}: field ${JSON.stringify(k)} is not one of checker, kind, target, why`);
    const e = entry as Record<string, unknown>;
    for (const k of FIELDS) if (e[k] !== undefined && typeof e[k] !== 'string') throw new UserError(`${where}: field "${k}" must be text`);
    if (typeof e.checker !== 'string' || e.checker === '') throw new UserError(`${where}: field "checker" is required`);
    return { checker: e.checker, ...(e.kind ? { kind: e.kind as string } : {}), ...(e.target ? { target: e.target as string } : {}), ...(e.why ? { why: e.why as string } : {}) };
  });
  return { file, known };
}

/**
 * Marks each listed anomaly known (with the entry's why) or not, and the verdict with the known
 * ones forgiven: a checker whose anomalies are all known counts as valid, unless it counted a
 * kind beyond those listed that is not known, or listed none at all.
 */
export function applyBaseline(results: Results, baseline: Baseline, target: string | undefined): Results & { baseline: BaselineOutcome } {
  let known = 0;
  let fresh = 0;
  const checkers: Record<string, CheckResult> = {};
  const verdicts: Validity[] = [];
  for (const [name, r] of Object.entries(results.checkers)) {
    const entryFor = (kind: string) => baseline.known.find((k) => k.checker === name && (k.kind === undefined || k.kind === kind) && (k.target === undefined || k.target === target));
    const anomalies = r.anomalies.map((a) => {
      const entry = entryFor(a.kind);
      if (entry) known++;
      else fresh++;
      return entry ? { ...a, known: entry.why ?? 'in the baseline' } : a;
    });
    checkers[name] = { ...r, anomalies };
    // A checker that counts its anomalies by kind (beyond those it lists): every kind counted must be known.
    const counted = Object.entries(anomalyCounts(r)).filter(([, n]) => n > 0).map(([kind]) => kind);
    const allKnown = anomalies.length > 0 && anomalies.every((a) => 'known' in a) && counted.every((kind) => entryFor(kind) !== undefined);
    verdicts.push(r.valid === false && allKnown ? true : r.valid);
  }
  if (!results.complete) verdicts.push('unknown');
  if (results.reason !== undefined) verdicts.push('unknown');
  return { ...results, checkers, baseline: { file: baseline.file, known, new: fresh, valid: combineValidity(verdicts) } };
}

/** The checker's count of anomalies by kind, where it keeps one (`anomalyCounts`). */
function anomalyCounts(r: CheckResult): Record<string, number> {
  const c = (r as { anomalyCounts?: unknown }).anomalyCounts;
  return typeof c === 'object' && c !== null ? (c as Record<string, number>) : {};
}

/** A baseline that knows every anomaly of these results, on this target (`objcheck baseline <run>`). */
export function baselineFrom(results: Results, target: string | undefined): { known: KnownDeviation[] } {
  const seen = new Map<string, KnownDeviation>();
  for (const [checker, r] of Object.entries(results.checkers)) {
    for (const a of r.anomalies) {
      const k = `${checker}\u0000${a.kind}`;
      if (!seen.has(k)) seen.set(k, { checker, kind: a.kind, ...(target ? { target } : {}), why: `seen in this run: ${sentence(a).slice(0, 120)}` });
    }
  }
  return { known: [...seen.values()] };
}
