/**
 * The exit codes of every `ordersource` command (docs/cli.md lists them).
 * Scripts branch on them, so they never change meaning.
 */
export const EXIT = {
  /** Done; nothing refused, nothing found wrong. */
  ok: 0,
  /** simulate: at least one input line was rejected (the run went on). */
  rejected: 1,
  /** Wrong usage: unknown option, missing argument, unreadable file. */
  usage: 2,
  /** The database could not be reached or opened. */
  unreachable: 3,
  /** The stream, projection or reactor named does not exist. */
  notFound: 4,
  /** doctor: the schema is missing or older than this version of ordersource (run `ordersource migrate`). */
  schema: 10,
  /** doctor: a subscription or projection lags behind the log. */
  lag: 11,
  /** doctor: outbox items stuck (attempted and not delivered for too long). */
  outbox: 12,
  /** doctor: parked (poison) events wait for a retry. */
  parked: 13,
  /** doctor: timers are overdue. */
  timers: 14,
  /** An unexpected failure (a bug): reported with its stack. */
  internal: 70,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** An error the user can act on: printed as one line on stderr, no stack trace. */
export class UserError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode = EXIT.usage,
  ) {
    super(message);
    this.name = 'UserError';
  }
}
