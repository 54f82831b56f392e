import { closeSync, openSync } from 'node:fs';
import { breaksValueRules, validateShape, HistoryFormatError } from './build.js';
import type { ChunkOps } from './chunk-ops.js';
import { ColumnWriter, StringTable, type EventColumns } from './columns.js';
import { EventScanner } from './scan-event.js';
import { FileWindow } from './file-window.js';

/** A line that breaks the format: its number (from 1, in what was read) and what is wrong. */
export class LineError extends Error {
  constructor(
    readonly line: number,
    readonly what: string,
  ) {
    super(what);
  }
}

const DROPPED_TAIL = 'the last line is cut short (the run was stopped mid-write); dropped, and the history is incomplete';
export const EMPTY_LINE = 'empty line inside the history';

/** What to say of a dropped last line. */
export const droppedTailMessage = (file: string, line: number): string => `${file}:${line}: ${DROPPED_TAIL}`;

/**
 * The lines of a history one by one, as bytes: lines in the Recorder's shape read by the
 * scanner, any other decoded and given to JSON.parse, whose verdict and message stand; blank
 * lines allowed only at the end; a broken last line without its newline dropped (a run killed
 * mid-write), anywhere else an error. Each event goes to `onEvent`, with its line's text when
 * JSON.parse read it; an error it throws (HistoryFormatError) is the line's.
 */
export class LineReader {
  /** Lines taken so far: the number of the last one. */
  line = 0;
  /** The first of the blank lines seen since the last line that was not blank; 0: none. */
  blankAt = 0;
  /** The first line that is not blank; 0: none yet. */
  firstNonBlank = 0;
  /** The last line, cut short and dropped; 0: none. */
  droppedTail = 0;
  private readonly scanner = new EventScanner();

  /**
   * `onScanned`, when given, takes the lines the scanner read instead of `onEvent`: their
   * fields are the scanner's, no event object made.
   */
  constructor(
    private readonly onEvent: (event: unknown, text: string | undefined) => void,
    private readonly onScanned?: (scanner: EventScanner) => void,
  ) {}

  /** The line bytes[start, end), its "\n" excluded; `last`: the file ends with it, no newline after. */
  take(bytes: Buffer, start: number, end: number, last = false): void {
    this.line++;
    // JSON has no raw line breaks inside values: a trailing \r is a CRLF file's line end.
    const crlf = end > start && bytes[end - 1] === 13;
    if (this.scanner.read(bytes, start, crlf ? end - 1 : end)) {
      this.nonBlank();
      if (this.onScanned === undefined) return this.add(this.scanner.event(), undefined);
      try {
        return this.onScanned(this.scanner);
      } catch (err) {
        if (err instanceof HistoryFormatError) throw new LineError(this.line, err.what);
        throw err;
      }
    }
    const text = bytes.toString('utf8', start, crlf ? end - 1 : end);
    if (text.length === 0 || (text.charCodeAt(0) <= 32 && text.trim() === '')) {
      this.blankAt ||= this.line;
      return;
    }
    this.nonBlank();
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      if (last) {
        this.droppedTail = this.line;
        return;
      }
      throw new LineError(this.line, `not valid JSON (${(err as Error).message})`);
    }
    this.add(parsed, text);
  }

  /**
   * The lines from `p` on that start before `stop`, for as long as the scanner reads them (each
   * then ends with "\n" at or before `nl`, a "\n"): where the first line it did not take starts,
   * for take(), or `stop` or past it. The common case, without finding each line's end first.
   */
  run(bytes: Buffer, p: number, stop: number, nl: number): number {
    const scanner = this.scanner;
    const onScanned = this.onScanned;
    try {
      while (p < stop && p < nl) {
        const q = scanner.line(bytes, p, nl);
        if (q < 0) break;
        this.line++;
        this.nonBlank();
        if (onScanned === undefined) this.onEvent(scanner.event(), undefined);
        else onScanned(scanner);
        p = q + 1;
      }
    } catch (err) {
      if (err instanceof HistoryFormatError) throw new LineError(this.line, err.what);
      throw err;
    }
    return p;
  }

  private nonBlank(): void {
    // Set first: a chunk whose first line that is not blank follows blank lines of the chunk
    // before must say so (the assembler then names the earlier blank line).
    this.firstNonBlank ||= this.line;
    if (this.blankAt) throw new LineError(this.blankAt, EMPTY_LINE);
  }

  private add(event: unknown, text: string | undefined): void {
    try {
      this.onEvent(event, text);
    } catch (err) {
      if (err instanceof HistoryFormatError) throw new LineError(this.line, err.what);
      throw err;
    }
  }
}

