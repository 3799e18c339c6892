/**
 * Time for the runtime (never for deciders, which get time in the command).
 * Workers and timers ask the clock, so tests run on a virtual clock and
 * "advance 25 hours" fires what is due without waiting.
 */
export type Clock = Readonly<{
  /** ISO-8601 now. */
  now: () => string;
  /** Resolve after `ms` of this clock's time (a stopping worker races it against its stop signal). */
  sleep: (ms: number) => Promise<void>;
}>;
