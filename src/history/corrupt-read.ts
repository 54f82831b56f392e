// How a read of a body that failed its own verification reads in a history (workloads/values.ts
// writes self-verifying bodies): read-validity reports it, the other checkers find no write of it.

/** The value a read records when the body it got is not intact. */
export interface CorruptRead {
  /** Why: truncated (n of m bytes), too long, checksum mismatch, mangled header, foreign body. */
  corrupt: string;
  /** Bytes read. */
  bytes: number;
  /** The id its header names, when the header could be read. */
  id?: number;
}

export function isCorrupt(v: unknown): v is CorruptRead {
  return typeof v === 'object' && v !== null && typeof (v as CorruptRead).corrupt === 'string';
}
