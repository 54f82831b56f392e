// Strings numbered by their bytes: a reader of a file's bytes learns whether it has seen a short
// ASCII string before, and its number, without making a JS string of it (a million-op history
// names a thousand keys two million times). Open addressing over a hash the reader computed as
// it walked the bytes, checked against a copy of the bytes.

/** Enough for every key of a big run; past it strings are still right, only not numbered. */
const MAX_ENTRIES = 1 << 16;
/** Longer strings are rarely repeated: not worth a copy of their bytes. */
const MAX_LENGTH = 256;

export class ByteStrings {
  /** The strings by number. */
  readonly strings: string[] = [];
  /** Number + 1 of the string in each slot; 0: empty. */
  private slots = new Int32Array(1 << 10);
  private hashes = new Int32Array(1 << 9);
  private starts = new Int32Array(1 << 9);
  private lengths = new Int32Array(1 << 9);
  /** The strings' bytes, one after another. */
  private bytes = new Uint8Array(1 << 12);
  private used = 0;

  /**
   * The number of the ASCII string b[start, end) whose hash (any function of its bytes, the same
   * for the same bytes) is `hash`; -1 for one not kept (too long, or the table is full).
   */
  id(b: Uint8Array, start: number, end: number, hash: number): number {
    const length = end - start;
    const mask = this.slots.length - 1;
    // The length in the key too (fewer collisions among k1, k10, k100), then mixed: the low bits pick the slot.
    let h = (hash ^ Math.imul(length, 0x9e3779b1)) | 0;
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
    h ^= h >>> 13;
    for (let s = h & mask; ; s = (s + 1) & mask) {
      const at = this.slots[s]! - 1;
      if (at < 0) break;
      if (this.hashes[at] === h && this.lengths[at] === length && this.same(at, b, start, length)) return at;
    }
    if (length > MAX_LENGTH || this.strings.length >= MAX_ENTRIES) return -1;
    return this.add(b, start, length, h);
  }

  private same(at: number, b: Uint8Array, start: number, length: number): boolean {
    const bytes = this.bytes;
    const from = this.starts[at]!;
    for (let i = 0; i < length; i++) if (bytes[from + i] !== b[start + i]) return false;
    return true;
  }

  private add(b: Uint8Array, start: number, length: number, h: number): number {
    const id = this.strings.length;
    if (id === this.hashes.length) {
      this.hashes = grown(this.hashes, id * 2);
      this.starts = grown(this.starts, id * 2);
      this.lengths = grown(this.lengths, id * 2);
    }
    if (this.used + length > this.bytes.length) {
      const bigger = new Uint8Array(Math.max(this.bytes.length * 2, this.used + length));
      bigger.set(this.bytes.subarray(0, this.used));
      this.bytes = bigger;
    }
    this.bytes.set(b.subarray(start, start + length), this.used);
    this.strings.push(Buffer.from(b.buffer, b.byteOffset + start, length).toString('latin1'));
    this.hashes[id] = h;
    this.starts[id] = this.used;
    this.lengths[id] = length;
    this.used += length;
    // At most half full: short probes.
    if ((id + 1) * 2 > this.slots.length) this.rehash(this.slots.length * 2);
    else this.place(id);
    return id;
  }

  private place(id: number): void {
    const mask = this.slots.length - 1;
    let s = this.hashes[id]! & mask;
    while (this.slots[s] !== 0) s = (s + 1) & mask;
    this.slots[s] = id + 1;
  }

  private rehash(size: number): void {
    this.slots = new Int32Array(size);
    for (let id = 0; id < this.strings.length; id++) this.place(id);
  }
}

function grown(a: Int32Array, n: number): Int32Array<ArrayBuffer> {
  const b = new Int32Array(n);
  b.set(a);
  return b;
}
