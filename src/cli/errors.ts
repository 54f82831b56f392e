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
