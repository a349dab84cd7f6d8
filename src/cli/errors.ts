/** A problem with the command line itself: exit code 2, with a pointer to --help. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** A problem that makes the run meaningless (unreadable input): exit code 1, one line. */
export class FatalError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FatalError';
  }
}

/** Exit codes of the `drg` binary. */
export const EXIT = {
  /** Done; every row is in the output. */
  ok: 0,
  /** A fatal problem (bad scheme, missing column, unreadable input); no final output file is left. */
  fatal: 1,
  /** The command line is wrong. */
  usage: 2,
  /** Done, but some rows were malformed and went to the rejects file. */
  rejected: 3,
} as const;
