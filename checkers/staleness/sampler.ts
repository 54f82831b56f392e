// Seeded draws for the bootstraps, so that a result is reproducible from the history and the
// seed. A Poisson bootstrap weighs each resampled unit (a write and all its reads) by a Poisson(1)
// draw instead of drawing units with replacement: the same distribution in the limit, and each
// unit's weight is drawn on its own, in O(1).

import { Random } from '../../src/util/random.js';

/** 2^12: poissonInto finds a uniform's slice in its top 12 bits. */
const SLICES = 4096;

export class Sampler {
  private readonly random: Random;
  /** The distribution function of Poisson(cdfMean), tabled. */
  private cdf = new Float64Array(0);
  private cdfMean = NaN;
  /** For each of 2^12 equal slices of [0, 1): the draw when the whole slice maps to one k, else -1. */
  private bySlice = new Int16Array(0);

  constructor(seed: number) {
    this.random = new Random(seed);
  }

  /** As if poissonInto had drawn `n` weights: each takes one uniform. */
  skip(n: number): void {
    this.random.skip(n);
  }

  uniform(): number {
    return this.random.next();
  }

  /**
   * Poisson(mean) by inversion: one uniform a draw, against the distribution function tabled
   * for the mean last asked; for the small means of a Poisson bootstrap (each unit counts Poisson(1) times).
   */
  poisson(mean: number): number {
    this.tableFor(mean);
    const u = this.uniform();
    // Most draws are one lookup; a slice that straddles a step of the function is searched.
    const k = this.bySlice[Math.floor(u * SLICES)]!;
    return k >= 0 ? k : this.inverse(u);
  }

  /**
   * `out` filled with Poisson(mean) draws, the ones poisson() would give one by one; returns the
   * largest. A byte a draw: for means whose draws stay below 256 (a bootstrap's 1).
   */
  poissonInto(mean: number, out: Uint8Array): number {
    this.tableFor(mean);
    if (this.cdf.length > 256) throw new RangeError(`Poisson(${mean}) draws do not fit in a byte`);
    const { bySlice, random } = this;
    let max = 0;
    for (let i = 0; i < out.length; i++) {
      // The uniform's slice is its top 12 bits (Math.floor(u * SLICES) exactly, SLICES being 2^12).
      const x = random.nextUint32();
      const s = bySlice[x >>> 20]!;
      const k = s >= 0 ? s : this.inverse(x / 4294967296);
      out[i] = k;
      if (k > max) max = k;
    }
    return max;
  }

  private tableFor(mean: number): void {
    if (mean === this.cdfMean) return;
    const table: number[] = [];
    let p = Math.exp(-mean);
    let sum = 0;
    for (let k = 0; p > 0 || k <= mean; k++) {
      sum += p;
      table.push(sum);
      p *= mean / (k + 1);
    }
    this.cdf = Float64Array.from(table);
    this.cdfMean = mean;
    this.bySlice = Int16Array.from({ length: SLICES }, (_, i) => {
      const k = this.inverse(i / SLICES);
      return k === this.inverse((i + 1) / SLICES - Number.EPSILON) ? k : -1;
    });
  }

  /** The smallest k with cdf[k] > u. */
  private inverse(u: number): number {
    const cdf = this.cdf;
    let k = 0;
    while (k < cdf.length - 1 && u >= cdf[k]!) k++;
    return k;
  }
}