/**
 * The lines that start in bytes [start, end) of a file, scanned on their own (a worker thread's
 * share of a big file): each line belongs to the chunk it starts in, so chunks cut anywhere
 * cover every line once. Events are checked one by one (their fields; the order between them is
 * the assembler's, which sees them all) and kept as columns.
 */
export interface ChunkScan {
  columns: EventColumns;
  strings: string[];
  /** Lines that start in the chunk. */
  lines: number;
  /** The first line (in the chunk, from 1) that is not blank; 0: none. */
  firstNonBlank: number;
  /** The first of the blank lines at the chunk's end (none after them); 0: none. */
  trailingBlank: number;
  /** The first line that breaks the format (in the chunk); the chunk's scan stopped there. */
  error?: { line: number; what: string };
  /** The file's last line, cut short, dropped (in the chunk). */
  droppedTail?: number;
  /** The chunk's ops, paired on the thread that scanned it, when asked for and its events allow (src/history/chunk-ops.ts). */
  ops?: ChunkOps;
}

/** The window a chunk is read through: small enough to stay in the CPU's cache while it is scanned. */
const WINDOW = 1 << 20;

/**
 * Scans the chunk [start, end) of `file` (of `size` bytes). `keepRaw`: keep the text of lines
 * JSON.parse read. `reuse`: columns done with, to write over rather than allocate. `window`: the
 * bytes read at a time (at least; more for a longer line).
 */
export function scanChunk(file: string, start: number, end: number, size: number, keepRaw: boolean, reuse?: EventColumns, window = WINDOW): ChunkScan {
  const strings = new StringTable();
  // About a line a 64 bytes (the Recorder's are ~100): columns rarely grow.
  const writer = new ColumnWriter(strings, Math.ceil((end - start) / 64) + 16, reuse);
  const reader = new LineReader(
    (raw, text) => writer.add(validateShape(raw), keepRaw ? text : undefined),
    (s) => {
      // The scanner's shape makes every field's type right; the format's rules on their values
      // are validateShape's, with its words, for the rare line that breaks one.
      if (breaksValueRules(s)) validateShape(s.event());
      writer.addScanned(s);
    },
  );
  const fd = openSync(file, 'r');
  let error: ChunkScan['error'];
  try {
    // From the byte before `start`: a line starts at `start` only when that byte is a newline.
    const w = new FileWindow(fd, size, start === 0 ? 0 : start - 1, window);
    let p = 0;
    if (start > 0) {
      for (;;) {
        if (w.lastNl >= 0) {
          p = w.buf.indexOf(10) + 1;
          break;
        }
        if (!w.refill(w.have)) {
          p = w.have;
          break;
        }
      }
    }
    try {
      while (p < end - w.base) {
        p = reader.run(w.buf, p, end - w.base, w.lastNl);
        if (p >= end - w.base) break;
        // (Bytes of the buffer past `have` are left over from earlier reads: a newline there is none.)
        const nl = p <= w.lastNl ? w.buf.indexOf(10, p) : -1;
        if (nl >= 0) {
          reader.take(w.buf, p, nl);
          p = nl + 1;
          continue;
        }
        // The line goes on past what was read: read on until its end (past the chunk's, if need be).
        const more = w.refill(p);
        p = 0;
        if (!more) {
          if (w.have > 0) reader.take(w.buf, 0, w.have, true);
          break;
        }
      }
    } catch (err) {
      if (!(err instanceof LineError)) throw err;
      error = { line: err.line, what: err.what };
    }
  } finally {
    closeSync(fd);
  }
  const trailingBlank = error === undefined ? reader.blankAt : 0;
  return {
    columns: writer.finish(),
    strings: strings.strings,
    lines: reader.line,
    firstNonBlank: reader.firstNonBlank,
    trailingBlank,
    ...(error ? { error } : {}),
    ...(reader.droppedTail ? { droppedTail: reader.droppedTail } : {}),
  };
}
