/**
 * A small seeded generator (mulberry32): the same seed gives the same sequence on every
 * machine, which is what makes --seed reproduce a run's operations.
 */
export class Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** As if `n` draws had been made: each adds the same step to the state (mulberry32), so n of them in O(1). */
  skip(n: number): void {
    this.state = (this.state + Math.imul(n % 4294967296 | 0, 0x6d2b79f5)) >>> 0;
  }

  /** next() times 2^32: an integer in [0, 2^32), for callers that want its bits. */
  nextUint32(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Picks from weighted choices; weights need not sum to 1. */
  weighted<T>(choices: readonly (readonly [T, number])[]): T {
    let total = 0;
    for (const [, w] of choices) total += w;
    let r = this.next() * total;
    for (const [c, w] of choices) {
      r -= w;
      if (r < 0) return c;
    }
    return choices[choices.length - 1]![0];
  }
}
