import { Random } from '../src/util/random.js';
import type { OpGenerator, OpSpec } from './workload.js';

export interface FillThenMix<F extends string> {
  seed: number;
  keys: number;
  keyName(i: number): string;
  /** The ops after the fill, with their weights. */
  mix: readonly (readonly [F, number])[];
  /** The op for a drawn f: `key()` draws a key, `value()` the next unique value. */
  make(f: F, key: () => string, value: () => number): OpSpec;
}

/**
 * Every key PUT once, in order, so that each exists before the mix starts (a LIST has keys it
 * must include, an update has an object to update), then ops drawn from the mix; every value
 * unique. Deterministic in the seed.
 */
export function fillThenMix<F extends string>(o: FillThenMix<F>): OpGenerator {
  const random = new Random(o.seed);
  let filled = 0;
  let nextValue = 1;
  const value = () => nextValue++;
  const key = () => o.keyName(random.int(o.keys));
  return {
    next(): OpSpec {
      if (filled < o.keys) return { f: 'put', key: o.keyName(filled++), value: value() };
      return o.make(random.weighted(o.mix), key, value);
    },
  };
}
