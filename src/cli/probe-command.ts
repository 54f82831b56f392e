import { formatProbe, probeAccess, runProbe } from '../probe/run-probe.js';
import { targets } from '../targets/registry.js';
import { EXIT } from '../util/errors.js';
import { openOptions, openTarget, type TargetConfig } from './target-config.js';

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
  const opened = await openTarget(target, { ...openOptions(config), prefix, seed: 0, concurrency: 8, latencyMs: 0 });
  try {
    const results = await runProbe(probeAccess(opened, target.name, 'probe'));
    process.stdout.write(config.json ? results.map((r) => `${JSON.stringify(r)}\n`).join('') : `${formatProbe(results)}\n`);
    return results.every((r) => r.ok) ? EXIT.valid : EXIT.anomalies;
  } finally {
    await opened.close().catch((err: unknown) => {
      process.stderr.write(`warning: closing the target failed (objects under ${prefix} may remain): ${(err as Error).message}\n`);
    });
  }
}
