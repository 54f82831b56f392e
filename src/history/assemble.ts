import { UserError } from '../util/errors.js';
import { HistoryFormatError } from './build.js';
import { EMPTY_LINE, type ChunkScan } from './lines.js';

/**
 * Puts the chunks of a file, scanned apart (src/history/lines.ts scanChunk), back in line order:
 * their lines numbered from the file's start, the rules that span chunks (no blank line before
 * a line that is not blank, the dropped last line) applied, and the first line that breaks the
 * format reported as the reader of the whole file would: `file:line: what`, the same line and
 * words. Chunks must come in file order.
 */
export class ChunkAssembler {
  /** Lines of the chunks before this one. */
  private before = 0;
  /** The first of the blank lines at the end of what was assembled; 0: none. */
  private blankAt = 0;
  /** The file's last line, dropped; 0: none. */
  droppedTail = 0;

  constructor(private readonly file: string) {}

  /**
   * The chunk's events go to `each` (by number in its columns), in order; an error it throws
   * (HistoryFormatError) is its line's. `all`, when given, is tried first: it takes every event
   * at once, or (false) none, and then `each` takes them.
   */
  add(scan: ChunkScan, each: (i: number) => void, all?: () => boolean): void {
    if (this.blankAt && scan.firstNonBlank) throw this.error(this.blankAt, EMPTY_LINE);
    const n = all?.() ? 0 : scan.columns.length;
    for (let i = 0; i < n; i++) {
      try {
        each(i);
      } catch (err) {
        // Events are on the chunk's lines one after another from its first that is not blank:
        // a blank line before a line that is not blank would have stopped the scan.
        if (err instanceof HistoryFormatError) throw this.error(this.before + scan.firstNonBlank + i, err.what);
        throw err;
      }
    }
    if (scan.error) throw this.error(this.before + scan.error.line, scan.error.what);
    if (scan.droppedTail) this.droppedTail = this.before + scan.droppedTail;
    if (scan.trailingBlank) this.blankAt ||= this.before + scan.trailingBlank;
    this.before += scan.lines;
  }

  private error(line: number, what: string): UserError {
    return new UserError(`${this.file}:${line}: ${what}`);
  }
}
