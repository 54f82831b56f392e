import type { Random } from '../util/random.js';

/**
 * A delay distribution, parsed from a small spec string so that a CLI flag can say it:
 *
 *   spec    := dist | "mix:" weighted ("," weighted)*
 *   weighted:= weight "*" dist
 *   dist    := number                    (same as const:number)
 *            | "const:" ms
 *            | "uniform:" lo ":" hi
 *            | "exp:" mean
 *            | "pareto:" scale ":" shape  (minimum `scale`, tail index `shape`)
 *
 * All values are milliseconds. Mixtures do not nest: a comma could not tell whose it is.
 */
export type DelayDistribution =
  | { kind: 'const'; ms: number }
  | { kind: 'uniform'; lo: number; hi: number }
  | { kind: 'exp'; mean: number }
  | { kind: 'pareto'; scale: number; shape: number }
  | { kind: 'mix'; parts: readonly { weight: number; dist: SimpleDistribution }[] };

export type SimpleDistribution = Exclude<DelayDistribution, { kind: 'mix' }>;

export class DelaySpecError extends Error {}

function num(text: string | undefined, spec: string, what: string): number {
  const value = text === undefined || text.trim() === '' ? NaN : Number(text);
  if (!Number.isFinite(value) || value < 0) {
    throw new DelaySpecError(`delay spec "${spec}": ${what} must be a non-negative number, got "${text ?? ''}"`);
  }
  return value;
}

function parseSimple(text: string, spec: string): SimpleDistribution {
  const [kind, ...args] = text.trim().split(':');
  const arity = (n: number) => {
    if (args.length !== n) throw new DelaySpecError(`delay spec "${spec}": ${kind} takes ${n} parameter(s)`);
  };
  switch (kind) {
    case 'const':
      arity(1);
      return { kind: 'const', ms: num(args[0], spec, 'const') };
    case 'uniform': {
      arity(2);
      const lo = num(args[0], spec, 'uniform lo');
      const hi = num(args[1], spec, 'uniform hi');
      if (hi < lo) throw new DelaySpecError(`delay spec "${spec}": uniform needs lo <= hi`);
      return { kind: 'uniform', lo, hi };
    }
    case 'exp':
      arity(1);
      return { kind: 'exp', mean: num(args[0], spec, 'exp mean') };
    case 'pareto': {
      arity(2);
      const scale = num(args[0], spec, 'pareto scale');
      const shape = num(args[1], spec, 'pareto shape');
      if (shape <= 0) throw new DelaySpecError(`delay spec "${spec}": pareto shape must be > 0`);
      return { kind: 'pareto', scale, shape };
    }
    default:
      if (args.length === 0) return { kind: 'const', ms: num(kind, spec, 'delay') };
      throw new DelaySpecError(`delay spec "${spec}": unknown distribution "${kind}"`);
  }
}

export function parseDelaySpec(spec: string): DelayDistribution {
  const text = spec.trim();
  if (!text.startsWith('mix:')) return parseSimple(text, spec);
  const parts = text
    .slice(4)
    .split(',')
    .map((part) => {
      const star = part.indexOf('*');
      if (star < 0) throw new DelaySpecError(`delay spec "${spec}": mixture part "${part}" needs weight*dist`);
      const weight = num(part.slice(0, star), spec, 'mixture weight');
      return { weight, dist: parseSimple(part.slice(star + 1), spec) };
    });
  if (parts.reduce((s, p) => s + p.weight, 0) <= 0) {
    throw new DelaySpecError(`delay spec "${spec}": mixture weights must not all be zero`);
  }
  return { kind: 'mix', parts };
}

function sampleSimple(d: SimpleDistribution, random: Random): number {
  switch (d.kind) {
    case 'const':
      return d.ms;
    case 'uniform':
      return d.lo + (d.hi - d.lo) * random.next();
    case 'exp':
      // 1 - u is in (0, 1], so the log is finite.
      return -d.mean * Math.log(1 - random.next());
    case 'pareto':
      return d.scale / Math.pow(1 - random.next(), 1 / d.shape);
  }
}

/** One draw, in ms. Every draw consumes the seeded generator, so runs replay. */
export function sampleDelay(d: DelayDistribution, random: Random): number {
  if (d.kind !== 'mix') return sampleSimple(d, random);
  const dist = random.weighted(d.parts.map((p) => [p.dist, p.weight] as const));
  return sampleSimple(dist, random);
}

/** The mean, for describe() output and for tests; Pareto with shape <= 1 has none. */
export function meanDelay(d: DelayDistribution): number {
  switch (d.kind) {
    case 'const':
      return d.ms;
    case 'uniform':
      return (d.lo + d.hi) / 2;
    case 'exp':
      return d.mean;
    case 'pareto':
      return d.shape > 1 ? (d.shape * d.scale) / (d.shape - 1) : Infinity;
    case 'mix': {
      const total = d.parts.reduce((s, p) => s + p.weight, 0);
      return d.parts.reduce((s, p) => s + (p.weight / total) * meanDelay(p.dist), 0);
    }
  }
}
