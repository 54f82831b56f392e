import { formatProbe, runProbe } from '../probe/run-probe.js';
import { targets } from '../targets/registry.js';
import type { OpenTarget } from '../targets/target.js';
import { EXIT, UserError } from './errors.js';
import { openOptions, type TargetConfig } from './target-config.js';

export interface ProbeConfig extends TargetConfig {
  json: boolean;
}

/**
 * `objcheck probe`: single-client checks of S3's documented rules, expected beside observed.
 * Exit 0 when the store does what AWS documents, 1 when it deviates.
 */
export async function probeCommand(config: ProbeConfig): Promise<number> {
  const target = targets.get(config.target)!;
  const prefix = `objcheck/probe-${new Date().toISOString().replace(/[-:.]/g, '')}/`;
  let opened: OpenTarget;
  try {
    opened = await target.open({
      ...openOptions(config),
      prefix,
      seed: 0,
      concurrency: 8,
      latencyMs: 0,
    });
  } catch (err) {
    if (err instanceof UserError) throw err;
    throw new UserError(`cannot open target ${target.name}: ${(err as Error).message}`);
  }
  try {
    if (!opened.s3) throw new UserError(`probe checks S3's rules over HTTP, and the ${target.name} target has no S3 endpoint`);
    const results = await runProbe(opened.s3);
    process.stdout.write(config.json ? results.map((r) => `${JSON.stringify(r)}\n`).join('') : `${formatProbe(results)}\n`);
    return results.every((r) => r.ok) ? EXIT.valid : EXIT.anomalies;
  } finally {
    await opened.close().catch((err: unknown) => {
      process.stderr.write(`warning: closing the target failed (objects under ${prefix} may remain): ${(err as Error).message}\n`);
    });
  }
}
