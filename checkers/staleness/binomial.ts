// Exact binomial draws for the bootstrap. Resampling n reads of which k were consistent gives a
// Binomial(n, k/n) count; drawing it directly costs O(log n) instead of O(n), which is what makes
// 1000 resamples of a million-read history cheap. Seeded, so a result is reproducible.

import { Random } from '../../src/util/random.js';

export class Sampler {
  private readonly random: Random;
  private spare: number | null = null;

  constructor(seed: number) {
    this.random = new Random(seed);
  }

  uniform(): number {
    return this.random.next();
  }

  /** A standard normal (Box-Muller, both halves used). */
  normal(): number {
    if (this.spare !== null) {
      const z = this.spare;
      this.spare = null;
      return z;
    }
    const u = 1 - this.uniform();
    const v = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** Gamma(a, 1) for a >= 1 (Marsaglia & Tsang 2000). */
  gamma(a: number): number {
    const d = a - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      let x: number;
      let v: number;
      do {
        x = this.normal();
        v = 1 + c * x;
      } while (v <= 0);
      v = v * v * v;
      const u = 1 - this.uniform();
      if (u < 1 - 0.0331 * x ** 4 || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
    }
  }

  /**
   * Binomial(n, p), exactly in distribution (Knuth, TAOCP 3.4.1): the i-th smallest of n uniforms
   * is Beta(i, n+1-i); comparing it with p decides i outcomes at once, and the rest is a smaller
   * binomial. Small n are drawn one trial at a time.
   */
  binomial(n: number, p: number): number {
    let k = 0;
    while (n > 32) {
      if (p <= 0) return k;
      if (p >= 1) return k + n;
      const i = (n + 1) >>> 1;
      const a = this.gamma(i);
      const x = a / (a + this.gamma(n + 1 - i));
      if (p < x) {
        n = i - 1;
        p = p / x;
      } else {
        k += i;
        n -= i;
        p = (p - x) / (1 - x);
      }
    }
    for (let j = 0; j < n; j++) if (this.uniform() < p) k++;
    return k;
  }
}
