// Exit codes are part of the interface: scripts and CI jobs branch on them.
export const EXIT = {
  valid: 0,
  anomalies: 1,
  unknown: 2,
  usage: 3,
} as const;

/** A mistake of the user's (a bad flag, a missing or malformed file): one line, exit 3. */
export class UserError extends Error {
  constructor(message: string, readonly exitCode: number = EXIT.usage) {
    super(message);
  }
}

/** The exit code for a verdict: 0 valid, 1 anomalies, 2 unknown or incomplete. */
export function exitCodeFor(valid: true | false | 'unknown'): number {
  return valid === true ? EXIT.valid : valid === false ? EXIT.anomalies : EXIT.unknown;
}

/** The exit code for results: with a baseline, its verdict (known deviations forgiven). */
export function exitCodeOf(results: { valid: true | false | 'unknown'; baseline?: { valid: true | false | 'unknown' } }): number {
  return exitCodeFor(results.baseline?.valid ?? results.valid);
}

/**
 * The worst of several exit codes. A usage error is worst, then anomalies (definite evidence),
 * then unknown, then valid.
 */
export function worstExit(codes: Iterable<number>): number {
  const rank = (c: number) => (c >= EXIT.usage ? 3 : c === EXIT.anomalies ? 2 : c === EXIT.unknown ? 1 : 0);
  let worst: number = EXIT.valid;
  for (const c of codes) if (rank(c) > rank(worst)) worst = c;
  return worst;
}
