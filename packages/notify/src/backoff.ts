/**
 * Exponential backoff with jitter: the ceiling doubles per attempt up to
 * `maxMs`, and the delay is drawn from its upper half, so retries of many
 * intents that failed together (a mail server restarting) spread out instead
 * of arriving in one wave, and no retry comes sooner than half the ceiling.
 */
export type BackoffOptions = Readonly<{ baseMs: number; maxMs: number; random: () => number }>;

export const defaultBackoff: BackoffOptions = { baseMs: 1_000, maxMs: 300_000, random: Math.random };

/** The delay before attempt `attempt + 1`, after `attempt` (1-based) failed. */
export const backoffDelay = (attempt: number, options: BackoffOptions = defaultBackoff): number => {
  const ceiling = Math.min(options.maxMs, options.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + (options.random() * ceiling) / 2);
};
