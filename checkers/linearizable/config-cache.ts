// Lowe's cache of configurations: the set of ops linearized so far (a bitset, with a hash kept up
// to date as ops are added and removed) together with the model state and whether the last op
// placed was optional. A configuration seen before failed before (or is being explored), so the
// search does not enter it again. Open addressing over typed arrays; it grows by doubling.

export class ConfigCache {
  /** The ops linearized now, one bit each. */
  readonly bits: Uint32Array;
  /** Configurations held. */
  count = 0;
  /** Bytes per configuration held: the bitset, hash, state, and table slots (amortised). */
  readonly bytesPerEntry: number;
  private readonly words: number;
  private readonly rnd: Int32Array;
  private bitsHash = 0;
  private cap = 1024;
  private table = new Int32Array(this.cap * 2);
  private cHash = new Int32Array(this.cap);
  private cNode = new Int32Array(this.cap);
  private cBits: Uint32Array;

  constructor(ops: number) {
    this.words = (ops + 31) >>> 5;
    this.bits = new Uint32Array(this.words);
    this.cBits = new Uint32Array(this.cap * this.words);
    this.bytesPerEntry = 4 * this.words + 8 + 8;
    // A random 32-bit word per op (xorshift32): the set's hash is the xor of its members'.
    this.rnd = new Int32Array(ops);
    let x = 0x9e3779b9 | 0;
    for (let i = 0; i < ops; i++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      this.rnd[i] = x | 0;
    }
  }

  /** Adds op o to the linearized set, or takes it out (it flips o's bit). */
  flip(o: number): void {
    this.bits[o >>> 5]! ^= 1 << (o & 31);
    this.bitsHash ^= this.rnd[o]!;
  }

  /**
   * Adds the configuration (the linearized set now, `node` = state id · 2 + flag, whose state
   * hashes to stateHash); false when it was already there.
   */
  add(node: number, stateHash: number): boolean {
    let h = this.bitsHash ^ Math.imul(stateHash ^ (node + 0x632be5ab), 0x85ebca6b);
    h ^= h >>> 15;
    const { table, cHash, cNode, cBits, bits, words } = this;
    const mask = table.length - 1;
    let slot = h & mask;
    for (;;) {
      const t = table[slot]!;
      if (t === 0) break;
      const e = t - 1;
      if (cHash[e] === h && cNode[e] === node) {
        const base = e * words;
        let same = true;
        for (let w = 0; w < words; w++) {
          if (cBits[base + w] !== bits[w]) {
            same = false;
            break;
          }
        }
        if (same) return false;
      }
      slot = (slot + 1) & mask;
    }
    if (this.count === this.cap) {
      this.grow();
      return this.add(node, stateHash);
    }
    const e = this.count++;
    cHash[e] = h;
    cNode[e] = node;
    cBits.set(bits, e * words);
    table[slot] = e + 1;
    return true;
  }

  private grow(): void {
    const cap = this.cap * 2;
    const h2 = new Int32Array(cap);
    h2.set(this.cHash);
    this.cHash = h2;
    const n2 = new Int32Array(cap);
    n2.set(this.cNode);
    this.cNode = n2;
    const b2 = new Uint32Array(cap * this.words);
    b2.set(this.cBits);
    this.cBits = b2;
    this.cap = cap;
    this.table = new Int32Array(cap * 2);
    const mask = cap * 2 - 1;
    for (let e = 0; e < this.count; e++) {
      let slot = this.cHash[e]! & mask;
      while (this.table[slot] !== 0) slot = (slot + 1) & mask;
      this.table[slot] = e + 1;
    }
  }
}
