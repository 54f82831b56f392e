import { UserError } from '../util/errors.js';
import type { OpenTarget, S3Access } from '../targets/target.js';
import { probeChecks, type ProbeCheck, type ProbeContext } from './checks.js';

export interface ProbeResult {
  check: string;
  expected: string;
  observed: string;
  ok: boolean;
}

/**
 * Runs the checks one after another, each on keys of its own under the run's prefix. A check
 * that throws (a timeout, a refused connection) is observed as that error: a deviation, since
 * the documented rule did not show.
 */
export async function runProbe(s3: S3Access, checks: readonly ProbeCheck[] = probeChecks): Promise<ProbeResult[]> {
  let n = 0;
  const ctx = {
    s3: s3.client,
    bucket: s3.bucket,
    key: (name: string) => `${s3.prefix}probe/${String(n++).padStart(2, '0')}-${name}`,
    wrongSecret: () => s3.withSecret('objcheck-probe-wrong-secret'),
  };
  const results: ProbeResult[] = [];
  try {
    await runEach(checks, ctx, results);
  } finally {
    // Its objects must not show up in the workload's LISTs of the run prefix.
    const { deletePrefix } = await import('../targets/s3-client.js');
    await deletePrefix(s3.client, s3.bucket, `${s3.prefix}probe/`).catch(() => undefined);
  }
  return results;
}

async function runEach(checks: readonly ProbeCheck[], ctx: ProbeContext, results: ProbeResult[]): Promise<void> {
  for (const c of checks) {
    let observed: string;
    try {
      observed = await c.run(ctx);
    } catch (err) {
      observed = `error: ${(err as Error).name === 'Error' ? '' : `${(err as Error).name}: `}${(err as Error).message}`;
    }
    results.push({ check: c.name, expected: c.expected, observed, ok: observed === c.expected });
  }
}

/** The store's S3 API, or the one-line error of a target that has none (`who`: the command or flag). */
export function probeAccess(target: OpenTarget, targetName: string, who: string): S3Access {
  if (!target.s3) throw new UserError(`${who} checks S3's rules over HTTP, and the ${targetName} target has no S3 endpoint`);
  return target.s3;
}

/** How many checks deviate, in words; with `detail`, which ones and what the store did. */
export function probeVerdict(results: readonly ProbeResult[], detail = false): string {
  const deviations = results.filter((r) => !r.ok);
  if (deviations.length === 0) return `every check matches what AWS documents (${results.length})`;
  const which = detail ? `: ${deviations.map((r) => `${r.check} → ${r.observed}`).join('; ')}` : '';
  return `${deviations.length} of ${results.length} checks deviate from what AWS documents${which}`;
}

/** The table as the terminal shows it: each rule, what AWS documents, what the store did. */
export function formatProbe(results: readonly ProbeResult[]): string {
  const w1 = Math.max(5, ...results.map((r) => r.check.length));
  const w2 = Math.max(8, ...results.map((r) => r.expected.length));
  const row = (a: string, b: string, c: string, d: string) => `${a.padEnd(w1)}  ${b.padEnd(w2)}  ${c}${d}`;
  return [
    row('check', 'expected (AWS)', 'observed', ''),
    ...results.map((r) => row(r.check, r.expected, r.observed, r.ok ? '' : '   <-- deviates')),
    probeVerdict(results),
  ].join('\n');
}
