import { readSync } from 'node:fs';

/**
 * A stretch of a file in one buffer that is refilled as the reader moves on, rather than the whole
 * of a big chunk read at once: the bytes are then scanned while still in the CPU's cache, and no
 * fresh memory is faulted in for each chunk.
 */
export class FileWindow {
  buf: Buffer;
  /** The file's offset of buf[0]. */
  base: number;
  /** Bytes of buf that hold the file; past them, left over from earlier reads. */
  have = 0;
  /** The last "\n" in buf[0, have); -1: none. */
  lastNl = -1;

  constructor(
    private readonly fd: number,
    private readonly size: number,
    from: number,
    bytes: number,
  ) {
    this.buf = Buffer.allocUnsafe(bytes);
    this.base = from;
    this.read();
  }

  /** Drops the bytes before `keep`, the rest moved to the front, and reads on after them: whether any more was read. */
  refill(keep: number): boolean {
    const rest = this.have - keep;
    // A line longer than half the window: a bigger one, so that a long line is not copied again and again.
    if (rest > this.buf.length >> 1) {
      const bigger = Buffer.allocUnsafe(this.buf.length * 2);
      this.buf.copy(bigger, 0, keep, this.have);
      this.buf = bigger;
    } else this.buf.copyWithin(0, keep, this.have);
    this.base += keep;
    this.have = rest;
    return this.read() > 0;
  }

  private read(): number {
    const want = Math.min(this.buf.length - this.have, this.size - this.base - this.have);
    let got = 0;
    while (got < want) {
      const n = readSync(this.fd, this.buf, this.have + got, want - got, this.base + this.have + got);
      if (n === 0) break;
      got += n;
    }
    this.have += got;
    this.lastNl = this.have === 0 ? -1 : this.buf.lastIndexOf(10, this.have - 1);
    return got;
  }
}
